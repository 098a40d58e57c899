package sla_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
	"github.com/motcua/motcua/sla/slatest"
)

// The worked examples of testdata/worked_examples.json, kept as a slatest
// table.
func TestWorkedExamples(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/worked_examples.json")
	require.NoError(t, err)
	defer f.Close()
	cases, err := slatest.ReadCases(f)
	require.NoError(t, err)
	require.Len(t, cases, 15)
	slatest.Run(t, sla.Default(), cases)
}
