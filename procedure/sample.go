package procedure

import (
	"bytes"
	_ "embed"
	"sync"
)

// The shipped catalogue is embedded from testdata, where the tests that keep
// it valid and canonical read it too: one copy of the data.
//
//go:embed testdata/catalog.json
var sampleJSON []byte

var sample = sync.OnceValues(func() (*Catalog, error) { return Load(bytes.NewReader(sampleJSON)) })

// Sample returns the catalogue that ships with motcua: 22 versions of 20
// real procedures of the commune, district and provincial levels (civil
// status, certification, residence, business registration, construction
// permits, land and social assistance), with their national codes, names,
// fields, the processing times and fees published for each channel, and the
// sources they come from: [Catalog.Sources] names the national portal's page
// of each procedure, what was taken from it and what could not be
// confirmed. The example server and tests use it; a one-stop
// desk loads its own province's catalogue with Load.
//
// The catalogue is loaded once and shared. Sample panics if the shipped
// file is invalid, which the package's tests rule out.
func Sample() *Catalog {
	c, err := sample()
	if err != nil {
		panic("procedure: the shipped catalogue does not load: " + err.Error())
	}
	return c
}
