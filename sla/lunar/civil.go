package lunar

import "time"

// Civil (proleptic Gregorian) date arithmetic on day counts, so that the
// conversions need neither time.Time nor loops. The algorithms are
// H. Hinnant's "chrono-compatible low-level date algorithms": years start
// on 1 March, which puts the leap day at the end of the year, and repeat in
// eras of 400 years (146097 days). Callers pass years in 1899..2200, so all
// intermediate values are positive and fit easily in an int.

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400          // year of era, 0..399
	mp := (m + 9) % 12          // month from March, 0..11
	doy := (153*mp+2)/5 + d - 1 // day of the year from 1 March
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	doe := z - era*146097
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

// daysIn returns the number of days of a Gregorian month.
func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}
