package report_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/internal/simulate"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// million fills a memstore with 1,000,000 dossiers received through 2025
// with the control slips of simulate.Catalog, built with dossier.Apply:
// land, birth and building permits in turn, on the three channels; nine
// in ten resolved. Every tenth land dossier spends 40 working hours at
// simulate.SlowStep (its limit is 24) and is late; building permits are
// done in 13 working hours of 80, one in fifty after a supplement awaited
// for a working day.
var million = sync.OnceValue(func() *memstore.Store {
	ctx := context.Background()
	cal := sla.Default()
	cat := simulate.Catalog()
	store := memstore.New()
	codes := []string{simulate.LandCode, simulate.BirthCode, simulate.GenerousCode}
	var procs []procedure.Procedure
	for _, c := range codes {
		p, err := cat.Lookup(c, at("2025-01-01 00:00"))
		if err != nil {
			panic(err)
		}
		procs = append(procs, p)
	}
	after := func(t time.Time, d sla.Duration, pauses ...sla.Interval) time.Time {
		due, err := cal.Due(t, d, pauses...)
		if err != nil {
			panic(err)
		}
		return due
	}
	hours := sla.WorkingHours
	start := at("2025-01-01 00:00")
	for i := range 1_000_000 {
		p := procs[i%3]
		r := start.Add(time.Duration(i) * 31 * time.Second)
		due := after(r, p.Duration)
		d := &dossier.Dossier{ID: uuid.New(), Code: dossier.Code{Agency: simulate.Agency, Date: sla.DateOf(r)},
			Procedure: p.Code, Channel: procedure.Channel(1 + (i/3)%3)}
		d.ReturnChannel = d.Channel
		ev := []dossier.Event{{At: r, Kind: dossier.KindReceive, Due: due, LegalDue: due, Limit: p.Duration,
			Step: p.Steps[0].Name, StepDue: after(r, p.Steps[0].Duration)}}
		t1 := after(r, hours(2))
		ev = append(ev, dossier.Event{At: t1, Kind: dossier.KindTransfer, Receiver: "chuyên viên",
			Step: p.Steps[1].Name, StepDue: after(t1, p.Steps[1].Duration)})
		work := []int{16, 12, 9}[i%3]
		if i%30 == 0 {
			work = 40 // the slow step
		}
		from := t1
		if i%150 == 2 { // a building permit that waits for a supplement
			back := after(t1, hours(8))
			pause := sla.Interval{Start: t1, End: back}
			legal := after(r, p.Duration, pause)
			ev = append(ev,
				dossier.Event{At: t1, Kind: dossier.KindRequestSupplement, Reason: "Thiếu bản vẽ"},
				dossier.Event{At: back, Kind: dossier.KindSupplement, Due: legal, LegalDue: legal,
					StepDue: after(t1, p.Steps[1].Duration, pause)})
			from = back
		}
		t2 := after(from, hours(work))
		ev = append(ev, dossier.Event{At: t2, Kind: dossier.KindTransfer, Receiver: "lãnh đạo",
			Step: p.Steps[2].Name, StepDue: after(t2, p.Steps[2].Duration)})
		if i%10 != 9 {
			ev = append(ev, dossier.Event{At: after(t2, hours(2)), Kind: dossier.KindResolve})
		}
		for _, e := range ev {
			if err := d.Apply(e); err != nil {
				panic(err)
			}
		}
		if err := store.Create(ctx, d); err != nil {
			panic(err)
		}
	}
	return store
})

// BenchmarkAnalyses1M runs each analysis, all of them in turn, and all of
// them in Analyze's single pass, over a year of a million dossiers on
// memstore.
func BenchmarkAnalyses1M(b *testing.B) {
	ctx := context.Background()
	q := report.Query{Store: million(), Catalog: simulate.Catalog(),
		Period: report.Period{From: at("2025-01-01 00:00"), To: at("2026-01-01 00:00")}}
	compute := func() error { _, err := report.Compute(ctx, q); return err }
	late := func() error { _, err := report.Late(ctx, q); return err }
	cuts := func() error { _, err := report.Cuts(ctx, q); return err }
	channels := func() error { _, err := report.Channels(ctx, q); return err }
	quality := func() error {
		_, err := report.Quality(ctx, q, report.QualityInput{Satisfied: report.Share{Part: 9, Whole: 10}})
		return err
	}
	months := func() error { _, err := report.ByMonth(ctx, q); return err }
	analyze := func() error {
		_, err := report.Analyze(ctx, q, report.QualityInput{Satisfied: report.Share{Part: 9, Whole: 10}})
		return err
	}
	// The planted dossiers are what the analyses find.
	a, err := report.Late(ctx, q)
	if err != nil || len(a.Total.Steps) == 0 || a.Total.Steps[0].Step != simulate.SlowStep || a.Total.Steps[0].Procedure != simulate.LandCode {
		b.Fatalf("the slow step is not first: %v %+v", err, a)
	}
	cs, err := report.Cuts(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cs {
		if c.Proposes() != (c.Procedure == simulate.GenerousCode) {
			b.Fatalf("unexpected cut: %s", c)
		}
	}
	for _, bm := range []struct {
		name string
		run  []func() error
	}{
		{"Compute", []func() error{compute}},
		{"Late", []func() error{late}},
		{"Cuts", []func() error{cuts}},
		{"Channels", []func() error{channels}},
		{"Quality", []func() error{quality}},
		{"ByMonth", []func() error{months}},
		{"All", []func() error{compute, late, cuts, channels, quality}},
		{"Analyze", []func() error{analyze}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, run := range bm.run {
					if err := run(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
