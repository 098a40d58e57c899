// Package lunar converts between Gregorian dates and the Vietnamese lunar
// calendar (âm lịch), which fixes Tết Nguyên Đán, Hùng Kings day (lunar
// 10/3) and other dates that Vietnamese offices observe.
//
// # Tour
//
// A Date is a lunar day: Year (the lunar year, which begins at Tết), Month,
// Day, and Leap for a day of the leap month.
//
//	lunar.FromSolar(2025, time.January, 29)                  // 1/1/2025, Tết
//	lunar.ToSolar(lunar.Date{Year: 2009, Month: 3, Day: 10}) // 2009-04-04, Hùng Kings day
//	lunar.LeapMonth(2025)                                    // 6: the sixth month repeats
//	lunar.MonthDays(2025, 6, true)                           // 29 days in the leap sixth month
//	lunar.Date{Year: 2020, Month: 4, Day: 15, Leap: true}    // prints as 15/4 nhuận/2020
//
// A date that does not exist (month 13, day 30 of a 29-day month, Leap on a
// month that is not the leap month, solar 2025-02-30) gives an error that
// matches ErrInvalidDate under errors.Is; a date outside the supported range
// gives ErrOutOfRange. No input panics.
//
// FromSolar and ToSolar take about 20 ns and never allocate (see the
// repository's BENCHMARKS.md): they read one packed integer per lunar year
// from a table generated at build time and do integer arithmetic on day
// counts.
//
// # The calendar
//
// The lunar calendar is lunisolar. Its rules, as Hồ Ngọc Đức describes them
// in "Âm lịch Việt Nam", are:
//
//   - A month begins on the local day that contains the astronomical new
//     moon, so months have 29 or 30 days.
//   - Month 11 is the month that contains the winter solstice (the Sun's
//     apparent longitude reaching 270°).
//   - When 13 months separate two months 11, one of them is a leap month
//     (tháng nhuận): the first month after month 11 that contains no major
//     solar term (trung khí, the Sun's longitude reaching a multiple of 30°).
//     It takes the number of the month before it.
//   - Everything is reckoned in local days: a month "contains" a solar term
//     when the Sun's longitude changes its 30° sector between the local
//     midnights that begin the month and the next one.
//
// This package implements those rules from the astronomy itself
// (internal/astro): true new moons by Meeus, Astronomical Algorithms, ch. 49;
// the Sun's apparent longitude by VSOP87 with nutation and aberration (ch.
// 25 and 32); TT − UT by the Espenak–Meeus polynomials. The tests check the
// method against published new moon and solstice instants and against the
// Tết dates known to differ from China.
//
// # UTC+7, not the Chinese calendar
//
// The calendar is computed for Vietnam's civil time, UTC+7. The Chinese
// calendar follows the same rules at UTC+8, and a new moon or solar term
// between 23:00 and midnight Vietnamese time falls on different days in the
// two. Tết was or will be a day or a month apart in 1968 (29 January in
// Vietnam, 30 January in China), 1969, 1985 (21 January against 20
// February, Vietnam having a leap month 2), 2007, 2030 and 2053; Hùng Kings
// day differs in 2009, 2037, 2038 and other years. A Chinese lunar library
// is therefore wrong for Vietnam.
//
// Before 1968 the North reckoned at UTC+8. This package uses UTC+7 for every year, as a documented convention. Hồ
// Ngọc Đức's published tables switch to UTC+7 only in 1968, and so differ
// from this package before then: Tết 1903, 1925, 1935 and 1965 are a day
// later there, and the leap months of 1917, 1922 and 1938 are 2, 5 and 7
// instead of 3, 6 and 8.
//
// # Supported range
//
// Lunar years 1899 (from its month 12) to 2199 in full: solar dates
// 1900-01-01 to 2200-02-14 inclusive, the last being 30/12/2199, the eve of
// Tết 2200. Dates outside it, and lunar dates that would fall outside it,
// give ErrOutOfRange. LeapMonth and MonthDays accept the whole lunar years
// 1899 to 2199.
//
// # Uncertain months
//
// A month whose new moon falls within a few minutes of local midnight may
// begin a day earlier or later depending on the ephemeris and on TT − UT,
// which is only extrapolated after today and is uncertain by minutes by
// 2200; a major solar term near midnight can likewise move a leap month.
// Published algorithms disagree on such months. These are the months of
// the supported range that change when every instant is moved by 3 minutes
// (lunar month/year; the test TestUncertainMonths keeps this list current):
//
//	8/1938 and 8 nhuận/1938 (whether 7 or 8 is the leap month)
//	5/1944, 6/1967, 8/1998, 3 nhuận/2031, 4/2054, 11/2072, 10/2077,
//	8/2079, 9/2085, 8 nhuận/2090, 12/2124, 4/2130, 5/2150, 9/2153,
//	4/2159, 1/2175 (Tết), 4/2188, 1/2199 (Tết)
//
// For example lunar 11/2072 begins on 2072-12-09 here (new moon at 23:58:48
// UTC+7), while Hồ Ngọc Đức's algorithm, with its shorter series, starts it
// on 2072-12-10; Tết 2175 and 2199 are 2175-01-22 and 2199-01-26 here and a
// day later there. testdata/tet.txt records these comparisons.
//
// # Regenerating the table
//
// table.go is generated from internal/astro. After changing the astronomy,
// run
//
//	go generate ./sla/lunar
//
// The tests fail while table.go is stale or disagrees with internal/astro
// for any lunar year 1899..2200.
package lunar
