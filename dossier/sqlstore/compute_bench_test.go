package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/sla"
)

// BenchmarkSQLiteCompute1M is Biểu 06 over a year of a province, a million
// dossiers, from the facts the store keeps: the statutory report's cost on
// SQLite (target: at most 2 s).
func BenchmarkSQLiteCompute1M(b *testing.B) {
	const n = 1_000_000
	s := factsDB(b, factsCache(), n)
	q := report.Query{Store: s, Period: report.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT), To: time.Date(2026, 1, 1, 0, 0, 0, 0, sla.ICT)}, By: report.ByAgency}
	b.ReportAllocs()
	for b.Loop() {
		st, err := report.Compute(context.Background(), q)
		if err != nil {
			b.Fatal(err)
		}
		if st.Total.Total() != n {
			b.Fatalf("counted %d dossiers, want %d", st.Total.Total(), n)
		}
	}
}
