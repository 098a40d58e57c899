package sla

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/civil"
)

// ICT is Indochina Time, Vietnam's civil time: UTC+7 with no daylight
// saving since 1975. It is a fixed zone, so nothing depends on the host's
// time-zone database or on time.Local.
var ICT = time.FixedZone("ICT", 7*3600)

const ictOffset = 7 * 3600 // seconds east of UTC

// A Date is a civil date in Vietnam, with no time of day. The zero Date is
// not a valid date; IsZero reports it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in ICT, whatever t's location.
func DateOf(t time.Time) Date {
	day, _ := splitICT(t)
	return dateOfDay(day)
}

// ParseDate parses a date written "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, &ParseError{Input: s, Reason: "want a date written 2006-01-02"}
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// ParseTime parses an instant written "2006-01-02 15:04" (or with seconds,
// or with a T) in ICT, or in RFC 3339 with its own offset.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(ICT), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, ICT); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &ParseError{Input: s, Reason: `want a time written "2006-01-02 15:04" (ICT) or RFC 3339`}
}

// IsZero reports whether d is the zero Date, meaning "unset".
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists, such as 2024-02-29 but
// not 2025-02-29.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(d.days()+int64(time.Thursday), 7))
}

// WeekdayName returns the Vietnamese name of a weekday: "Thứ Hai" to
// "Thứ Bảy", and "Chủ nhật".
func WeekdayName(wd time.Weekday) string {
	if wd == time.Sunday {
		return "Chủ nhật"
	}
	if wd < time.Monday || wd > time.Saturday {
		return wd.String()
	}
	return "Thứ " + [...]string{"Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy"}[wd-time.Monday]
}

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date { return dateOfDay(d.days() + int64(n)) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch a, b := d.days(), e.days(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// At returns the instant at the given clock time of d, in ICT.
func (d Date) At(hour, min int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, ICT)
}

// String writes d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText writes d as "2006-01-02"; the zero Date writes as "".
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads a date written "2006-01-02"; "" gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// days returns the number of days from 1970-01-01 to d. It normalizes
// out-of-range months and days the way time.Date does.
func (d Date) days() int64 { return int64(civil.Days(d.Year, int(d.Month), d.Day)) }

// dateOfDay is the inverse of Date.days.
func dateOfDay(z int64) Date {
	y, m, d := civil.Date(int(z))
	return Date{y, time.Month(m), d}
}

// splitICT splits t into its ICT day number (days since 1970-01-01) and the
// time elapsed since that day's midnight.
func splitICT(t time.Time) (day int64, clock time.Duration) {
	s := t.Unix() + ictOffset
	day = civil.FloorDiv(s, 86400)
	return day, time.Duration(s-day*86400)*time.Second + time.Duration(t.Nanosecond())
}

// instant is the inverse of splitICT.
func instant(day int64, clock time.Duration) time.Time {
	return time.Unix(day*86400-ictOffset, 0).Add(clock).In(ICT)
}

func daysIn(year int, m time.Month) int { return civil.DaysIn(year, int(m)) }

func floorMod(a, b int64) int64 { return a - civil.FloorDiv(a, b)*b }
