package lunar

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type solar struct {
	year  int
	month time.Month
	day   int
}

func (s solar) String() string {
	return time.Date(s.year, s.month, s.day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// next returns the day after s.
func (s solar) next() solar {
	y, m, d := time.Date(s.year, s.month, s.day+1, 0, 0, 0, 0, time.UTC).Date()
	return solar{y, m, d}
}

// knownTests are facts from outside this package: the published Tết dates
// that differ from China's, and the Prime Minister's yearly holiday notices
// 2020–2026 (Tết and Hùng Kings day),
// each also confirmed by the npm packages amlich 0.0.2 and @dqcai/vn-lunar
// 1.0.1 (see testdata/tet.txt).
var knownTests = []struct {
	name  string
	solar solar
	lunar Date
}{
	// Years where Vietnam (UTC+7) and China (UTC+8) celebrate Tết on
	// different days.
	{"Tết 1968, China 01-30", solar{1968, time.January, 29}, Date{1968, 1, 1, false}},
	{"Tết 1969, China 02-17", solar{1969, time.February, 16}, Date{1969, 1, 1, false}},
	{"Tết 1985, China 02-20", solar{1985, time.January, 21}, Date{1985, 1, 1, false}},
	{"Tết 2007, China 02-18", solar{2007, time.February, 17}, Date{2007, 1, 1, false}},
	{"Tết 2030, China 02-03", solar{2030, time.February, 2}, Date{2030, 1, 1, false}},
	{"Tết 2053, China 02-19", solar{2053, time.February, 18}, Date{2053, 1, 1, false}},

	{"Tết 2020", solar{2020, time.January, 25}, Date{2020, 1, 1, false}},
	{"Tết 2021", solar{2021, time.February, 12}, Date{2021, 1, 1, false}},
	{"Tết 2022", solar{2022, time.February, 1}, Date{2022, 1, 1, false}},
	{"Tết 2023", solar{2023, time.January, 22}, Date{2023, 1, 1, false}},
	{"Tết 2024", solar{2024, time.February, 10}, Date{2024, 1, 1, false}},
	{"Tết 2025", solar{2025, time.January, 29}, Date{2025, 1, 1, false}},
	{"Tết 2026", solar{2026, time.February, 17}, Date{2026, 1, 1, false}},

	{"New Year's Eve 2024 (30 Tết)", solar{2025, time.January, 28}, Date{2024, 12, 29, false}},

	// Hùng Kings day, lunar 10/3. 2009 differs from China (04-05).
	{"Hùng Kings 2009", solar{2009, time.April, 4}, Date{2009, 3, 10, false}},
	{"Hùng Kings 2020", solar{2020, time.April, 2}, Date{2020, 3, 10, false}},
	{"Hùng Kings 2021", solar{2021, time.April, 21}, Date{2021, 3, 10, false}},
	{"Hùng Kings 2022", solar{2022, time.April, 10}, Date{2022, 3, 10, false}},
	{"Hùng Kings 2023", solar{2023, time.April, 29}, Date{2023, 3, 10, false}},
	{"Hùng Kings 2024", solar{2024, time.April, 18}, Date{2024, 3, 10, false}},
	{"Hùng Kings 2025", solar{2025, time.April, 7}, Date{2025, 3, 10, false}},
	{"Hùng Kings 2026", solar{2026, time.April, 26}, Date{2026, 3, 10, false}},
	// 2031 has a leap third month; Hùng Kings day (Labor Code 2019, Art.
	// 112(1)(e)) is the regular 10/3, the leap 10/3 falls 29 days later.
	{"Hùng Kings 2031", solar{2031, time.April, 1}, Date{2031, 3, 10, false}},
	{"leap 10/3/2031", solar{2031, time.April, 30}, Date{2031, 3, 10, true}},

	// First days of leap months.
	{"leap 2/1985", solar{1985, time.March, 21}, Date{1985, 2, 1, true}},
	{"leap 4/2020", solar{2020, time.May, 23}, Date{2020, 4, 1, true}},
	{"month 5 after leap 4/2020", solar{2020, time.June, 21}, Date{2020, 5, 1, false}},
	{"leap 11/2033 (the 2033 problem)", solar{2033, time.December, 22}, Date{2033, 11, 1, true}},
	{"month 12 after leap 11/2033", solar{2034, time.January, 20}, Date{2033, 12, 1, false}},

	// The ends of the range.
	{"first supported day", solar{1900, time.January, 1}, Date{1899, 12, 1, false}},
	{"Tết 1900", solar{1900, time.January, 31}, Date{1900, 1, 1, false}},
	{"last day of solar 2199", solar{2199, time.December, 31}, Date{2199, 11, 14, false}},
	{"the last month of lunar 2199, in solar 2200", solar{2200, time.January, 16}, Date{2199, 12, 1, false}},
	{"last supported day, the eve of Tết 2200", solar{2200, time.February, 14}, Date{2199, 12, 30, false}},
}

func TestKnownDates(t *testing.T) {
	t.Parallel()
	for _, tt := range knownTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromSolar(tt.solar.year, tt.solar.month, tt.solar.day)
			require.NoError(t, err)
			assert.Equal(t, tt.lunar, got, "FromSolar(%v)", tt.solar)

			y, m, d, err := ToSolar(tt.lunar)
			require.NoError(t, err)
			assert.Equal(t, tt.solar, solar{y, m, d}, "ToSolar(%v)", tt.lunar)
		})
	}
}

