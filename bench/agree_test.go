package bench

import (
	"testing"
	"time"

	"github.com/motcua/motcua/sla"
)

// The two calendars must agree on the working days of 2025, so that the
// benchmarks compare like with like. The one day they cannot agree on is
// Saturday 26/4/2025, a make-up working day ("làm bù") in motcua that
// rickar/cal's weekday flags cannot express; the swapped day off 2/5/2025
// is a holiday of the rickar calendar, so it agrees.
func TestCalendarsAgree2025(t *testing.T) {
	m, r := sla.Default(), newRickar()
	makeUp := date(2025, time.April, 26)
	ds, ts := days2025()
	if len(ds) != 365 {
		t.Fatalf("2025 has %d days, want 365", len(ds))
	}
	off := 0
	for i, d := range ds {
		mw, rw := m.IsWorkday(d), r.IsWorkday(ts[i])
		if d == makeUp {
			if !mw || rw {
				t.Errorf("%s: motcua %v, rickar %v; want the make-up Saturday worked in motcua only", d, mw, rw)
			}
			continue
		}
		if mw != rw {
			t.Errorf("%s (%s): motcua IsWorkday %v, rickar %v", d, d.Weekday(), mw, rw)
		}
		if !mw && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			off++
		}
	}
	if off != len(holidays2025) {
		t.Errorf("%d weekdays off in 2025, want %d", off, len(holidays2025))
	}
	if got := len(m.Holidays(2025)); got != len(holidays2025) {
		t.Errorf("motcua lists %d days off in 2025, rickar has %d", got, len(holidays2025))
	}

	// Counting the year: motcua has the make-up Saturday too.
	mn := m.WorkdaysBetween(date(2025, time.January, 1), date(2026, time.January, 1))
	rn := r.WorkdaysInRange(time.Date(2025, time.January, 1, 0, 0, 0, 0, sla.ICT), time.Date(2025, time.December, 31, 0, 0, 0, 0, sla.ICT))
	if mn != 250 || rn != 249 {
		t.Errorf("working days of 2025: motcua %d, rickar %d; want 250 and 249 (26/4)", mn, rn)
	}
}

// The due-date benchmarks' receipt gives the same due time in every
// variant: 15 working days from Monday 20/1/2025 09:00, across Tết, is
// Monday 17/2/2025 09:00.
func TestDue15Agrees(t *testing.T) {
	m, r := sla.Default(), newRickar()
	want := time.Date(2025, time.February, 17, 9, 0, 0, 0, sla.ICT)
	if got, err := m.Due(received, sla.WorkingDays(15)); err != nil || !got.Equal(want) {
		t.Errorf("motcua Due = %v, %v; want %v", got, err, want)
	}
	if got := m.AddWorkdays(sla.DateOf(received), 15); got != sla.DateOf(want) {
		t.Errorf("motcua AddWorkdays = %v, want %v", got, sla.DateOf(want))
	}
	if got := r.WorkdaysFrom(received, 15); !got.Equal(want) {
		t.Errorf("rickar WorkdaysFrom = %v, want %v", got, want)
	}
	if got := r.AddWorkHours(received, 15*rickarDayLength); !got.Equal(want) {
		t.Errorf("rickar AddWorkHours = %v, want %v", got, want)
	}
}

// 250 working days run into 2026, where the calendars differ (rickar's
// fixed dates recur; motcua has 2026's own Tết and swaps) and the make-up
// Saturday counts in motcua only, so the results are logged, not compared.
func TestDue250(t *testing.T) {
	m, r := sla.Default(), newRickar()
	due, err := m.Due(received, sla.WorkingDays(250))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("250 working days from %v: motcua Due %v, AddWorkdays %v; rickar WorkdaysFrom %v, AddWorkHours %v",
		received, due, m.AddWorkdays(sla.DateOf(received), 250),
		r.WorkdaysFrom(received, 250), r.AddWorkHours(received, 250*rickarDayLength))
}
