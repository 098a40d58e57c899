package storetest_test

import (
	"testing"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/storetest"
)

// A store of your own runs the suite in a test of its package; here the
// store is memstore's. Each call of the function must return an empty store.
func Example() {
	_ = func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) dossier.Store {
			return memstore.New()
		})
	}
}