var leapTests = []struct {
	year, leap int
}{
	{1985, 2}, // Vietnam only; China had no leap month that year
	{2012, 4},
	{2014, 9},
	{2017, 6},
	{2020, 4},
	{2021, 0},
	{2023, 2},
	{2024, 0},
	{2025, 6},
	{2026, 0},
	{2028, 5},
	{2033, 11},
}

func TestLeapMonth(t *testing.T) {
	t.Parallel()
	for _, tt := range leapTests {
		got, err := LeapMonth(tt.year)
		require.NoError(t, err)
		assert.Equal(t, tt.leap, got, "LeapMonth(%d)", tt.year)
	}
	for _, y := range []int{1898, 2200, math.MinInt, math.MaxInt} {
		_, err := LeapMonth(y)
		assert.ErrorIs(t, err, ErrOutOfRange, "LeapMonth(%d)", y)
	}
}

var monthDaysTests = []struct {
	name        string
	year, month int
	leap        bool
	want        int
	err         error
}{
	{"month 12 of 2024 has 29 days", 2024, 12, false, 29, nil},
	{"month 1 of 2025 has 30 days", 2025, 1, false, 30, nil},
	{"leap 6 of 2025 has 29 days", 2025, 6, true, 29, nil},
	{"month 6 of 2025 has 30 days", 2025, 6, false, 30, nil},
	{"no leap 5 in 2025", 2025, 5, true, 0, ErrInvalidDate},
	{"no leap month in 2024", 2024, 1, true, 0, ErrInvalidDate},
	{"month 0", 2025, 0, false, 0, ErrInvalidDate},
	{"month 13", 2025, 13, false, 0, ErrInvalidDate},
	{"year 1898", 1898, 1, false, 0, ErrOutOfRange},
	{"year 2200", 2200, 1, false, 0, ErrOutOfRange},
	{"huge year", math.MaxInt, 1, false, 0, ErrOutOfRange},
}

