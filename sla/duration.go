package sla

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/fold"
)

// A Unit is how a procedure's time limit is counted.
type Unit uint8

const (
	// UnitWorkingDays counts working days ("ngày làm việc") of
	// Config.DayLength working time each, from the instant of receipt.
	UnitWorkingDays Unit = iota + 1
	// UnitWorkingHours counts working hours ("giờ làm việc") from the
	// instant of receipt.
	UnitWorkingHours
	// UnitCalendarDays counts calendar days ("ngày"); the limit ends at the
	// end of the working day on the last day, or on the next working day.
	UnitCalendarDays
	// UnitMonths counts calendar months ("tháng"), ending like calendar days.
	UnitMonths
	// UnitSameDay is "trong ngày": the end of the working day of receipt,
	// with an optional cut-off time after which it is the next one.
	UnitSameDay
)

// maxCount bounds a Duration's count, so that no arithmetic on it can
// overflow: 100,000 working days of 24 hours still fit in a time.Duration.
// Any count near it runs past the calendar's range anyway.
const maxCount = 100_000

// A Duration is a processing time limit as procedures publish it, such as
// "15 ngày làm việc". The zero Duration is unset and invalid.
type Duration struct {
	unit   Unit
	n      int
	cutoff time.Duration
}

// WorkingDays returns a limit of n working days.
func WorkingDays(n int) Duration { return Duration{unit: UnitWorkingDays, n: n} }

// WorkingHours returns a limit of n working hours.
func WorkingHours(n int) Duration { return Duration{unit: UnitWorkingHours, n: n} }

// CalendarDays returns a limit of n calendar days.
func CalendarDays(n int) Duration { return Duration{unit: UnitCalendarDays, n: n} }

// Months returns a limit of n calendar months.
func Months(n int) Duration { return Duration{unit: UnitMonths, n: n} }

// SameDay returns the limit "trong ngày": the end of the working day of
// receipt. A dossier received at or after cutoff (an offset from midnight,
// such as 15*time.Hour) is due at the end of the next working day instead;
// a zero cutoff means there is none.
func SameDay(cutoff time.Duration) Duration { return Duration{unit: UnitSameDay, cutoff: cutoff} }

// Unit returns how d is counted.
func (d Duration) Unit() Unit { return d.unit }

// Count returns the number of units in d; 0 for SameDay.
func (d Duration) Count() int { return d.n }

// Cutoff returns the cut-off time of a SameDay limit, or 0 if it has none.
func (d Duration) Cutoff() time.Duration { return d.cutoff }

// IsZero reports whether d is the zero, unset Duration.
func (d Duration) IsZero() bool { return d == Duration{} }

// Validate reports whether d can be used: it is set, its count is at least
// 1 and within the calendar's range, and its cut-off lies within the day.
// The error wraps ErrInvalidDuration.
func (d Duration) Validate() error {
	switch {
	case d.unit < UnitWorkingDays || d.unit > UnitSameDay:
		return fmt.Errorf("%w: unset", ErrInvalidDuration)
	case d.n < 0:
		return fmt.Errorf("%w: %d is negative", ErrInvalidDuration, d.n)
	case d.n == 0 && d.unit != UnitSameDay:
		return fmt.Errorf("%w: a limit of 0 %s gives no time at all; a same-day limit is \"trong ngày\"", ErrInvalidDuration, d.unitName())
	case d.n > maxCount:
		return fmt.Errorf("%w: %d is beyond the calendar's range", ErrInvalidDuration, d.n)
	case d.cutoff < 0 || d.cutoff >= 24*time.Hour:
		return fmt.Errorf("%w: cut-off %v is not a time of day", ErrInvalidDuration, d.cutoff)
	}
	return nil
}

func (d Duration) unitName() string {
	return map[Unit]string{UnitWorkingDays: "working days", UnitWorkingHours: "working hours", UnitCalendarDays: "days", UnitMonths: "months"}[d.unit]
}

// Nominal returns the working time that d stands for on a calendar of
// dayLength working time a day, for comparing limits: a procedure's internal
// steps must fit in its processing time. It is false for limits counted on
// the calendar (days, months, same day), which have no fixed working time.
func (d Duration) Nominal(dayLength time.Duration) (time.Duration, bool) {
	switch d.unit {
	case UnitWorkingDays:
		return time.Duration(d.n) * dayLength, true
	case UnitWorkingHours:
		return time.Duration(d.n) * time.Hour, true
	}
	return 0, false
}

