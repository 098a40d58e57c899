package lunar

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/civil"
)

//go:generate go run ./internal/gen -o table.go

// The supported range: solar 1900-01-01 up to the end of lunar year
// lastYear, which falls in solar 2200. The table holds lunar years
// firstYear..lastYear+1; the extra year places the end of lastYear and lets
// the tests check that each year ends where the next begins.
const (
	minSolarYear = 1900
	firstYear    = 1899 // lunar year containing 1900-01-01
	lastYear     = 2199 // the last lunar year supported in full
)

var (
	// ErrOutOfRange reports a date outside the supported range: solar
	// 1900-01-01 to 2200-02-14 (the last day of lunar 2199), and the lunar
	// dates that fall on those days.
	ErrOutOfRange = errors.New("lunar: date out of range 1900-01-01..2200-02-14")

	// ErrInvalidDate reports a date that does not exist: a lunar month
	// outside 1..12, a day 30 in a 29-day month, Leap on a month that is not
	// the year's leap month, or a solar date such as 2025-02-30.
	ErrInvalidDate = errors.New("lunar: invalid date")
)

// Date is a day of the Vietnamese lunar calendar (âm lịch).
//
// Year is the lunar year, which begins at Tết (lunar 1/1), so the last weeks
// of a Gregorian year's January or February usually belong to the previous
// lunar year. Month is 1..12 and Day is 1..30. Leap marks a day of the leap
// month (tháng nhuận), which repeats the number of the month before it.
//
// The zero Date is not a valid date.
type Date struct {
	Year, Month, Day int
	Leap             bool
}

// String formats d the Vietnamese way, day/month/year, as in "10/3/2009". A
// day of a leap month carries the marker on its month: "1/4 nhuận/2020" is
// day 1 of the leap fourth month of 2020.
func (d Date) String() string {
	var buf [48]byte
	b := strconv.AppendInt(buf[:0], int64(d.Day), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(d.Month), 10)
	if d.Leap {
		b = append(b, " nhuận"...)
	}
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(d.Year), 10)
	return string(b)
}

// The packed layout of one lunar year in table.go (written by internal/gen,
// which must agree):
//
//	bits  0..12  month lengths in calendar order (the leap month right after
//	             its namesake): bit i set = the i-th month has 30 days, else 29
//	bits 13..16  the leap month's number, 0 for a 12-month year
//	bits 17..22  Tết as days after 1 January of the same Gregorian year
//	             (Tết falls between 21 January and 20 February: 20..50)
const (
	leapShift = 13
	tetShift  = 17
)

func leapOf(info uint32) int    { return int(info>>leapShift) & 0xf }
func tetOffset(info uint32) int { return int(info>>tetShift) & 0x3f }

// monthStart returns the offset in days from Tết to the first day of the i-th
// month (0-based, in calendar order). i may be 13, the start of the next
// year.
func monthStart(info uint32, i int) int {
	return 29*i + bits.OnesCount32(info&(1<<uint(i)-1))
}

// monthLen returns the length of the i-th month (0-based, calendar order).
func monthLen(info uint32, i int) int {
	return 29 + int(info>>uint(i)&1)
}

// index returns the 0-based calendar position of month m (leap or not) in a
// year whose leap month is leap (0 for none), and false when that month does
// not exist.
func index(m int, isLeap bool, leap int) (int, bool) {
	switch {
	case isLeap:
		return leap, leap != 0 && m == leap
	case leap != 0 && m > leap:
		return m, true
	default:
		return m - 1, true
	}
}

// minDay and maxDay bound the supported range in days since 1970-01-01:
// maxDay is the eve of Tết lastYear+1.
var (
	minDay = civil.Days(minSolarYear, 1, 1)
	maxDay = civil.YearStart(lastYear+1) + tetOffset(years[lastYear+1-firstYear]) - 1
)