func TestMonthDays(t *testing.T) {
	t.Parallel()
	for _, tt := range monthDaysTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := MonthDays(tt.year, tt.month, tt.leap)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

var fromSolarErrorTests = []struct {
	name  string
	year  int
	month time.Month
	day   int
	err   error
}{
	{"day before the range", 1899, time.December, 31, ErrOutOfRange},
	{"day after the range, Tết 2200", 2200, time.February, 15, ErrOutOfRange},
	{"a later day of 2200", 2200, time.December, 31, ErrOutOfRange},
	{"the year after the range", 2201, time.January, 1, ErrOutOfRange},
	{"huge year", math.MaxInt, time.January, 1, ErrOutOfRange},
	{"negative year", math.MinInt, time.January, 1, ErrOutOfRange},
	{"February 30", 2025, time.February, 30, ErrInvalidDate},
	{"February 29 of a common year", 2025, time.February, 29, ErrInvalidDate},
	{"February 29 of 1900 (not a leap year)", 1900, time.February, 29, ErrInvalidDate},
	{"April 31", 2025, time.April, 31, ErrInvalidDate},
	{"day 0", 2025, time.March, 0, ErrInvalidDate},
	{"day 32", 2025, time.March, 32, ErrInvalidDate},
	{"negative day", 2025, time.March, math.MinInt, ErrInvalidDate},
	{"month 0", 2025, 0, 1, ErrInvalidDate},
	{"month 13", 2025, 13, 1, ErrInvalidDate},
	{"huge month", 2025, math.MaxInt, 1, ErrInvalidDate},
}

func TestFromSolarErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range fromSolarErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromSolar(tt.year, tt.month, tt.day)
			require.ErrorIs(t, err, tt.err)
			assert.Zero(t, got)
			assert.Regexp(t, "^lunar: ", err.Error())
		})
	}
	// 2000 is a leap year (divisible by 400), 2100 is not.
	_, err := FromSolar(2000, time.February, 29)
	assert.NoError(t, err)
	_, err = FromSolar(2100, time.February, 29)
	assert.ErrorIs(t, err, ErrInvalidDate)
}

var toSolarErrorTests = []struct {
	name string
	date Date
	err  error
}{
	{"zero Date", Date{}, ErrOutOfRange},
	{"month 0", Date{2025, 0, 1, false}, ErrInvalidDate},
	{"month 13", Date{2025, 13, 1, false}, ErrInvalidDate},
	{"day 0", Date{2025, 1, 0, false}, ErrInvalidDate},
	{"day 31", Date{2025, 1, 31, false}, ErrInvalidDate},
	{"day 30 of a 29-day month", Date{2024, 12, 30, false}, ErrInvalidDate},
	{"day 30 of the 29-day leap 6/2025", Date{2025, 6, 30, true}, ErrInvalidDate},
	{"leap on a year without a leap month", Date{2024, 4, 1, true}, ErrInvalidDate},
	{"leap on the wrong month", Date{2025, 5, 1, true}, ErrInvalidDate},
	{"huge month", Date{2025, math.MaxInt, 1, false}, ErrInvalidDate},
	{"negative day", Date{2025, 1, math.MinInt, false}, ErrInvalidDate},
	{"year 1898", Date{1898, 1, 1, false}, ErrOutOfRange},
	{"year 2200", Date{2200, 1, 1, false}, ErrOutOfRange},
	{"huge year", Date{math.MaxInt, 1, 1, false}, ErrOutOfRange},
	{"negative year", Date{math.MinInt, 1, 1, false}, ErrOutOfRange},
	// Lunar 1899 began in February 1899, before the range.
	{"Tết 1899 is before 1900", Date{1899, 1, 1, false}, ErrOutOfRange},
	{"last day before the range", Date{1899, 11, 29, false}, ErrOutOfRange},
}

func TestToSolarErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range toSolarErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			y, m, d, err := ToSolar(tt.date)
			require.ErrorIs(t, err, tt.err)
			assert.Equal(t, solar{}, solar{y, m, d})
			assert.Regexp(t, "^lunar: ", err.Error())
		})
	}
}

var stringTests = []struct {
	date Date
	want string
}{
	{Date{2009, 3, 10, false}, "10/3/2009"},
	{Date{2025, 1, 1, false}, "1/1/2025"},
	{Date{2020, 4, 15, true}, "15/4 nhuận/2020"},
	{Date{}, "0/0/0"},
	{Date{-1, -2, -3, false}, "-3/-2/-1"},
}

func TestString(t *testing.T) {
	t.Parallel()
	for _, tt := range stringTests {
		assert.Equal(t, tt.want, tt.date.String())
	}
}

