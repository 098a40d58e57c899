package sla_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
)

// workingTimeTests are real days of the bundled schedules. next is
// NextWorkingTime of at, "" when there is none.
var workingTimeTests = []struct {
	name      string
	at        string
	inWorking bool
	next      string
}{
	{"Tết 2025: the last working instant before it", "2025-01-24 17:00", true, "2025-02-03 07:30"},
	{"Tết 2025: a nanosecond after", "2025-01-24T17:00:00.000000001+07:00", false, "2025-02-03 07:30"},
	{"Tết 2025: the last afternoon", "2025-01-24 16:59", true, "2025-01-24 16:59"},
	{"Tết 2025: lunar new year's day", "2025-01-29 10:00", false, "2025-02-03 07:30"},
	{"Tết 2025: the first working instant after it", "2025-02-03 07:30", true, "2025-02-03 07:30"},
	{"Tết 2025: a second before", "2025-02-03 07:29:59", false, "2025-02-03 07:30"},
	{"make-up Saturday 26/04/2025, Monday's hours", "2025-04-26 09:00", true, "2025-04-26 09:00"},
	{"make-up Saturday 26/04/2025, before the desk opens", "2025-04-26 06:00", false, "2025-04-26 07:30"},
	{"make-up Saturday 10/01/2026, at lunch", "2026-01-10 12:00", false, "2026-01-10 13:00"},
	{"the Friday off for it, 02/05/2025", "2025-05-02 09:00", false, "2025-05-05 07:30"},
	{"a plain Saturday", "2025-10-11 09:00", false, "2025-10-13 07:30"},
	{"lunch break", "2025-03-04 12:00", false, "2025-03-04 13:00"},
	{"the morning's end", "2025-03-04 11:30", true, "2025-03-04 13:00"},
	{"a second after the morning's end", "2025-03-04 11:30:01", false, "2025-03-04 13:00"},
	{"the afternoon's start", "2025-03-04 13:00", true, "2025-03-04 13:00"},
	{"a day's end", "2025-03-04 17:00", true, "2025-03-05 07:30"},
	{"compensatory day off for Hùng Kings day, 27/04/2026", "2026-04-27 09:00", false, "2026-04-28 07:30"},
	{"Hùng Kings day 2026, a Sunday, at midnight", "2026-04-26 00:00", false, "2026-04-28 07:30"},
	{"across the year's end", "2025-12-31 17:30", false, "2026-01-05 07:30"},
	{"before 1900", "1899-06-01 10:00", false, "1900-01-02 07:30"},
	{"the calendar's last evening", "2199-12-31 18:00", false, ""},
	{"after 2199", "2200-01-02 09:00", false, ""},
}

func TestWorkingTimeInstants(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	for _, tt := range workingTimeTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			instant := at(tt.at)
			assert.Equal(t, tt.inWorking, cal.InWorkingTime(instant), "InWorkingTime")
			next, ok := cal.NextWorkingTime(instant)
			if tt.next == "" {
				assert.False(t, ok, "NextWorkingTime: %s", next)
				return
			}
			require.True(t, ok, "NextWorkingTime")
			assert.Equal(t, at(tt.next), next, "NextWorkingTime")
			assert.False(t, next.Before(instant), "at or after the instant")
		})
	}
}

// TestWorkingTimeOtherZones: an instant is judged in ICT whatever its
// location, and NextWorkingTime of an instant in working time is that
// instant.
func TestWorkingTimeOtherZones(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	utc := time.Date(2025, time.March, 4, 2, 0, 0, 0, time.UTC) // 09:00 in Hanoi
	assert.True(t, cal.InWorkingTime(utc))
	next, ok := cal.NextWorkingTime(utc)
	require.True(t, ok)
	assert.True(t, next.Equal(utc))
	evening := time.Date(2025, time.March, 4, 10, 30, 0, 0, time.UTC) // 17:30 in Hanoi
	assert.False(t, cal.InWorkingTime(evening))
	next, ok = cal.NextWorkingTime(evening)
	require.True(t, ok)
	assert.Equal(t, time.Date(2025, time.March, 5, 7, 30, 0, 0, sla.ICT), next)
}

// TestWorkingTimeMidnight: a session that ends at 24:00 ends at the next
// midnight, which is in working time even when the next day is off.
func TestWorkingTimeMidnight(t *testing.T) {
	t.Parallel()
	var week sla.Week
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []sla.Session{{Start: sla.Clock(0, 0), End: sla.Clock(24, 0)}}
	}
	cal, err := sla.New(sla.Config{Week: week, OmitBundled: true})
	require.NoError(t, err)
	tests := []struct {
		name      string
		at        string
		inWorking bool
		next      string
	}{
		{"Friday's end, Saturday's midnight", "2025-03-08 00:00", true, "2025-03-10 00:00"},
		{"Saturday", "2025-03-08 00:00:01", false, "2025-03-10 00:00"},
		{"Sunday's midnight", "2025-03-09 00:00", false, "2025-03-10 00:00"},
		{"Tuesday's midnight", "2025-03-11 00:00", true, "2025-03-11 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.inWorking, cal.InWorkingTime(at(tt.at)), "InWorkingTime")
			next, ok := cal.NextWorkingTime(at(tt.at))
			require.True(t, ok)
			assert.Equal(t, at(tt.next), next, "NextWorkingTime")
		})
	}
}

// TestWorkingTimeBruteForce checks InWorkingTime and NextWorkingTime at
// random instants of 2024–2027 (bundled and projected years) against a
// scan, minute by minute, of the days IsWorkday gives and the sessions of
// StandardWeek.
func TestWorkingTimeBruteForce(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	week := sla.StandardWeek()
	// inSession reports whether t is within a session of its day, its ends
	// included when closed is set.
	inSession := func(t time.Time, closed bool) bool {
		t = t.In(sla.ICT)
		d := sla.DateOf(t)
		if !cal.IsWorkday(d) {
			return false
		}
		ss := week[d.Weekday()]
		if len(ss) == 0 {
			ss = week[time.Monday] // a make-up Saturday
		}
		clock := t.Sub(d.At(0, 0))
		for _, s := range ss {
			if clock >= s.Start && (clock < s.End || closed && clock == s.End) {
				return true
			}
		}
		return false
	}
	next := func(t time.Time) time.Time {
		if inSession(t, false) {
			return t
		}
		for u := t.Truncate(time.Minute).Add(time.Minute); ; u = u.Add(time.Minute) {
			if inSession(u, false) {
				return u
			}
		}
	}
	rng := rand.New(rand.NewPCG(2025, 1))
	from := time.Date(2024, time.January, 1, 0, 0, 0, 0, sla.ICT)
	span := time.Date(2028, time.January, 1, 0, 0, 0, 0, sla.ICT).Sub(from)
	for range 3000 {
		instant := from.Add(time.Duration(rng.Int64N(int64(span))))
		if rng.IntN(2) == 0 { // at a session's boundary, or a nanosecond off it
			day := sla.DateOf(instant).At(0, 0)
			boundaries := []time.Duration{0, sla.Clock(7, 30), sla.Clock(11, 30), sla.Clock(13, 0), sla.Clock(17, 0)}
			instant = day.Add(boundaries[rng.IntN(len(boundaries))] + time.Duration(rng.IntN(3)-1))
		}
		require.Equal(t, inSession(instant, true), cal.InWorkingTime(instant), "InWorkingTime(%s)", instant)
		got, ok := cal.NextWorkingTime(instant)
		require.True(t, ok)
		require.True(t, next(instant).Equal(got), "NextWorkingTime(%s) = %s, want %s", instant, got, next(instant))
	}
}