// FromSolar converts a Gregorian date (in Vietnam, UTC+7) to its lunar date.
//
// It returns ErrOutOfRange outside 1900-01-01..2200-02-14 (the last day of
// lunar 2199) and ErrInvalidDate for a day that does not exist, such as
// 2025-02-30. It runs in constant time without allocating.
func FromSolar(year int, month time.Month, day int) (Date, error) {
	if year < minSolarYear || year > lastYear+1 {
		return Date{}, fmt.Errorf("%w: solar year %d", ErrOutOfRange, year)
	}
	if month < time.January || month > time.December || day < 1 || day > civil.DaysIn(year, int(month)) {
		return Date{}, fmt.Errorf("%w: solar %d-%02d-%02d", ErrInvalidDate, year, int(month), day)
	}
	j := civil.YearStart(year)
	n := j + civil.DayOfYear(year, int(month), day)
	if n > maxDay {
		return Date{}, fmt.Errorf("%w: solar %d-%02d-%02d is in lunar %d", ErrOutOfRange, year, int(month), day, lastYear+1)
	}

	// Tết falls in January or February, so a day belongs to the lunar year
	// of its Gregorian year or to the one before.
	ly := year
	info := years[ly-firstYear]
	tet := j + tetOffset(info)
	if n < tet {
		ly--
		info = years[ly-firstYear]
		tet = civil.YearStart(ly) + tetOffset(info)
	}
	off := n - tet

	// Months have 29 or 30 days, so off/30 is the month's position or one
	// short of it.
	i := off / 30
	start := monthStart(info, i)
	if next := monthStart(info, i+1); off >= next {
		i, start = i+1, next
	}

	d := Date{Year: ly, Day: off - start + 1}
	leap := leapOf(info)
	switch {
	case leap == 0 || i < leap:
		d.Month = i + 1
	case i == leap:
		d.Month, d.Leap = leap, true
	default:
		d.Month = i
	}
	return d, nil
}

// ToSolar converts a lunar date to its Gregorian date.
//
// It returns ErrInvalidDate for a lunar date that does not exist and
// ErrOutOfRange for a lunar year outside 1899..2199 or a date of lunar 1899
// before 1900-01-01. Every date of lunar 1900..2199 converts, those of the
// last months of 2199 to days of solar 2200. It runs in constant time
// without allocating.
func ToSolar(d Date) (year int, month time.Month, day int, err error) {
	if d.Year < firstYear || d.Year > lastYear {
		return 0, 0, 0, fmt.Errorf("%w: lunar year %d", ErrOutOfRange, d.Year)
	}
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 30 {
		return 0, 0, 0, fmt.Errorf("%w: lunar %v", ErrInvalidDate, d)
	}
	info := years[d.Year-firstYear]
	i, ok := index(d.Month, d.Leap, leapOf(info))
	if !ok {
		return 0, 0, 0, fmt.Errorf("%w: lunar %d has no leap month %d", ErrInvalidDate, d.Year, d.Month)
	}
	if d.Day > monthLen(info, i) {
		return 0, 0, 0, fmt.Errorf("%w: lunar %v: the month has 29 days", ErrInvalidDate, d)
	}
	n := civil.YearStart(d.Year) + tetOffset(info) + monthStart(info, i) + d.Day - 1
	if n < minDay {
		return 0, 0, 0, fmt.Errorf("%w: lunar %v is before 1900", ErrOutOfRange, d)
	}
	y, m, dd := civil.Date(n)
	return y, time.Month(m), dd, nil
}

// LeapMonth returns the number of the leap month of lunar year year, or 0
// when the year has 12 months. For example LeapMonth(2025) is 6: the sixth
// month of 2025 was followed by a leap sixth month. It returns ErrOutOfRange
// for a year outside 1899..2199.
func LeapMonth(year int) (int, error) {
	if year < firstYear || year > lastYear {
		return 0, fmt.Errorf("%w: lunar year %d", ErrOutOfRange, year)
	}
	return leapOf(years[year-firstYear]), nil
}

// MonthDays returns the number of days, 29 or 30, of month month of lunar
// year year; leap selects the leap month. It returns ErrOutOfRange for a
// year outside 1899..2199 and ErrInvalidDate for a month that does not exist.
func MonthDays(year, month int, leap bool) (int, error) {
	if year < firstYear || year > lastYear {
		return 0, fmt.Errorf("%w: lunar year %d", ErrOutOfRange, year)
	}
	if month < 1 || month > 12 {
		return 0, fmt.Errorf("%w: lunar month %d", ErrInvalidDate, month)
	}
	info := years[year-firstYear]
	i, ok := index(month, leap, leapOf(info))
	if !ok {
		return 0, fmt.Errorf("%w: lunar %d has no leap month %d", ErrInvalidDate, year, month)
	}
	return monthLen(info, i), nil
}
