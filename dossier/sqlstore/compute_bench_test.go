package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/sla"
)

// The reports over a year of a province, a million dossiers (factsDB),
// from the facts the store keeps: Biểu 06 (target: at most 2 s on either
// dialect) and all the analyses in one pass (target: at most 3 s).
//
//	go test -run '^$' -bench 'Compute1M|Analyze1M' -benchmem ./dossier/sqlstore/

func BenchmarkSQLiteCompute1M(b *testing.B)   { benchCompute(b, SQLite) }
func BenchmarkPostgresCompute1M(b *testing.B) { benchCompute(b, PostgreSQL) }
func BenchmarkSQLiteAnalyze1M(b *testing.B)   { benchAnalyze(b, SQLite) }
func BenchmarkPostgresAnalyze1M(b *testing.B) { benchAnalyze(b, PostgreSQL) }

const reportDossiers = 1_000_000

// reportQuery is the year 2025 of factsDB's dossiers, by agency.
func reportQuery(b *testing.B, d Dialect) report.Query {
	return report.Query{Store: factsDB(b, d, reportDossiers), Catalog: factsCatalog(b), By: report.ByAgency,
		Period: report.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT), To: time.Date(2026, 1, 1, 0, 0, 0, 0, sla.ICT)}}
}

func benchCompute(b *testing.B, d Dialect) {
	q := reportQuery(b, d)
	b.ReportAllocs()
	for b.Loop() {
		st, err := report.Compute(context.Background(), q)
		if err != nil {
			b.Fatal(err)
		}
		if st.Total.Total() != reportDossiers {
			b.Fatalf("counted %d dossiers, want %d", st.Total.Total(), reportDossiers)
		}
	}
}

func benchAnalyze(b *testing.B, d Dialect) {
	q := reportQuery(b, d)
	b.ReportAllocs()
	for b.Loop() {
		a, err := report.Analyze(context.Background(), q, report.QualityInput{Satisfied: report.Share{Part: 9, Whole: 10}})
		if err != nil {
			b.Fatal(err)
		}
		// One in thirty is planted late, at the second step.
		if l := a.Late.Total; l.Late < reportDossiers/31 || l.Steps[0].Step != factsSteps[1].Name {
			b.Fatalf("found %d late dossiers, %+v first; want about %d, %q", l.Late, l.Steps[0], reportDossiers/30, factsSteps[1].Name)
		}
	}
}

// Reading 4,096 of factsDB's late and paused dossiers in full, as Late and
// Cuts do: a Get each, or a List of named dossiers (dossier.Filter.Codes)
// per batch, which sizes report's batches.
func BenchmarkSQLiteReadLate(b *testing.B)   { benchReadLate(b, SQLite) }
func BenchmarkPostgresReadLate(b *testing.B) { benchReadLate(b, PostgreSQL) }

func benchReadLate(b *testing.B, d Dialect) {
	ctx := context.Background()
	q := reportQuery(b, d)
	s := q.Store.(*Store)
	var codes []dossier.Code
	for f, err := range s.ListFacts(ctx, q.Period.From, q.Period.To) {
		require.NoError(b, err)
		if f.Pauses > 0 || f.Outcome == dossier.Resolved && f.FinishedAt.After(f.LegalDue) {
			codes = append(codes, f.Code)
		}
		if len(codes) == 4096 {
			break
		}
	}
	b.Run("Get", func(b *testing.B) {
		for b.Loop() {
			for _, c := range codes {
				_, err := s.Get(ctx, c)
				require.NoError(b, err)
			}
		}
	})
	for _, k := range []int{128, 512, 2048} {
		b.Run(fmt.Sprintf("List%d", k), func(b *testing.B) {
			for b.Loop() {
				n := 0
				for batch := range slices.Chunk(codes, k) {
					for _, err := range s.List(ctx, dossier.Filter{Codes: batch}) {
						require.NoError(b, err)
						n++
					}
				}
				require.Equal(b, len(codes), n)
			}
		})
	}
}
