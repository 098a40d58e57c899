package bench

import (
	"testing"
	"time"

	"github.com/motcua/motcua/sla"
)

// days2025 returns every day of 2025, as sla.Dates and as noon ICT
// instants for rickar/cal.
func days2025() ([]sla.Date, []time.Time) {
	var ds []sla.Date
	var ts []time.Time
	for t := time.Date(2025, time.January, 1, 12, 0, 0, 0, sla.ICT); t.Year() == 2025; t = t.AddDate(0, 0, 1) {
		ds = append(ds, date(t.Year(), t.Month(), t.Day()))
		ts = append(ts, t)
	}
	return ds, ts
}

// received is the receipt instant of the due-date benchmarks: a Monday
// morning a week before Tết, so that 15 working days cross its five days
// off.
var received = time.Date(2025, time.January, 20, 9, 0, 0, 0, sla.ICT)

// Sinks keep the compiler from dropping the calls.
var (
	sinkBool bool
	sinkInt  int
	sinkTime time.Time
	sinkDate sla.Date
)

// BenchmarkIsWorkday asks about each day of 2025 in turn.
func BenchmarkIsWorkday(b *testing.B) {
	ds, ts := days2025()
	b.Run("motcua", func(b *testing.B) {
		c := sla.Default()
		for _, d := range ds { // build the year
			sinkBool = c.IsWorkday(d)
		}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			sinkBool = c.IsWorkday(ds[i])
			if i++; i == len(ds) {
				i = 0
			}
		}
	})
	b.Run("rickar", func(b *testing.B) {
		c := newRickar()
		for _, t := range ts { // fill the holiday cache
			sinkBool = c.IsWorkday(t)
		}
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			sinkBool = c.IsWorkday(ts[i])
			if i++; i == len(ts) {
				i = 0
			}
		}
	})
}

// benchDue measures the due date of n working days from received: motcua's
// Due (an instant, counted in working time across sessions) against
// rickar's WorkdaysFrom (the same clock time n workdays later). The extra
// pair motcua-date (AddWorkdays on a Date) and rickar-hours (AddWorkHours of
// n 9.5-hour days) bracket the comparison from each side.
func benchDue(b *testing.B, n int) {
	b.Run("motcua", func(b *testing.B) {
		c := sla.Default()
		d := sla.WorkingDays(n)
		var err error
		if sinkTime, err = c.Due(received, d); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			sinkTime, _ = c.Due(received, d)
		}
	})
	b.Run("rickar", func(b *testing.B) {
		c := newRickar()
		sinkTime = c.WorkdaysFrom(received, n)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			sinkTime = c.WorkdaysFrom(received, n)
		}
	})
	b.Run("motcua-date", func(b *testing.B) {
		c := sla.Default()
		from := sla.DateOf(received)
		sinkDate = c.AddWorkdays(from, n)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			sinkDate = c.AddWorkdays(from, n)
		}
	})
	b.Run("rickar-hours", func(b *testing.B) {
		c := newRickar()
		worked := time.Duration(n) * rickarDayLength
		sinkTime = c.AddWorkHours(received, worked)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			sinkTime = c.AddWorkHours(received, worked)
		}
	})
}

// BenchmarkDue15 is the due date of "15 ngày làm việc".
func BenchmarkDue15(b *testing.B) { benchDue(b, 15) }

// BenchmarkDue250 is the due date of 250 working days, about a year.
func BenchmarkDue250(b *testing.B) { benchDue(b, 250) }

// BenchmarkWorkdaysInYear counts the working days of 2025.
func BenchmarkWorkdaysInYear(b *testing.B) {
	b.Run("motcua", func(b *testing.B) {
		c := sla.Default()
		from, to := date(2025, time.January, 1), date(2026, time.January, 1) // [from, to)
		sinkInt = c.WorkdaysBetween(from, to)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			sinkInt = c.WorkdaysBetween(from, to)
		}
	})
	b.Run("rickar", func(b *testing.B) {
		c := newRickar()
		from := time.Date(2025, time.January, 1, 0, 0, 0, 0, sla.ICT)
		to := time.Date(2025, time.December, 31, 0, 0, 0, 0, sla.ICT) // inclusive
		sinkInt = c.WorkdaysInRange(from, to)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			sinkInt = c.WorkdaysInRange(from, to)
		}
	})
}
