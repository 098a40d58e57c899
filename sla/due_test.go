package sla_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
)

func at(s string) time.Time {
	t, err := sla.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

var dueTests = []struct {
	name     string
	received string
	d        sla.Duration
	want     string
}{
	{"ends on Friday's close, not Monday's opening", "2025-03-06 17:00", sla.WorkingDays(1), "2025-03-07 17:00"},
	{"ends at the morning's close, not the afternoon's start", "2025-03-04 07:30", sla.WorkingHours(4), "2025-03-04 11:30"},
	{"lunch break is not working time", "2025-03-04 10:30", sla.WorkingHours(2), "2025-03-04 14:00"},
	{"received at lunch starts at 13:00", "2025-03-04 12:00", sla.WorkingHours(1), "2025-03-04 14:00"},
	{"received in the evening starts next morning", "2025-03-04 19:00", sla.WorkingHours(8), "2025-03-05 17:00"},
	{"15 working days across 30/4 and the 2025 swap", "2025-04-21 08:00", sla.WorkingDays(15), "2025-05-14 08:00"},
	{"across the year end", "2025-12-24 09:00", sla.WorkingDays(10), "2026-01-09 09:00"},
	{"250 working days", "2025-01-02 09:00", sla.WorkingDays(250), "2026-01-05 09:00"},
	{"30 calendar days ending on a Sunday before Hùng Kings day", "2025-03-07 10:00", sla.CalendarDays(30), "2025-04-08 17:00"},
	{"calendar days ending on a working day", "2025-03-03 10:00", sla.CalendarDays(2), "2025-03-05 17:00"},
	{"3 months ending on a Sunday", "2025-02-16 10:00", sla.Months(3), "2025-05-16 17:00"},
	{"a month from 31 January ends on 28 February", "2025-01-31 10:00", sla.Months(1), "2025-02-28 17:00"},
	{"same day without a cut-off, received late in the day", "2025-03-04 16:59", sla.SameDay(0), "2025-03-04 17:00"},
	{"same day, received after hours", "2025-03-04 17:00", sla.SameDay(0), "2025-03-05 17:00"},
	{"same day, received before opening", "2025-03-04 06:00", sla.SameDay(15 * time.Hour), "2025-03-04 17:00"},
	{"same day, received on a holiday", "2025-04-30 09:00", sla.SameDay(15 * time.Hour), "2025-05-05 17:00"},
}

func TestDue(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	for _, tt := range dueTests {
		got, err := cal.Due(at(tt.received), tt.d)
		require.NoError(t, err, tt.name)
		assert.Equal(t, at(tt.want), got, tt.name)
		assert.Equal(t, sla.ICT, got.Location(), tt.name)
	}
}

var pauseTests = []struct {
	name     string
	received string
	d        sla.Duration
	pauses   [][2]string // start, end ("" for an open pause)
	want     string      // "" for no due time yet
}{
	{"an open pause stops the clock: no due time yet", "2025-03-03 09:00", sla.WorkingDays(5), [][2]string{{"2025-03-04 09:00", ""}}, ""},
	{"16 working hours paused", "2025-03-03 09:00", sla.WorkingDays(5), [][2]string{{"2025-03-04 09:00", "2025-03-06 09:00"}}, "2025-03-12 09:00"},
	{"overlapping pauses count once", "2025-03-03 09:00", sla.WorkingDays(5), [][2]string{{"2025-03-04 09:00", "2025-03-05 09:00"}, {"2025-03-04 13:00", "2025-03-06 09:00"}}, "2025-03-12 09:00"},
	{"a pause outside working time costs nothing", "2025-03-03 09:00", sla.WorkingDays(5), [][2]string{{"2025-03-07 17:00", "2025-03-10 07:30"}}, "2025-03-10 09:00"},
	{"only the part after receipt counts", "2025-03-03 09:00", sla.WorkingDays(5), [][2]string{{"2025-02-28 09:00", "2025-03-03 10:00"}}, "2025-03-10 10:00"},
	{"30 days end Wed 2/4 17:00; 2h30 paused push it into Thursday", "2025-03-03 09:00", sla.CalendarDays(30), [][2]string{{"2025-03-04 09:00", "2025-03-04 13:00"}}, "2025-04-03 10:00"},

	// A pause from the due time on changes nothing: the clock has run out.
	{"a pause after the due time changes nothing", "2025-03-03 08:00", sla.WorkingDays(2), [][2]string{{"2025-03-10 08:00", "2025-03-12 08:00"}}, "2025-03-05 08:00"},
	{"a pause from the due time itself changes nothing", "2025-03-03 08:00", sla.WorkingDays(2), [][2]string{{"2025-03-05 08:00", "2025-03-12 08:00"}}, "2025-03-05 08:00"},
	{"a pause from a minute before the due time owes that minute after it", "2025-03-03 08:00", sla.WorkingDays(2), [][2]string{{"2025-03-05 07:59", "2025-03-12 08:00"}}, "2025-03-12 08:01"},
	{"an open pause from the due time changes nothing", "2025-03-03 08:00", sla.WorkingDays(2), [][2]string{{"2025-03-05 08:00", ""}}, "2025-03-05 08:00"},
	{"a pause in the evening after a due time at the close changes nothing", "2025-03-06 17:00", sla.WorkingDays(1), [][2]string{{"2025-03-07 17:30", "2025-03-10 17:00"}}, "2025-03-07 17:00"},
	{"a pause before the due time and one after it: only the first counts", "2025-03-03 08:00", sla.WorkingDays(2), [][2]string{{"2025-03-04 08:00", "2025-03-04 09:00"}, {"2025-03-06 08:00", "2025-03-07 08:00"}}, "2025-03-05 09:00"},
	{"a pause that moves the due time into a later pause: both count", "2025-03-03 08:00", sla.WorkingDays(2), [][2]string{{"2025-03-04 08:00", "2025-03-06 08:00"}, {"2025-03-06 10:00", "2025-03-07 10:00"}}, "2025-03-10 08:00"},
	{"working hours, a pause after the due time", "2025-03-04 07:30", sla.WorkingHours(4), [][2]string{{"2025-03-04 13:00", "2025-03-05 17:00"}}, "2025-03-04 11:30"},
	{"calendar days, a pause after the due time", "2025-03-03 09:00", sla.CalendarDays(2), [][2]string{{"2025-03-06 09:00", "2025-03-07 09:00"}}, "2025-03-05 17:00"},
	{"months, a pause after the due time", "2025-01-31 10:00", sla.Months(1), [][2]string{{"2025-03-03 09:00", "2025-03-04 09:00"}}, "2025-02-28 17:00"},
	{"same day, a pause after the due time", "2025-03-04 14:00", sla.SameDay(15 * time.Hour), [][2]string{{"2025-03-05 08:00", "2025-03-06 08:00"}}, "2025-03-04 17:00"},
	{"same day, an hour paused owes an hour the next day", "2025-03-04 14:00", sla.SameDay(15 * time.Hour), [][2]string{{"2025-03-04 15:00", "2025-03-04 16:00"}}, "2025-03-05 08:30"},
}

func TestDueWithPauses(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	for _, tt := range pauseTests {
		var pauses []sla.Interval
		for _, p := range tt.pauses {
			iv := sla.Interval{Start: at(p[0])}
			if p[1] != "" {
				iv.End = at(p[1])
			}
			pauses = append(pauses, iv)
		}
		got, err := cal.Due(at(tt.received), tt.d, pauses...)
		require.NoError(t, err, tt.name)
		if tt.want == "" {
			assert.True(t, got.IsZero(), "%s: got %s", tt.name, got)
			continue
		}
		assert.Equal(t, at(tt.want), got, tt.name)
	}
}

func TestDueBadInput(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	received := at("2025-03-03 09:00")
	tests := []struct {
		name   string
		d      sla.Duration
		pauses []sla.Interval
		target error
	}{
		{"negative working days", sla.WorkingDays(-1), nil, sla.ErrInvalidDuration},
		{"zero working days", sla.WorkingDays(0), nil, sla.ErrInvalidDuration},
		{"zero months", sla.Months(0), nil, sla.ErrInvalidDuration},
		{"negative months", sla.Months(-3), nil, sla.ErrInvalidDuration},
		{"unset duration", sla.Duration{}, nil, sla.ErrInvalidDuration},
		{"cut-off past midnight", sla.SameDay(25 * time.Hour), nil, sla.ErrInvalidDuration},
		{"huge count", sla.WorkingDays(1 << 40), nil, sla.ErrInvalidDuration},
		{"beyond 2199", sla.WorkingDays(60_000), nil, sla.ErrOutOfRange},
		{"months beyond 2199", sla.Months(3000), nil, sla.ErrOutOfRange},
		{"pause ending before it starts", sla.WorkingDays(1), []sla.Interval{{Start: at("2025-03-04 09:00"), End: at("2025-03-04 08:00")}}, sla.ErrInvalidInterval},
	}
	for _, tt := range tests {
		got, err := cal.Due(received, tt.d, tt.pauses...)
		assert.ErrorIs(t, err, tt.target, tt.name)
		assert.True(t, got.IsZero(), tt.name)
	}
	_, err := cal.Due(at("1899-12-31 09:00"), sla.WorkingDays(1))
	assert.ErrorIs(t, err, sla.ErrOutOfRange)
	_, err = cal.Due(at("2199-12-31 09:00"), sla.WorkingDays(2))
	assert.ErrorIs(t, err, sla.ErrOutOfRange)
}

// naiveDue walks minute by minute from received: a reference written
// without the year tables, to check Due against. It returns the first
// instant by which amount of working time has run outside the pauses, or
// the zero time once an open pause stops the clock first. Times are whole
// minutes.
func naiveDue(cal *sla.Calendar, received time.Time, amount time.Duration, pauses []sla.Interval) time.Time {
	t := received
	for worked := time.Duration(0); worked < amount; t = t.Add(time.Minute) {
		stopped := false
		for _, p := range pauses {
			if !t.Before(p.Start) && (p.Open() || t.Before(p.End)) {
				if p.Open() {
					return time.Time{}
				}
				stopped = true
			}
		}
		if !stopped && working(cal, t) {
			worked += time.Minute
		}
	}
	return t
}

var standardWeek = sla.StandardWeek()

// working reports whether the minute starting at t is working time.
func working(cal *sla.Calendar, t time.Time) bool {
	d := sla.DateOf(t)
	if !cal.IsWorkday(d) {
		return false
	}
	wd := d.Weekday()
	if wd == time.Saturday {
		wd = time.Monday
	}
	clock := t.Sub(d.At(0, 0))
	for _, s := range standardWeek[wd] {
		if clock >= s.Start && clock < s.End {
			return true
		}
	}
	return false
}

// naiveWorked counts the working minutes in [from, to).
func naiveWorked(cal *sla.Calendar, from, to time.Time) time.Duration {
	var n time.Duration
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if working(cal, t) {
			n += time.Minute
		}
	}
	return n
}

