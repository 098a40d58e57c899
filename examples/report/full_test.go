//go:build !race

package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArticle runs the default year, as `go run ./examples/report` does,
// and compares it with the article. It takes seconds, so -short skips it,
// and the race detector, which makes it ten times slower, leaves it out.
func TestArticle(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole year takes seconds")
	}
	start := time.Now()
	var out bytes.Buffer
	require.NoError(t, run(nil, &out))
	t.Logf("the year ran in %v", time.Since(start))
	golden := filepath.Join("testdata", "report2020.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

var update = flag.Bool("update", false, "rewrite testdata/report2020.txt")
