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
// and compares the press release with the article's figures
// (testdata/report2020.txt), and the form that follows it with
// testdata/form-and-analyses-2020.txt, the form and the analyses as this
// command first printed them. It
// takes seconds, so -short skips it, and the race detector, which makes it
// ten times slower, leaves it out.
func TestArticle(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole year takes seconds")
	}
	start := time.Now()
	var out bytes.Buffer
	require.NoError(t, run(nil, &out))
	t.Logf("the year ran in %v", time.Since(start))
	release, form, ok := bytes.Cut(out.Bytes(), []byte("\nBiểu số 06"))
	require.True(t, ok, "the form follows the press release")
	form = append([]byte("Biểu số 06"), form...)
	for _, g := range []struct {
		file string
		got  []byte
	}{{"report2020.txt", release}, {"form-and-analyses-2020.txt", form}} {
		golden := filepath.Join("testdata", g.file)
		if *update && g.file != "report2020.txt" { // the article is not ours to rewrite
			require.NoError(t, os.WriteFile(golden, g.got, 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(g.got), g.file)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/form-and-analyses-2020.txt")
