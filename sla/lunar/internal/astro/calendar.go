package astro

import (
	"fmt"
	"math"
)

// Vietnam is the offset of Vietnamese civil time from UTC, in hours. The
// Chinese calendar uses 8; the tests use it to show that the differences
// between the two calendars come from the offset alone.
const Vietnam = 7.0

// NewMoonDay returns the Julian Day Number of the local civil day, at tz
// hours east of UTC, that contains new moon number k. That day is the first
// day of a lunar month.
func NewMoonDay(k int, tz float64) int {
	local := TTToUT(NewMoon(k)) + tz/24
	return int(math.Floor(local + 0.5))
}

// SunSector returns ⌊λ/30°⌋, in 0..11, where λ is the Sun's apparent
// longitude at the local midnight (tz hours east of UTC) that begins the day
// jdn. A major solar term (trung khí) is the instant λ reaches a multiple of
// 30°, so a month whose first day and whose successor's first day have the
// same sector contains no major solar term. Sector 9 begins at the winter
// solstice (λ = 270°).
func SunSector(jdn int, tz float64) int {
	ut := float64(jdn) - 0.5 - tz/24
	return int(SunLongitude(UTToTT(ut)) / 30)
}

// Month is one lunar month as the astronomical rules give it.
type Month struct {
	Start  int  // Julian Day Number of the month's first day
	Year   int  // the lunar year, which begins with month 1 (Tết)
	Number int  // 1..12
	Leap   bool // the month is the leap month (tháng nhuận), repeating Number
}

// Month11 returns the number k of the new moon that begins month 11 of the
// lunar calendar at tz: the month that contains the winter solstice of the
// Gregorian year y, i.e. whose first day begins with the Sun short of 270°
// and whose successor's first day begins with the Sun at or past it.
func Month11(y int, tz float64) int {
	// The month containing the solstice starts between late November and
	// 21 December, so starting one lunation before the new moon nearest
	// 1 November is always early enough.
	k := NewMoonK(float64(JDN(y, 11, 1))) - 1
	for i := 0; i < 4; i, k = i+1, k+1 {
		if SunSector(NewMoonDay(k, tz), tz) < 9 && SunSector(NewMoonDay(k+1, tz), tz) >= 9 {
			return k
		}
	}
	panic(fmt.Sprintf("astro: no month 11 found for %d", y)) // unreachable for any Gregorian year
}

// Cycle returns the months from month 11 of the Gregorian year y-1 (the one
// containing that December's solstice) up to, not including, month 11 of
// year y. The months before Tết belong to lunar year y-1, the rest to y.
//
// A cycle of 13 months has a leap month: the first month after month 11 that
// contains no major solar term. It repeats the number of the month before it.
func Cycle(y int, tz float64) []Month {
	k0 := Month11(y-1, tz)
	k1 := Month11(y, tz)
	n := k1 - k0
	if n != 12 && n != 13 {
		panic(fmt.Sprintf("astro: %d months between the solstices of %d and %d", n, y-1, y))
	}
	leapAt := -1
	if n == 13 {
		// Month 11 itself contains the solstice, a major term, so the search
		// starts with the month after it.
		for i := 1; i < n; i++ {
			if SunSector(NewMoonDay(k0+i, tz), tz) == SunSector(NewMoonDay(k0+i+1, tz), tz) {
				leapAt = i
				break
			}
		}
		if leapAt < 0 {
			panic(fmt.Sprintf("astro: 13 months but no leap month in %d", y))
		}
	}
	months := make([]Month, 0, n)
	number, year := 11, y-1
	for i := 0; i < n; i++ {
		m := Month{Start: NewMoonDay(k0+i, tz)}
		switch {
		case i == 0:
		case i == leapAt:
			m.Leap = true
		default:
			number = number%12 + 1
			if number == 1 {
				year = y
			}
		}
		m.Number, m.Year = number, year
		months = append(months, m)
	}
	return months
}

// Year is one lunar year: its months from Tết, and the first day of the next
// year.
type Year struct {
	Year   int
	Months []Month // in calendar order, the leap month after its namesake
	Next   int     // Julian Day Number of the next Tết
}

// Tet returns the Julian Day Number of the year's first day (Tết Nguyên Đán).
func (y Year) Tet() int { return y.Months[0].Start }

// Leap returns the number of the leap month, or 0 when the year has 12 months.
func (y Year) Leap() int {
	for _, m := range y.Months {
		if m.Leap {
			return m.Number
		}
	}
	return 0
}

// Lengths returns the number of days of each month, in calendar order.
func (y Year) Lengths() []int {
	out := make([]int, len(y.Months))
	for i, m := range y.Months {
		next := y.Next
		if i+1 < len(y.Months) {
			next = y.Months[i+1].Start
		}
		out[i] = next - m.Start
	}
	return out
}

// LunarYear returns lunar year y of the calendar at tz hours east of UTC.
func LunarYear(y int, tz float64) Year {
	yr := Year{Year: y}
	for _, m := range Cycle(y, tz) {
		if m.Year == y {
			yr.Months = append(yr.Months, m)
		}
	}
	for _, m := range Cycle(y+1, tz) {
		switch {
		case m.Year == y:
			yr.Months = append(yr.Months, m)
		case yr.Next == 0:
			yr.Next = m.Start
		}
	}
	return yr
}
