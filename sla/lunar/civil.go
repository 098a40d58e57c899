package lunar

import "time"

// Civil (proleptic Gregorian) date arithmetic on day counts, so that the
// conversions need neither time.Time nor loops. Callers pass years in
// 1899..2201, so all values are positive and fit easily in an int.

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d, for a
// valid date with y ≥ 1.
func daysFromCivil(y int, m int, d int) int {
	return jan1(y) + cumDays[b2i(isLeap(y))][m-1] + d - 1
}

// jan1 returns the number of days from 1970-01-01 to 1 January of y ≥ 1:
// 365 a year plus the Gregorian leap days since year 1, less the 719162
// days from 0001-01-01 to 1970-01-01.
func jan1(y int) int {
	p := y - 1
	return 365*p + p/4 - p/100 + p/400 - 719162
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// solarOf returns the Gregorian date of day n (days since 1970-01-01),
// which must lie in year y or y+1: a lunar year y ends before February of
// y+1.
func solarOf(n, y int) (int, time.Month, int) {
	doy := n - jan1(y)
	if l := 365 + b2i(isLeap(y)); doy >= l {
		doy -= l
		y++
	}
	cum := &cumDays[b2i(isLeap(y))]
	// No month is longer than 31 days, so doy/31 is the month or one short
	// of it.
	m := doy / 31
	if doy >= cum[m+1] {
		m++
	}
	return y, time.Month(m + 1), doy - cum[m] + 1
}

// cumDays[leap][m] is the number of days before month m+1 in a common
// (leap = 0) or leap (1) year; cumDays[leap][12] is the year's length.
var cumDays = [2][13]int{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// daysIn returns the number of days of a Gregorian month.
func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if isLeap(year) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}