// TestDueAgainstNaive compares Due with the minute-by-minute reference for
// random receipts, limits of every kind, and up to three random pauses:
// before receipt, across it, after the due time, overlapping, outside
// working time, and sometimes open.
func TestDueAgainstNaive(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	rng := rand.New(rand.NewPCG(1, 2))
	start := at("2023-12-01 00:00")
	minute := func(max int) time.Duration { return time.Duration(rng.IntN(max)) * time.Minute }
	const day = 24 * 60
	for i := range 400 {
		received := start.Add(minute(3 * 365 * day))
		var d sla.Duration
		switch rng.IntN(5) {
		case 0:
			d = sla.WorkingHours(1 + rng.IntN(15*8))
		case 1:
			d = sla.WorkingDays(1 + rng.IntN(15))
		case 2:
			d = sla.CalendarDays(1 + rng.IntN(30))
		case 3:
			d = sla.Months(1 + rng.IntN(2))
		default:
			d = sla.SameDay(minute(day))
		}
		var pauses []sla.Interval
		for range rng.IntN(4) {
			p := sla.Interval{Start: received.Add(minute(25*day) - 3*day*time.Minute)}
			if rng.IntN(8) > 0 {
				p.End = p.Start.Add(minute(6 * day))
			}
			pauses = append(pauses, p)
		}

		// The working time of the limit: what it adds, or for a limit
		// counted on the calendar what it gives without pauses.
		amount, fixed := d.Nominal(8 * time.Hour)
		if !fixed {
			unpaused, err := cal.Due(received, d)
			require.NoError(t, err)
			amount = naiveWorked(cal, received, unpaused)
		}
		want := naiveDue(cal, received, amount, pauses)
		got, err := cal.Due(received, d, pauses...)
		require.NoError(t, err)
		require.Equal(t, want, got, "case %d: received %s + %s, pauses %v", i, received, d, pauses)
		if len(pauses) == 0 {
			assert.Equal(t, amount, cal.WorkingTime(received, got), "WorkingTime counts it back")
		}
	}
}

