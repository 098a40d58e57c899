package sla_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/sla"
)

// Benchmarks warm the year cache first: the targets are for cached years.

func BenchmarkIsWorkday(b *testing.B) {
	cal := sla.Default()
	d := sla.Date{Year: 2025, Month: time.April, Day: 26}
	cal.IsWorkday(d)
	b.ReportAllocs()
	for b.Loop() {
		cal.IsWorkday(d)
	}
}

func BenchmarkInWorkingTime(b *testing.B) {
	cal := sla.Default()
	t := time.Date(2025, time.March, 4, 16, 30, 0, 0, sla.ICT) // the second session
	cal.InWorkingTime(t)
	b.ReportAllocs()
	for b.Loop() {
		cal.InWorkingTime(t)
	}
}

func BenchmarkNextWorkingTime(b *testing.B) {
	cal := sla.Default()
	t := time.Date(2025, time.January, 24, 18, 0, 0, 0, sla.ICT) // the evening before Tết
	cal.NextWorkingTime(t)
	b.ReportAllocs()
	for b.Loop() {
		cal.NextWorkingTime(t)
	}
}

func benchmarkDue(b *testing.B, d sla.Duration) {
	cal := sla.Default()
	received := time.Date(2025, time.March, 3, 9, 17, 0, 0, sla.ICT)
	if _, err := cal.Due(received, d); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cal.Due(received, d)
	}
}

func BenchmarkDue15WorkingDays(b *testing.B)  { benchmarkDue(b, sla.WorkingDays(15)) }
func BenchmarkDue250WorkingDays(b *testing.B) { benchmarkDue(b, sla.WorkingDays(250)) }
func BenchmarkDue30CalendarDays(b *testing.B) { benchmarkDue(b, sla.CalendarDays(30)) }

func BenchmarkDueWithPause(b *testing.B) {
	cal := sla.Default()
	received := time.Date(2025, time.March, 3, 9, 17, 0, 0, sla.ICT)
	pause := sla.Interval{Start: time.Date(2025, time.March, 4, 9, 0, 0, 0, sla.ICT), End: time.Date(2025, time.March, 6, 9, 0, 0, 0, sla.ICT)}
	if _, err := cal.Due(received, sla.WorkingDays(15), pause); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cal.Due(received, sla.WorkingDays(15), pause)
	}
}

func BenchmarkWorkdaysBetweenYear(b *testing.B) {
	cal := sla.Default()
	from, to := sla.Date{Year: 2025, Month: time.January, Day: 1}, sla.Date{Year: 2026, Month: time.January, Day: 1}
	cal.WorkdaysBetween(from, to)
	b.ReportAllocs()
	for b.Loop() {
		cal.WorkdaysBetween(from, to)
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	cal := sla.Default()
	d := sla.Date{Year: 2025, Month: time.January, Day: 24}
	cal.AddWorkdays(d, 15)
	b.ReportAllocs()
	for b.Loop() {
		cal.AddWorkdays(d, 15)
	}
}

func BenchmarkClassify(b *testing.B) {
	cal := sla.Default()
	due := time.Date(2025, time.March, 5, 9, 0, 0, 0, sla.ICT)
	finished := time.Date(2025, time.March, 4, 16, 0, 0, 0, sla.ICT)
	cal.Classify(due, finished)
	b.ReportAllocs()
	for b.Loop() {
		cal.Classify(due, finished)
	}
}

// BenchmarkBuildYear measures the first use of a year: holidays, lunar dates
// and the prefix tables.
func BenchmarkBuildYear(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		cal, _ := sla.New(sla.Config{})
		cal.IsWorkday(sla.Date{Year: 2025, Month: time.January, Day: 1})
	}
}

func BenchmarkParseDuration(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = sla.ParseDuration("15 ngày làm việc")
	}
}