// String writes d as procedures publish it: "15 ngày làm việc",
// "04 giờ làm việc", "30 ngày", "03 tháng", "trong ngày" or "trong ngày, sau
// 15 giờ chuyển sang ngày làm việc tiếp theo". ParseDuration reads it back.
func (d Duration) String() string {
	switch d.unit {
	case UnitWorkingDays:
		return fmt.Sprintf("%02d ngày làm việc", d.n)
	case UnitWorkingHours:
		return fmt.Sprintf("%02d giờ làm việc", d.n)
	case UnitCalendarDays:
		return fmt.Sprintf("%02d ngày", d.n)
	case UnitMonths:
		return fmt.Sprintf("%02d tháng", d.n)
	case UnitSameDay:
		if d.cutoff == 0 {
			return "trong ngày"
		}
		at := fmt.Sprintf("%d giờ", int(d.cutoff/time.Hour))
		if m := int(d.cutoff % time.Hour / time.Minute); m != 0 {
			at += fmt.Sprintf(" %02d phút", m)
		}
		return "trong ngày, sau " + at + " chuyển sang ngày làm việc tiếp theo"
	}
	return ""
}

// MarshalText writes d as String does.
func (d Duration) MarshalText() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads d as ParseDuration does.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

var (
	countForm = regexp.MustCompile(`^(-?\d+) (ngay lam viec|gio lam viec|ngay|thang)(?: (?:ke tu|tinh tu) .*)?$`)
	sameForm  = regexp.MustCompile(`^(?:ngay )?trong ngay(?: lam viec)?(?:[ ,;(].*)?$`)
	cutoffAt  = regexp.MustCompile(`sau (\d{1,2}) ?(?:gio|h)(?: ?(\d{1,2})(?: ?phut)?)?`)
)

var units = map[string]Unit{
	"ngay lam viec": UnitWorkingDays,
	"gio lam viec":  UnitWorkingHours,
	"ngay":          UnitCalendarDays,
	"thang":         UnitMonths,
}

// ParseDuration reads a time limit as procedures publish it:
//
//	"15 ngày làm việc"   working days
//	"04 giờ làm việc"    working hours
//	"30 ngày"            calendar days
//	"03 tháng"           months
//	"trong ngày"         the same working day
//	"trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo"
//
// It ignores case, diacritics and extra spaces, so "15 ngay lam viec" reads
// too, and a trailing "kể từ …" ("counted from …") clause. Anything else,
// and a negative or zero count, is a *ParseError.
func ParseDuration(s string) (Duration, error) {
	f := strings.TrimRight(fold.String(s), ".")
	if m := countForm.FindStringSubmatch(f); m != nil {
		n, err := strconv.Atoi(m[1])
		switch {
		case err != nil || n > maxCount:
			return Duration{}, &ParseError{Input: s, Reason: "the number is too large"}
		case n < 0:
			return Duration{}, &ParseError{Input: s, Reason: "a time limit cannot be negative"}
		case n == 0:
			return Duration{}, &ParseError{Input: s, Reason: `a time limit of 0 gives no time at all; a same-day limit is "trong ngày"`}
		}
		return Duration{unit: units[m[2]], n: n}, nil
	}
	if sameForm.MatchString(f) {
		tail := strings.TrimPrefix(strings.TrimPrefix(f, "ngay "), "trong ngay")
		tail = strings.TrimPrefix(tail, " lam viec")
		m := cutoffAt.FindStringSubmatch(tail)
		if m == nil {
			if strings.Trim(tail, " ,;()") != "" {
				return Duration{}, &ParseError{Input: s, Reason: `"trong ngày" is followed by text without a cut-off time ("sau 15 giờ …")`}
			}
			return SameDay(0), nil
		}
		h, _ := strconv.Atoi(m[1])
		min := 0
		if m[2] != "" {
			min, _ = strconv.Atoi(m[2])
		}
		if h > 23 || min > 59 {
			return Duration{}, &ParseError{Input: s, Reason: "the cut-off is not a time of day"}
		}
		return SameDay(Clock(h, min)), nil
	}
	return Duration{}, &ParseError{Input: s, Reason: `want a time limit such as "15 ngày làm việc", "04 giờ làm việc", "30 ngày", "03 tháng" or "trong ngày"`}
}
