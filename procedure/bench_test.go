package procedure_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// synthetic returns n procedures made from the shipped ones: each real
// procedure again under provincial suffixes (".H01", ".H02", …), its name
// followed by the province's number so that names differ, as a province's
// own variants of the national procedures would.
func synthetic(b testing.TB, n int) []procedure.Procedure {
	b.Helper()
	var real []procedure.Procedure
	for p := range procedure.Sample().All() {
		if p.EffectiveTo.IsZero() {
			real = append(real, p.Clone())
		}
	}
	out := make([]procedure.Procedure, 0, n)
	for i := 0; len(out) < n; i++ {
		p := real[i%len(real)].Clone()
		province := i/len(real) + 1
		p.Code = fmt.Sprintf("%s.H%02d", p.Code, province)
		p.Name = fmt.Sprintf("%s (tỉnh %d)", p.Name, province)
		out = append(out, p)
	}
	return out
}

func syntheticJSON(b testing.TB, n int) []byte {
	b.Helper()
	cat, err := procedure.NewCatalog(synthetic(b, n)...)
	require.NoError(b, err)
	var buf bytes.Buffer
	require.NoError(b, cat.WriteJSON(&buf))
	return buf.Bytes()
}

func BenchmarkSearch2000(b *testing.B) {
	cat, err := procedure.NewCatalog(synthetic(b, 2000)...)
	require.NoError(b, err)
	for _, q := range []string{"dang ky ket hon", "giấy phép xây dựng", "tạm trú", "1.0011"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cat.Search(q)
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	cat, err := procedure.NewCatalog(synthetic(b, 2000)...)
	require.NoError(b, err)
	at := time.Date(2025, 9, 1, 9, 0, 0, 0, sla.ICT)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cat.Lookup("1.001193.H42", at); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad2000(b *testing.B) {
	data := syntheticJSON(b, 2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := procedure.Load(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// Lookup must not allocate, whatever the machine.
func TestLookupDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	cat, err := procedure.NewCatalog(synthetic(t, 2000)...)
	require.NoError(t, err)
	at := time.Date(2025, 9, 1, 9, 0, 0, 0, sla.ICT)
	allocs := testing.AllocsPerRun(100, func() { _, _ = cat.Lookup("1.001193.H42", at) })
	require.Zero(t, allocs)
}

// The targets BENCHMARKS.md records, with a margin of 4, checked only when
// MOTCUA_PERF is set: on a machine shared with other jobs a timing test
// fails for reasons of its own. The benchmarks give the real numbers.
func TestPerformanceBudget(t *testing.T) {
	if os.Getenv("MOTCUA_PERF") == "" || raceEnabled {
		t.Skip("set MOTCUA_PERF=1 to check the time limits")
	}
	cat, err := procedure.NewCatalog(synthetic(t, 2000)...)
	require.NoError(t, err)
	search := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			cat.Search("dang ky ket hon")
		}
	})
	require.Less(t, search.NsPerOp(), int64(4*50_000), "Search over 2,000 procedures: budget 50 µs")
	data := syntheticJSON(t, 2000)
	load := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			_, _ = procedure.Load(bytes.NewReader(data))
		}
	})
	require.Less(t, load.NsPerOp(), int64(4*50_000_000), "loading 2,000 procedures: budget 50 ms")
}
