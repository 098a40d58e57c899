package memstore

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// BenchmarkReceiveOutbox measures what the outbox costs a receipt: the
// same Service.Receive on a Store that records its outbox and on one that
// does not.
func BenchmarkReceiveOutbox(b *testing.B) {
	for _, bb := range []struct {
		name string
		off  bool
	}{{"outbox", false}, {"no-outbox", true}} {
		b.Run(bb.name, func(b *testing.B) {
			store := New()
			store.ob.off = bb.off
			now := time.Date(2025, time.September, 8, 9, 0, 0, 0, sla.ICT)
			svc, err := dossier.NewService(dossier.Config{Store: store, Catalog: procedure.Sample(), Agency: "000.00.01.H26",
				Now: func() time.Time { return now }})
			if err != nil {
				b.Fatal(err)
			}
			in := dossier.Intake{Procedure: "1.004222", Applicant: dossier.Applicant{Name: "Nguyễn Văn An"}, Channel: procedure.Direct, Actor: "một cửa"}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Receive(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
		})
	}
}