func TestWorkingTime(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	assert.Equal(t, 16*time.Hour, cal.WorkingTime(at("2025-03-04 09:00"), at("2025-03-06 09:00")))
	assert.Equal(t, -16*time.Hour, cal.WorkingTime(at("2025-03-06 09:00"), at("2025-03-04 09:00")))
	assert.Equal(t, time.Duration(0), cal.WorkingTime(at("2025-01-25 09:00"), at("2025-02-02 18:00")), "Tết 2025")
	assert.Equal(t, 8*time.Hour, cal.WorkingTime(at("2025-04-26 00:00"), at("2025-04-27 00:00")), "the make-up Saturday")
	// Every working day of 2025 has 8 hours.
	days := cal.WorkdaysBetween(sla.Date{Year: 2025, Month: 1, Day: 1}, sla.Date{Year: 2026, Month: 1, Day: 1})
	assert.Equal(t, time.Duration(days)*8*time.Hour, cal.WorkingTime(at("2025-01-01 00:00"), at("2026-01-01 00:00")))
}

func TestWorkdaysProperties(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	rng := rand.New(rand.NewPCG(3, 4))
	base := sla.Date{Year: 2019, Month: 1, Day: 1}
	for range 2000 {
		d := base.AddDays(rng.IntN(12 * 366))
		n := rng.IntN(600) - 300
		e := cal.AddWorkdays(d, n)
		require.False(t, e.IsZero())
		if n != 0 {
			assert.True(t, cal.IsWorkday(e), "AddWorkdays(%s, %d) = %s is a working day", d, n, e)
		}
		// Counting back gives n: the days after d up to e, or before d from e.
		if n >= 0 {
			assert.Equal(t, n, cal.WorkdaysBetween(d.AddDays(1), e.AddDays(1)), "%s + %d = %s", d, n, e)
		} else {
			assert.Equal(t, n, cal.WorkdaysBetween(d, e), "%s %d = %s", d, n, e)
		}
		if cal.IsWorkday(d) && n > 0 {
			assert.Equal(t, n, cal.WorkdaysBetween(d, e))
		}
	}
}

