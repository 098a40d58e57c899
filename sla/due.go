package sla

import (
	"fmt"
	"slices"
	"time"
)

// An Interval is a stretch of time, such as a pause while the applicant
// supplements a dossier. A zero End means the interval is still open.
type Interval struct {
	Start, End time.Time
}

// Open reports whether the interval has not ended.
func (iv Interval) Open() bool { return iv.End.IsZero() }

// Validate reports an interval that ends before it starts, wrapping
// ErrInvalidInterval.
func (iv Interval) Validate() error {
	if !iv.Open() && iv.End.Before(iv.Start) {
		return fmt.Errorf("%w: %s to %s", ErrInvalidInterval, iv.Start.Format(time.RFC3339), iv.End.Format(time.RFC3339))
	}
	return nil
}

// Due returns the instant a dossier received at received is due under the
// limit d, with the clock stopped during pauses.
//
// It returns an error wrapping ErrInvalidDuration for an invalid limit,
// ErrInvalidInterval for a pause that ends before it starts, and
// ErrOutOfRange for a receipt or a result outside 1900–2199.
//
// The rules:
//   - working days and hours add working time from the instant of receipt;
//     a receipt outside working time starts at the next working instant;
//   - a result on a session boundary is the end of the earlier session
//     (Friday 17:00, not Monday 07:30);
//   - calendar days and months end at the end of the working day on the
//     last day, or on the next working day if it is not one (Civil Code
//     2015, Art. 147–148);
//   - SameDay ends at the end of the working day of receipt, or of the next
//     one when received at or after the cut-off or outside working time;
//   - pauses stop the clock: the due time is the earliest instant by which
//     the limit's working time has run outside them (overlapping pauses
//     count once). A pause that starts at or after the due time changes
//     nothing; one that starts before it moves it by all the working time
//     it covers, the time still owed running on after the pause ends;
//   - the working time of a limit counted on the calendar (days, months,
//     same day) is the working time from receipt to its due time without
//     pauses, so a pause moves that due time in working time too, and it
//     may then fall within a working day rather than at its end;
//   - an open pause (zero End) that starts before the due time stops the
//     clock for good: Due returns the zero time and a nil error, as the due
//     time is not known until the pause ends. An open pause from the due
//     time on changes nothing.
//
// For the "restart on supplement" regime, call it with the instant the
// supplement was received and no pauses.
func (c *Calendar) Due(received time.Time, d Duration, pauses ...Interval) (time.Time, error) {
	if err := d.Validate(); err != nil {
		return time.Time{}, err
	}
	for _, p := range pauses {
		if err := p.Validate(); err != nil {
			return time.Time{}, err
		}
	}
	if dn, _ := splitICT(received); dn < firstDay || dn >= endDay {
		return time.Time{}, fmt.Errorf("%w: received %s", ErrOutOfRange, received.Format(time.RFC3339))
	}

	var due time.Time
	var ok bool
	switch d.unit {
	case UnitWorkingDays:
		due, ok = c.addWorking(received, time.Duration(d.n)*c.dayLength)
	case UnitWorkingHours:
		due, ok = c.addWorking(received, time.Duration(d.n)*time.Hour)
	case UnitCalendarDays:
		due, ok = c.endOfWorkday(DateOf(received).AddDays(d.n))
	case UnitMonths:
		due, ok = c.endOfWorkday(addMonths(DateOf(received), d.n))
	case UnitSameDay:
		due, ok = c.sameDay(received, d.cutoff)
	}
	if ok && len(pauses) > 0 {
		due, ok = c.paused(received, due, pauses)
	}
	if !ok {
		return time.Time{}, fmt.Errorf("%w: %s after %s", ErrOutOfRange, d, received.Format(time.RFC3339))
	}
	return due, nil
}

