package dossier_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

func BenchmarkReceive(b *testing.B) {
	ctx := context.Background()
	now := at("2025-03-03 09:00")
	svc, err := dossier.NewService(dossier.Config{Store: memstore.New(), Catalog: testCatalog, Agency: "000.00.01.H26",
		Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	in := dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct, Actor: "một cửa"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Receive(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
}

// million returns 1,000,000 dossiers received through 2025, each with the
// events of a resolved or open dossier.
func million() []*dossier.Dossier {
	cal := sla.Default()
	ds := make([]*dossier.Dossier, 1_000_000)
	start := at("2025-01-02 07:30")
	for i := range ds {
		received := start.Add(time.Duration(i) * 31 * time.Second)
		due, _ := cal.Due(received, sla.WorkingDays(5)) // a valid limit in 2025 cannot fail
		d := &dossier.Dossier{
			ID:          uuid.New(),
			Code:        dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(received), Seq: i + 1},
			Procedure:   "1.001193",
			Limit:       sla.WorkingDays(5),
			Channel:     procedure.Channel(1 + i%3),
			ReceivedAt:  received,
			Due:         due,
			OriginalDue: due,
			Status:      dossier.InProgress,
			Events:      []dossier.Event{{At: received, Kind: dossier.KindReceive, To: dossier.Received}},
		}
		if i%10 != 0 {
			d.Status = dossier.Returned
			d.FinishedAt = received.Add(time.Duration(i%100) * time.Hour)
		}
		ds[i] = d
	}
	return ds
}

func BenchmarkSummarize1M(b *testing.B) {
	ds := million()
	cal := sla.Default()
	asOf := at("2026-01-01 00:00")
	b.ReportAllocs()
	for b.Loop() {
		dossier.Summarize(cal, asOf, slices.Values(ds))
	}
}

func BenchmarkList1M(b *testing.B) {
	ctx := context.Background()
	store := memstore.New()
	for _, d := range million() {
		if err := store.Create(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	for _, p := range []struct {
		name     string
		from, to string
	}{
		{"year", "2025-01-01 00:00", "2026-01-01 00:00"},
		{"month", "2025-06-01 00:00", "2025-07-01 00:00"},
	} {
		f := dossier.Filter{ReceivedFrom: at(p.from), ReceivedTo: at(p.to)}
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range store.List(ctx, f) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				b.ReportMetric(float64(n), "dossiers")
			}
		})
	}
}