func TestWorkdaysBetweenAgainstNaive(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		from := sla.Date{Year: 2018, Month: 1, Day: 1}.AddDays(rng.IntN(10 * 366))
		to := from.AddDays(rng.IntN(800))
		n := 0
		for d := from; d.Before(to); d = d.AddDays(1) {
			if cal.IsWorkday(d) {
				n++
			}
		}
		require.Equal(t, n, cal.WorkdaysBetween(from, to), "%s to %s", from, to)
		require.Equal(t, -n, cal.WorkdaysBetween(to, from))
	}
	// The whole range, and beyond it.
	all := cal.WorkdaysBetween(sla.Date{Year: 1000, Month: 1, Day: 1}, sla.Date{Year: 3000, Month: 1, Day: 1})
	assert.Equal(t, all, cal.WorkdaysBetween(sla.Date{Year: 1900, Month: 1, Day: 1}, sla.Date{Year: 2200, Month: 1, Day: 1}))
	assert.Greater(t, all, 300*240)
}

func TestOutOfRange(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	assert.False(t, cal.IsWorkday(sla.Date{Year: 1899, Month: 12, Day: 29}))
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2025, Month: 2, Day: 30}), "no such day")
	assert.True(t, cal.AddWorkdays(sla.Date{Year: 2199, Month: 12, Day: 20}, 30).IsZero())
	assert.True(t, cal.AddWorkdays(sla.Date{Year: 1900, Month: 1, Day: 10}, -30).IsZero())
	assert.True(t, cal.AddWorkdays(sla.Date{Year: -5, Month: 1, Day: 1}, 1).IsZero())
	for _, n := range []int{math.MaxInt, math.MaxInt - 5, math.MinInt, 300 * 366} {
		assert.True(t, cal.AddWorkdays(sla.Date{Year: 2025, Month: 3, Day: 3}, n).IsZero(), "AddWorkdays(…, %d) is beyond the range", n)
	}
	assert.Nil(t, cal.Holidays(2200))
	assert.Nil(t, cal.MakeUpDays(1800))
}