// paused returns the earliest instant by which the working time from
// received to due has run outside the pauses: due itself when no pause
// starts before it, the zero time when an open pause does. It is false when
// the result is beyond 2199.
func (c *Calendar) paused(received, due time.Time, pauses []Interval) (time.Time, bool) {
	byStart := func(a, b Interval) int { return a.Start.Compare(b.Start) }
	ps := pauses // a dossier records its pauses in order: no copy needed
	if !slices.IsSortedFunc(ps, byStart) {
		ps = slices.Clone(pauses)
		slices.SortFunc(ps, byStart)
	}
	running := received // the clock runs from here, and runs out at due
	for _, p := range ps {
		if !p.Start.Before(due) {
			break // this pause and every later one start after the time has run out
		}
		if p.Open() {
			return time.Time{}, true
		}
		if !p.End.After(running) {
			continue // over before the clock started, or within a pause already counted
		}
		stop := p.Start
		if stop.Before(running) {
			stop = running // p began while the clock was already stopped
		}
		owed := c.WorkingTime(stop, due)
		running = p.End
		var ok bool
		if due, ok = c.addWorking(running, owed); !ok {
			return time.Time{}, false
		}
	}
	return due, true
}

// WorkingTime returns the working time from one instant to another, negative
// when to is before from. Time outside 1900–2199 does not count.
func (c *Calendar) WorkingTime(from, to time.Time) time.Duration {
	if to.Before(from) {
		return -c.WorkingTime(to, from)
	}
	fy, fpos := c.position(from)
	ty, tpos := c.position(to)
	total := tpos - fpos
	for y := fy; y < ty; y++ {
		total += c.year(y).cum[c.year(y).ndays]
	}
	return total
}

// InWorkingTime reports whether working time runs at t: t falls on a
// working day within one of its sessions, the session's start and end
// included. So 07:30, 11:30, 13:00 and 17:00 are in working time on a
// weekday of [StandardWeek], 12:00 and 17:00:01 are not: a due time or an
// appointment may be the end of a session, as [Calendar.Due] gives one
// (Friday 17:00). A session that ends at 24:00 ends at the next midnight.
// Instants outside 1900–2199 are not in working time.
func (c *Calendar) InWorkingTime(t time.Time) bool {
	dn, clock := splitICT(t)
	if clock == 0 && c.dayEnd(dn-1) == 24*time.Hour {
		return true
	}
	for _, s := range c.sessions(dn) {
		if clock >= s.Start && clock <= s.End {
			return true
		}
	}
	return false
}

// NextWorkingTime returns the first instant at or after t at which working
// time runs: t itself within a session, the start of the next session
// otherwise. The end of a session is in working time
// ([Calendar.InWorkingTime]) but no working time runs from it, so
// NextWorkingTime of Friday 17:00 is the start of the next working day. It
// is false when no working time runs after t within 1900–2199; an instant
// before 1900 gives the first session of 1900.
func (c *Calendar) NextWorkingTime(t time.Time) (time.Time, bool) {
	dn, clock := splitICT(t)
	if dn < firstDay {
		return c.NextWorkingTime(instant(firstDay, 0))
	}
	for _, s := range c.sessions(dn) {
		switch {
		case clock < s.Start:
			return instant(dn, s.Start), true
		case clock < s.End:
			return t, true
		}
	}
	d, ok := c.nextWorkday(dateOfDay(dn + 1))
	if !ok {
		return time.Time{}, false
	}
	return instant(d.days(), c.sessions(d.days())[0].Start), true
}

// sessions returns the sessions of day number dn: none on a day off or
// outside 1900–2199.
func (c *Calendar) sessions(dn int64) []Session {
	yd, i := c.dayIndex(dn)
	if yd == nil || yd.hours[i] < 0 {
		return nil
	}
	return c.week[yd.hours[i]]
}

// dayEnd returns the end of the last session of day number dn, or 0 when
// it is a day off or outside 1900–2199.
func (c *Calendar) dayEnd(dn int64) time.Duration {
	ss := c.sessions(dn)
	if len(ss) == 0 {
		return 0
	}
	return ss[len(ss)-1].End
}

