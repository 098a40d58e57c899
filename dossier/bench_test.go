package dossier_test

import (
	"context"
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

// million fills a memstore with 1,000,000 dossiers received through 2025,
// nine in ten of them resolved.
func million(b *testing.B) *memstore.Store {
	ctx := context.Background()
	cal := sla.Default()
	store := memstore.New()
	start := at("2025-01-02 07:30")
	for i := range 1_000_000 {
		received := start.Add(time.Duration(i) * 31 * time.Second)
		due, err := cal.Due(received, sla.WorkingDays(5))
		if err != nil {
			b.Fatal(err)
		}
		d := &dossier.Dossier{
			ID:        uuid.New(),
			Code:      dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(received)},
			Procedure: "1.001193",
			Channel:   procedure.Channel(1 + i%3),
		}
		events := []dossier.Event{{At: received, Kind: dossier.KindReceive, Due: due, LegalDue: due, Limit: sla.WorkingDays(5)}}
		if i%10 != 0 {
			events = append(events, dossier.Event{At: received.Add(time.Duration(i%100) * time.Hour), Kind: dossier.KindResolve})
		}
		for _, e := range events {
			if err := d.Apply(e); err != nil {
				b.Fatal(err)
			}
		}
		if err := store.Create(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	return store
}

func BenchmarkList1M(b *testing.B) {
	ctx := context.Background()
	store := million(b)
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
