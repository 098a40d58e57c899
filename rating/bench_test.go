package rating_test

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

func BenchmarkTallyAdd(b *testing.B) {
	b.ReportAllocs()
	var t rating.Tally
	levels := [...]rating.Level{rating.VerySatisfied, rating.Satisfied, rating.Unsatisfied, rating.VerySatisfied}
	i := 0
	for b.Loop() {
		if err := t.Add(levels[i&3]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkShares(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rating.Shares(51198, 34696, 1070)
	}
}

func BenchmarkPercentString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = rating.Percent(9566).String()
	}
}

// yearOf makes n dossiers received over 2020 and m ratings, as a big
// province's year: most resolved early or on time, some late, some open,
// refused or withdrawn.
func yearOf(n, m int) ([]*dossier.Dossier, []rating.Rating) {
	cal := sla.Default()
	start := time.Date(2020, time.January, 2, 7, 30, 0, 0, sla.ICT)
	ds := make([]*dossier.Dossier, n)
	for i := range ds {
		received := start.Add(time.Duration(i) * (360 * 24 * time.Hour / time.Duration(n)))
		due, _ := cal.Due(received, sla.WorkingDays(3)) // a valid limit in 2020 cannot fail
		d := &dossier.Dossier{Channel: procedure.Channel(1 + i%3)}
		events := []dossier.Event{{At: received, Kind: dossier.KindReceive, Due: due, LegalDue: due, Limit: sla.WorkingDays(3)}}
		switch i % 100 {
		case 0, 1: // open
		case 2:
			events = append(events, dossier.Event{At: received, Kind: dossier.KindRefuse, Reason: "không hợp lệ"})
		case 3:
			events = append(events, dossier.Event{At: received.Add(time.Hour), Kind: dossier.KindWithdraw})
		case 4: // late
			events = append(events, dossier.Event{At: due.Add(time.Hour), Kind: dossier.KindResolve}, dossier.Event{At: due.Add(2 * time.Hour), Kind: dossier.KindReturn})
		default: // early or on time
			done := due.Add(-time.Duration(i%48) * time.Hour)
			if done.Before(received) {
				done = received
			}
			events = append(events, dossier.Event{At: done, Kind: dossier.KindResolve}, dossier.Event{At: done, Kind: dossier.KindReturn})
		}
		for _, e := range events {
			if err := d.Apply(e); err != nil {
				panic(err)
			}
		}
		ds[i] = d
	}
	rs := make([]rating.Rating, m)
	for i := range rs {
		rs[i] = rating.Rating{Level: rating.Level(1 + i%3), At: start.Add(time.Duration(i) * (360 * 24 * time.Hour / time.Duration(m)))}
	}
	return ds, rs
}

// BenchmarkReport builds and prints the report of a year of 1,000,000
// dossiers and 200,000 ratings (target: at most 300 ms).
func BenchmarkReport(b *testing.B) {
	ds, rs := yearOf(1_000_000, 200_000)
	cal := sla.Default()
	from, to := time.Date(2020, time.January, 1, 0, 0, 0, 0, sla.ICT), time.Date(2021, time.January, 1, 0, 0, 0, 0, sla.ICT)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := rating.NewReport(cal, from, to, to, slices.Values(ds), slices.Values(rs))
		if err != nil {
			b.Fatal(err)
		}
		if r.Counts.Total() != len(ds) || r.Satisfaction.Total() != len(rs) {
			b.Fatalf("counted %d dossiers and %d ratings", r.Counts.Total(), r.Satisfaction.Total())
		}
		if err := r.WriteText(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