func TestClassify(t *testing.T) {
	t.Parallel()
	day := sla.Default()
	session, err := sla.New(sla.Config{Early: sla.BeforeDueSession})
	require.NoError(t, err)
	tests := []struct {
		name          string
		due, finished string
		day, session  sla.Timeliness
	}{
		{"previous afternoon", "2025-03-05 15:00", "2025-03-04 16:00", sla.Early, sla.Early},
		{"same morning, afternoon due", "2025-03-05 15:00", "2025-03-05 10:00", sla.OnTime, sla.Early},
		{"same afternoon", "2025-03-05 15:00", "2025-03-05 14:00", sla.OnTime, sla.OnTime},
		{"due at the morning's close", "2025-03-05 11:30", "2025-03-05 07:00", sla.Early, sla.Early},
		{"due at the morning's close, finished in it", "2025-03-05 11:30", "2025-03-05 08:00", sla.OnTime, sla.OnTime},
		{"due on Monday morning, finished Friday", "2025-03-10 09:00", "2025-03-07 16:00", sla.Early, sla.Early},
		{"due during the weekend (a reschedule)", "2025-03-08 10:00", "2025-03-07 16:00", sla.OnTime, sla.OnTime},
		{"late by a second", "2025-03-05 15:00", "2025-03-05 15:00:01", sla.Late, sla.Late},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.day, day.Classify(at(tt.due), at(tt.finished)), "%s (day)", tt.name)
		assert.Equal(t, tt.session, session.Classify(at(tt.due), at(tt.finished)), "%s (session)", tt.name)
	}
	assert.Equal(t, sla.InTime, day.ClassifyOpen(at("2025-03-05 15:00"), at("2025-03-05 15:00")))
	assert.Equal(t, sla.Overdue, day.ClassifyOpen(at("2025-03-05 15:00"), at("2025-03-05 15:01")))
	assert.Equal(t, "trễ hạn", sla.Late.String())
	assert.True(t, sla.Early.Resolved() && sla.OnTime.Resolved() && !sla.Late.Resolved())
}

func TestErrorsAre(t *testing.T) {
	t.Parallel()
	_, err := sla.ParseDuration("mười ngày")
	var pe *sla.ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "mười ngày", pe.Input)
	assert.Contains(t, err.Error(), "sla: cannot parse")
}
