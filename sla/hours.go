package sla

import (
	"fmt"
	"time"
)

// A Session is one stretch of desk hours in a day, such as the morning
// 07:30–11:30. Start and End are offsets from midnight.
type Session struct {
	Start, End time.Duration
}

// Clock returns the offset from midnight of hh:mm, for writing sessions:
// Session{Clock(7, 30), Clock(11, 30)}.
func Clock(hour, min int) time.Duration {
	return time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute
}

// String writes s as "07:30–11:30".
func (s Session) String() string { return clockString(s.Start) + "–" + clockString(s.End) }

func (s Session) length() time.Duration { return s.End - s.Start }

func clockString(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// A Week holds the sessions of each weekday, indexed by time.Weekday. A
// weekday with no sessions is a weekly rest day.
type Week [7][]Session

// StandardWeek returns the usual desk week of the state sector: Monday to
// Friday, 07:30–11:30 and 13:00–17:00 (provinces vary). Each call returns a
// new Week that the caller may change.
func StandardWeek() Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Session{{Clock(7, 30), Clock(11, 30)}, {Clock(13, 0), Clock(17, 0)}}
	}
	return w
}

func (w *Week) validate() error {
	open := false
	for wd, ss := range w {
		prev := time.Duration(0)
		for i, s := range ss {
			field := fmt.Sprintf("Week[%s][%d]", time.Weekday(wd), i)
			switch {
			case s.Start < 0 || s.End > 24*time.Hour:
				return &ConfigError{Field: field, Reason: "a session must lie within the day, 00:00–24:00"}
			case s.End <= s.Start:
				return &ConfigError{Field: field, Reason: "a session must end after it starts"}
			case i > 0 && s.Start < prev:
				return &ConfigError{Field: field, Reason: "sessions must be in order and must not overlap"}
			}
			prev = s.End
			open = true
		}
	}
	if !open {
		return &ConfigError{Field: "Week", Reason: "no weekday has desk hours"}
	}
	if len(w[time.Monday]) == 0 {
		// A make-up Saturday ("làm bù" in the Prime Minister's yearly holiday
		// notices) is a full working day: it is worked with Monday's hours.
		return &ConfigError{Field: "Week[Monday]", Reason: "Monday needs desk hours: make-up Saturdays use them"}
	}
	return nil
}

// regularDay returns the working time that most weekdays with desk hours
// have, the longest of them on a tie.
func (w *Week) regularDay() time.Duration {
	var lengths [7]time.Duration
	for wd, ss := range w {
		for _, s := range ss {
			lengths[wd] += s.length()
		}
	}
	var best time.Duration
	bestDays := 0
	for _, l := range lengths {
		days := 0
		for _, m := range lengths {
			if m == l {
				days++
			}
		}
		if l > 0 && (days > bestDays || days == bestDays && l > best) {
			best, bestDays = l, days
		}
	}
	return best
}

func (w *Week) empty() bool {
	for _, ss := range w {
		if len(ss) > 0 {
			return false
		}
	}
	return true
}

// clone copies w so that a Calendar never shares slices with its caller.
func (w *Week) clone() Week {
	var c Week
	for i, ss := range w {
		c[i] = append([]Session(nil), ss...)
	}
	return c
}
