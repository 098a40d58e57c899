package sla

import (
	"fmt"
	"time"
)

// Timeliness is how a dossier stands against its due time: Early, OnTime or
// Late once finished, InTime or Overdue while still open. The zero value is
// unset.
type Timeliness uint8

const (
	// Early is "trước hạn": finished before the start of the working day
	// (or, with BeforeDueSession, the session) that holds the due time.
	Early Timeliness = iota + 1
	// OnTime is "đúng hạn": finished by the due time, but not early.
	OnTime
	// Late is "trễ hạn": finished after the due time.
	Late
	// InTime is "trong hạn": still open, and the due time has not passed.
	InTime
	// Overdue is "quá hạn": still open after the due time.
	Overdue
)

// String returns the Vietnamese term, as reports print it.
func (t Timeliness) String() string {
	switch t {
	case Early:
		return "trước hạn"
	case OnTime:
		return "đúng hạn"
	case Late:
		return "trễ hạn"
	case InTime:
		return "trong hạn"
	case Overdue:
		return "quá hạn"
	}
	return fmt.Sprintf("Timeliness(%d)", t)
}

// Resolved reports whether t counts towards the on-time rate's numerator,
// (early + on time) ÷ resolved, as provincial reports and OpenCPS count it.
func (t Timeliness) Resolved() bool { return t == Early || t == OnTime }

// Classify judges a dossier finished at finished against its due time:
// Late if finished after due, Early if finished before the start of the
// working day that holds due (or of its session, with BeforeDueSession),
// and OnTime otherwise. A due time outside working time is held by the last
// working day, or session, that started before it.
func (c *Calendar) Classify(due, finished time.Time) Timeliness {
	switch {
	case finished.After(due):
		return Late
	case finished.Before(c.heldFrom(due)):
		return Early
	}
	return OnTime
}

// ClassifyOpen judges a dossier still open at asOf: Overdue once asOf is
// after due, InTime until then.
func (c *Calendar) ClassifyOpen(due, asOf time.Time) Timeliness {
	if asOf.After(due) {
		return Overdue
	}
	return InTime
}

// heldFrom returns the start of the working day, or session, that holds due:
// the latest one that starts before due (a due time on a session's end
// belongs to that session).
func (c *Calendar) heldFrom(due time.Time) time.Time {
	dn, clock := splitICT(due)
	d := dateOfDay(dn)
	for range 400 { // a year and a bit: there is a working day in any such span
		if c.IsWorkday(d) {
			ss := c.week[c.weekdayOf(d)]
			if ss[0].Start < clock {
				if c.early == BeforeDueDay {
					return instant(d.days(), ss[0].Start)
				}
				for i := len(ss) - 1; i >= 0; i-- {
					if ss[i].Start < clock {
						return instant(d.days(), ss[i].Start)
					}
				}
			}
		}
		d, clock = d.AddDays(-1), 24*time.Hour
	}
	return due // outside the calendar's range: nothing counts as early
}

// weekdayOf returns the weekday whose hours working day d uses.
func (c *Calendar) weekdayOf(d Date) int8 {
	yd, i := c.locate(d)
	return yd.hours[i]
}
