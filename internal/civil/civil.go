// Package civil does proleptic Gregorian date arithmetic on day numbers,
// the days since 1970-01-01, without time.Time: the common ground of the
// working calendar, the lunar calendar and the astronomy under it.
package civil

// Days returns the day number of the date y-m-d. A month outside 1–12 or a
// day outside the month is carried into the next or previous ones, as
// time.Date does.
func Days(y, m, d int) int {
	if m < 1 || m > 12 {
		y += FloorDiv(m-1, 12)
		m = m - FloorDiv(m-1, 12)*12
	}
	return YearStart(y) + DayOfYear(y, m, d)
}

// YearStart returns the day number of 1 January of y.
func YearStart(y int) int {
	// 365 days a year plus the leap days since year 1, less the 719162 days
	// from 0001-01-01 to 1970-01-01.
	p := y - 1
	if p >= 0 { // the common case, with cheaper division
		return 365*p + p/4 - p/100 + p/400 - 719162
	}
	return 365*p + FloorDiv(p, 4) - FloorDiv(p, 100) + FloorDiv(p, 400) - 719162
}

// DayOfYear returns the days from 1 January of y to y-m-d, for m in 1–12.
func DayOfYear(y, m, d int) int {
	leap := 0
	if IsLeap(y) {
		leap = 1
	}
	return before[leap][m-1] + d - 1
}

// before[leap][m] is the number of days before month m+1 of a common (0) or
// leap (1) year.
var before = [2][12]int{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
}

// Date returns the date of day number n; it is the inverse of Days.
func Date(n int) (y, m, d int) {
	// H. Hinnant's civil_from_days: 400-year eras of 146097 days, with
	// years starting on 1 March so that the leap day ends the year.
	n += 719468
	era := FloorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// IsLeap reports whether y is a Gregorian leap year.
func IsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// DaysIn returns the number of days of month m (1–12) of year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if IsLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// FloorDiv returns a/b rounded towards minus infinity, for b > 0.
func FloorDiv[T ~int | ~int64](a, b T) T {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