// TestEveryDay converts every supported day both ways, and checks that
// consecutive days advance by one lunar day or start a new month.
func TestEveryDay(t *testing.T) {
	t.Parallel()
	var prev Date
	days := 0
	for n := minDay; n <= maxDay; n++ {
		tm := time.Unix(int64(n)*86400, 0).UTC()
		y, m, d := tm.Date()
		got, err := FromSolar(y, m, d)
		require.NoError(t, err, "%d-%02d-%02d", y, m, d)

		gy, gm, gd, err := ToSolar(got)
		require.NoError(t, err, "ToSolar(%v)", got)
		require.Equal(t, solar{y, m, d}, solar{gy, gm, gd}, "ToSolar(FromSolar(x)) for %v", got)

		l, err := MonthDays(got.Year, got.Month, got.Leap)
		require.NoError(t, err)
		require.LessOrEqual(t, got.Day, l)

		if n > minDay {
			switch {
			case got.Day == prev.Day+1:
				require.Equal(t, Date{prev.Year, prev.Month, prev.Day + 1, prev.Leap}, got)
			case got.Day == 1:
				pl, err := MonthDays(prev.Year, prev.Month, prev.Leap)
				require.NoError(t, err)
				require.Equal(t, pl, prev.Day, "month %v ended early", prev)
				require.Equal(t, nextMonth(t, prev), Date{got.Year, got.Month, 1, got.Leap})
			default:
				require.Failf(t, "not consecutive", "%v then %v", prev, got)
			}
		}
		prev = got
		days++
	}
	assert.Equal(t, 109573+31+14, days) // 300 Gregorian years and lunar 2199's days in 2200
}

// TestEveryLunarYear converts every day of every lunar year 1900..2199 to
// its solar date and back, the last months of 2199 (in solar 2200) too.
func TestEveryLunarYear(t *testing.T) {
	t.Parallel()
	prev := solar{1900, time.January, 30} // the eve of Tết 1900
	for y := 1900; y <= 2199; y++ {
		leap, err := LeapMonth(y)
		require.NoError(t, err)
		for m := 1; m <= 12; m++ {
			for _, isLeap := range []bool{false, true} {
				if isLeap && m != leap {
					continue
				}
				l, err := MonthDays(y, m, isLeap)
				require.NoError(t, err)
				for d := 1; d <= l; d++ {
					in := Date{y, m, d, isLeap}
					sy, sm, sd, err := ToSolar(in)
					require.NoError(t, err, "ToSolar(%v)", in)
					got := solar{sy, sm, sd}
					require.Equal(t, prev.next(), got, "ToSolar(%v) follows the day before", in)
					back, err := FromSolar(sy, sm, sd)
					require.NoError(t, err, "FromSolar(%v)", got)
					require.Equal(t, in, back, "FromSolar(ToSolar(%v))", in)
					prev = got
				}
			}
		}
	}
	assert.Equal(t, solar{2200, time.February, 14}, prev)
}

// nextMonth returns the first day of the month after d's.
func nextMonth(t *testing.T, d Date) Date {
	leap, err := LeapMonth(d.Year)
	require.NoError(t, err)
	switch {
	case !d.Leap && d.Month == leap:
		return Date{d.Year, d.Month, 1, true}
	case d.Month == 12:
		return Date{d.Year + 1, 1, 1, false}
	default:
		return Date{d.Year, d.Month + 1, 1, false}
	}
}

var benchSink Date

func BenchmarkFromSolar(b *testing.B) {
	b.ReportAllocs()
	days := [...]solar{
		{1900, time.January, 1}, {1985, time.January, 20}, {2025, time.July, 25},
		{2033, time.December, 22}, {2199, time.December, 31}, {2024, time.February, 9},
	}
	for i := 0; b.Loop(); i++ {
		s := days[i%len(days)]
		d, err := FromSolar(s.year, s.month, s.day)
		if err != nil {
			b.Fatal(err)
		}
		benchSink = d
	}
}

var benchSolarSink int

func BenchmarkToSolar(b *testing.B) {
	b.ReportAllocs()
	dates := [...]Date{
		{1899, 12, 1, false}, {1985, 2, 15, true}, {2025, 6, 1, true},
		{2033, 11, 29, true}, {2199, 11, 14, false}, {2024, 12, 29, false},
	}
	for i := 0; b.Loop(); i++ {
		y, m, d, err := ToSolar(dates[i%len(dates)])
		if err != nil {
			b.Fatal(err)
		}
		benchSolarSink = y + int(m) + d
	}
}
