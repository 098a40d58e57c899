package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTableUpToDate fails when table.go was edited by hand or the
// astronomy changed without `go generate ./sla/lunar`.
func TestTableUpToDate(t *testing.T) {
	t.Parallel()
	want, err := generate()
	require.NoError(t, err)
	got, err := os.ReadFile("../../table.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "table.go is stale: run go generate ./sla/lunar")
}