// position returns the year of t (clamped to the calendar's range) and the
// working time from the start of that year to t.
func (c *Calendar) position(t time.Time) (year int, pos time.Duration) {
	dn, clock := splitICT(t)
	if yd, i := c.dayIndex(dn); yd != nil {
		return yd.year, yd.cum[i] + c.workedIn(yd.hours[i], clock)
	}
	year, i := c.clampDay(dn)
	return year, c.year(year).cum[i]
}

// workedIn returns the working time of a day worked with weekday wd's hours
// (wd < 0: a day off) that has passed by clock.
func (c *Calendar) workedIn(wd int8, clock time.Duration) time.Duration {
	if wd < 0 {
		return 0
	}
	var w time.Duration
	for _, s := range c.week[wd] {
		switch {
		case clock >= s.End:
			w += s.length()
		case clock > s.Start:
			w += clock - s.Start
		}
	}
	return w
}

// addWorking returns the earliest instant at or after from by which amount
// of working time has passed since from; false when it is beyond 2199.
// Being the earliest such instant, a result on a session boundary is the end
// of the earlier session.
func (c *Calendar) addWorking(from time.Time, amount time.Duration) (time.Time, bool) {
	if amount <= 0 {
		return from, true
	}
	y, pos := c.position(from)
	target := pos + amount // working time from the start of year y
	yd := c.year(y)
	for target > yd.cum[yd.ndays] {
		target -= yd.cum[yd.ndays]
		if y++; y > maxYear {
			return time.Time{}, false
		}
		yd = c.year(y)
	}
	// The day whose end reaches the target: the first i with cum[i+1] ≥ target.
	i, _ := slices.BinarySearch(yd.cum[1:yd.ndays+1], target)
	rest := target - yd.cum[i] // 0 < rest ≤ the day's working time
	ss := c.week[yd.hours[i]]
	for _, s := range ss[:len(ss)-1] {
		if rest <= s.length() {
			return instant(yd.first+int64(i), s.Start+rest), true
		}
		rest -= s.length()
	}
	return instant(yd.first+int64(i), ss[len(ss)-1].Start+rest), true
}

// nextWorkday returns the first working day on or after d; false beyond 2199.
func (c *Calendar) nextWorkday(d Date) (Date, bool) {
	if c.IsWorkday(d) {
		return d, true
	}
	n := c.AddWorkdays(d, 1)
	return n, !n.IsZero()
}

// endOfWorkday returns the end of the last session of the first working day
// on or after d.
func (c *Calendar) endOfWorkday(d Date) (time.Time, bool) {
	d, ok := c.nextWorkday(d)
	if !ok {
		return time.Time{}, false
	}
	return instant(d.days(), c.dayEnd(d.days())), true
}

// sameDay implements SameDay: a receipt outside working time counts from
// the next working instant, and one at or after the cut-off from the next
// working day.
func (c *Calendar) sameDay(received time.Time, cutoff time.Duration) (time.Time, bool) {
	dn, clock := splitICT(received)
	d := dateOfDay(dn)
	if clock >= c.dayEnd(dn) { // a day off ends at 0
		var ok bool
		if d, ok = c.nextWorkday(d.AddDays(1)); !ok {
			return time.Time{}, false
		}
		clock = 0
	}
	if cutoff > 0 && clock >= cutoff {
		d = d.AddDays(1)
	}
	return c.endOfWorkday(d)
}

// addMonths returns the same day n months after d, or the last day of that
// month when it is shorter (Civil Code 2015, Art. 148).
func addMonths(d Date, n int) Date {
	m := int(d.Month) - 1 + n
	y := d.Year + m/12
	mon := time.Month(m%12 + 1)
	return Date{y, mon, min(d.Day, daysIn(y, mon))}
}
