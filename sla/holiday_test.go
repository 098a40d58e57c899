package sla_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
)

// officialTests are the official civil-servant schedules 2020–2026 of the
// Prime Minister's yearly holiday notices (bundled in schedule.go): every
// Monday–Friday day off, and the Saturdays worked.
var officialTests = []struct {
	year   int
	off    []string // "d/m", weekdays only
	makeUp []string
}{
	{2020, []string{"1/1", "23/1", "24/1", "27/1", "28/1", "29/1", "2/4", "30/4", "1/5", "2/9"}, nil},
	{2021, []string{"1/1", "10/2", "11/2", "12/2", "15/2", "16/2", "21/4", "30/4", "3/5", "2/9", "3/9"}, nil},
	{2022, []string{"3/1", "31/1", "1/2", "2/2", "3/2", "4/2", "11/4", "2/5", "3/5", "1/9", "2/9"}, nil},
	{2023, []string{"2/1", "20/1", "23/1", "24/1", "25/1", "26/1", "1/5", "2/5", "3/5", "1/9", "4/9"}, nil},
	{2024, []string{"1/1", "8/2", "9/2", "12/2", "13/2", "14/2", "18/4", "29/4", "30/4", "1/5", "2/9", "3/9"}, []string{"4/5"}},
	{2025, []string{"1/1", "27/1", "28/1", "29/1", "30/1", "31/1", "7/4", "30/4", "1/5", "2/5", "1/9", "2/9"}, []string{"26/4"}},
	{2026, []string{"1/1", "2/1", "16/2", "17/2", "18/2", "19/2", "20/2", "27/4", "30/4", "1/5", "31/8", "1/9", "2/9"}, []string{"10/1", "22/8"}},
}

func dm(t *testing.T, year int, s string) sla.Date {
	t.Helper()
	var d, m int
	_, err := fmt.Sscanf(s, "%d/%d", &d, &m)
	require.NoError(t, err)
	return sla.Date{Year: year, Month: time.Month(m), Day: d}
}

// weekdaysOff lists the Monday–Friday days that cal does not work in year.
func weekdaysOff(cal *sla.Calendar, year int) []sla.Date {
	var off []sla.Date
	for d := (sla.Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !cal.IsWorkday(d) {
			off = append(off, d)
		}
	}
	return off
}

func TestOfficialSchedules(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	for _, tt := range officialTests {
		var want []sla.Date
		for _, s := range tt.off {
			want = append(want, dm(t, tt.year, s))
		}
		assert.Equal(t, want, weekdaysOff(cal, tt.year), "weekdays off in %d", tt.year)

		var makeUp []sla.Date
		for _, s := range tt.makeUp {
			d := dm(t, tt.year, s)
			makeUp = append(makeUp, d)
			assert.True(t, cal.IsWorkday(d), "make-up Saturday %s is worked", d)
		}
		assert.Equal(t, makeUp, cal.MakeUpDays(tt.year))

		for _, h := range cal.Holidays(tt.year) {
			assert.False(t, h.Projected, "%d has an official schedule, yet %s is projected", tt.year, h.Date)
		}
	}
}

// Worked example 7: the number of weekday days off, 2020–2026.
func TestWeekdayDaysOffPerYear(t *testing.T) {
	t.Parallel()
	want := map[int]int{2020: 10, 2021: 11, 2022: 11, 2023: 11, 2024: 12, 2025: 12, 2026: 13}
	for year, n := range want {
		assert.Len(t, weekdaysOff(sla.Default(), year), n, "weekday days off in %d", year)
	}
}

// The projection rules alone (compensation, and the documented choice of
// 2/9's second day) reproduce the official years once given the decisions
// that no rule can guess: Tết's placement and the swaps.
func TestProjectionReproducesOfficialYears(t *testing.T) {
	t.Parallel()
	var decisions []sla.Schedule
	for _, s := range sla.BundledSchedules() {
		decisions = append(decisions, sla.Schedule{Year: s.Year, TetBefore: s.TetBefore, Swaps: s.Swaps})
	}
	cal, err := sla.New(sla.Config{Schedules: decisions, OmitBundled: true})
	require.NoError(t, err)
	for _, tt := range officialTests {
		assert.Equal(t, weekdaysOff(sla.Default(), tt.year), weekdaysOff(cal, tt.year), "%d", tt.year)
	}
}

func TestHolidays2023(t *testing.T) {
	t.Parallel()
	// 2023: Hùng Kings day (29/4, Saturday), 30/4 (Sunday) and 1/5 (Monday)
	// in a row; each weekend holiday takes the next free working day.
	var got []string
	for _, h := range sla.Default().Holidays(2023) {
		if h.Date.Month == time.April || h.Date.Month == time.May {
			got = append(got, h.Date.String()+" "+h.Kind.String()+" "+h.Name)
		}
	}
	assert.Equal(t, []string{
		"2023-04-29 nghỉ lễ, Tết Giỗ Tổ Hùng Vương",
		"2023-04-30 nghỉ lễ, Tết Ngày Chiến thắng",
		"2023-05-01 nghỉ lễ, Tết Ngày Quốc tế lao động",
		"2023-05-02 nghỉ bù Nghỉ bù Giỗ Tổ Hùng Vương",
		"2023-05-03 nghỉ bù Nghỉ bù Ngày Chiến thắng",
	}, got)
}

func TestProjectedYear(t *testing.T) {
	t.Parallel()
	// 2027 has no published schedule. Lunar 1/1 is Saturday 6/2/2027, so Tết
	// is projected 4–8/2 with 9/2 and 10/2 compensating the weekend.
	var tet []string
	for _, h := range sla.Default().Holidays(2027) {
		switch {
		case h.Name == "Tết Nguyên đán" || h.Name == "Nghỉ bù Tết Nguyên đán":
			assert.True(t, h.Projected, "%s is projected", h.Date)
			tet = append(tet, h.Date.String())
		case h.Name == "Tết Dương lịch" || h.Name == "Ngày Chiến thắng":
			assert.False(t, h.Projected, "%s is fixed by law", h.Date)
		}
	}
	assert.Equal(t, []string{"2027-02-04", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10"}, tet)
}

// A schedule that decides only some things leaves the rest projected: each
// day is projected unless the field that places it was decided.
func TestProjectedPartialSchedule(t *testing.T) {
	t.Parallel()
	swap := []sla.Swap{{Off: sla.Date{Year: 2027, Month: 4, Day: 29}, Worked: sla.Date{Year: 2027, Month: 5, Day: 8}}}
	tests := []struct {
		name                      string
		schedule                  sla.Schedule
		tetProjected, ndProjected bool
	}{
		{"only a swap", sla.Schedule{Year: 2027, Swaps: swap}, true, true},
		{"only Tết", sla.Schedule{Year: 2027, TetBefore: 2}, false, true},
		{"only 2/9", sla.Schedule{Year: 2027, SecondNationalDay: 3}, true, false},
		{"both", sla.Schedule{Year: 2027, TetBefore: 2, SecondNationalDay: 3, Swaps: swap}, false, false},
	}
	for _, tt := range tests {
		cal, err := sla.New(sla.Config{Schedules: []sla.Schedule{tt.schedule}})
		require.NoError(t, err, tt.name)
		// 2027: Tết 4–8/2 with 9/2 and 10/2 for the weekend; 2/9 (Thursday)
		// and 3/9.
		var tet, second int
		for _, h := range cal.Holidays(2027) {
			switch {
			case strings.Contains(h.Name, "Tết Nguyên đán"):
				tet++
				assert.Equal(t, tt.tetProjected, h.Projected, "%s: %s %s", tt.name, h.Date, h.Name)
			case h.Date == sla.Date{Year: 2027, Month: 9, Day: 3}:
				second++
				assert.Equal(t, tt.ndProjected, h.Projected, "%s: %s %s", tt.name, h.Date, h.Name)
			default:
				assert.False(t, h.Projected, "%s: %s %s is decided by law or by the schedule", tt.name, h.Date, h.Name)
			}
		}
		assert.Equal(t, 7, tet, tt.name)
		assert.Equal(t, 1, second, tt.name)
	}
}

func TestNationalDayBefore2021(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	// Labor Code 2012: one day. 2019-09-02 was a Monday.
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2019, Month: time.September, Day: 2}))
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2019, Month: time.September, Day: 3}))
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2019, Month: time.September, Day: 4}))
}

func TestCultureDayRule(t *testing.T) {
	t.Parallel()
	cal, err := sla.New(sla.Config{Rules: []sla.Rule{
		{Name: "Ngày Văn hóa Việt Nam", Month: time.November, Day: 24, From: sla.Date{Year: 2027, Month: time.January, Day: 1}},
	}})
	require.NoError(t, err)
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2026, Month: time.November, Day: 24}), "not yet in force in 2026")
	// 24/11/2029 is a Saturday: compensated on Monday 26/11.
	assert.True(t, sla.Default().IsWorkday(sla.Date{Year: 2029, Month: time.November, Day: 26}))
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2029, Month: time.November, Day: 26}))
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2027, Month: time.November, Day: 24}))
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   sla.Config
		field string
	}{
		{"swap onto a Sunday", sla.Config{Schedules: []sla.Schedule{{Year: 2027, Swaps: []sla.Swap{{Off: sla.Date{Year: 2027, Month: 4, Day: 30}, Worked: sla.Date{Year: 2027, Month: 4, Day: 25}}}}}}, "Schedules[0].Swaps[0].Worked"},
		{"swap off a Sunday", sla.Config{Schedules: []sla.Schedule{{Year: 2027, Swaps: []sla.Swap{{Off: sla.Date{Year: 2027, Month: 4, Day: 25}, Worked: sla.Date{Year: 2027, Month: 4, Day: 24}}}}}}, "Schedules[0].Swaps[0].Off"},
		{"two schedules for one year", sla.Config{Schedules: []sla.Schedule{{Year: 2027}, {Year: 2027}}}, "Schedules[1].Year"},
		{"year out of range", sla.Config{Schedules: []sla.Schedule{{Year: 2300}}}, "Schedules[0].Year"},
		{"Tết placement", sla.Config{Schedules: []sla.Schedule{{Year: 2027, TetBefore: 6}}}, "Schedules[0].TetBefore"},
		{"second day of 2/9", sla.Config{Schedules: []sla.Schedule{{Year: 2027, SecondNationalDay: 4}}}, "Schedules[0].SecondNationalDay"},
		{"second day before 2021", sla.Config{Schedules: []sla.Schedule{{Year: 2019, SecondNationalDay: 3}}}, "Schedules[0].SecondNationalDay"},
		{"extra day without a name", sla.Config{Schedules: []sla.Schedule{{Year: 2027, Extra: []sla.DayOff{{Date: sla.Date{Year: 2027, Month: 5, Day: 19}}}}}}, "Schedules[0].Extra[0].Name"},
		{"rule without a name", sla.Config{Rules: []sla.Rule{{Month: 11, Day: 24}}}, "Rules[0].Name"},
		{"rule on 31/4", sla.Config{Rules: []sla.Rule{{Name: "x", Month: 4, Day: 31}}}, "Rules[0].Day"},
		{"rule ending before it starts", sla.Config{Rules: []sla.Rule{{Name: "x", Month: 4, Day: 1, From: sla.Date{Year: 2030, Month: 1, Day: 1}, Until: sla.Date{Year: 2029, Month: 1, Day: 1}}}}, "Rules[0].Until"},
		{"session ending before it starts", sla.Config{Week: sla.Week{time.Monday: {{Start: sla.Clock(11, 0), End: sla.Clock(7, 0)}}}}, "Week[Monday][0]"},
		{"overlapping sessions", sla.Config{Week: sla.Week{time.Monday: {{Start: sla.Clock(7, 0), End: sla.Clock(12, 0)}, {Start: sla.Clock(11, 0), End: sla.Clock(17, 0)}}}}, "Week[Monday][1]"},
		{"no Monday for make-up Saturdays", sla.Config{Week: sla.Week{time.Tuesday: {{Start: sla.Clock(7, 0), End: sla.Clock(11, 0)}}}}, "Week[Monday]"},
		{"day length", sla.Config{DayLength: -time.Hour}, "DayLength"},
		{"early rule", sla.Config{Early: 9}, "Early"},
	}
	for _, tt := range tests {
		_, err := sla.New(tt.cfg)
		var ce *sla.ConfigError
		if assert.True(t, errors.As(err, &ce), "%s: %v", tt.name, err) {
			assert.Equal(t, tt.field, ce.Field, tt.name)
			assert.Contains(t, err.Error(), tt.field)
		}
	}
}

func TestConfigScheduleReplacesBundled(t *testing.T) {
	t.Parallel()
	// A province corrects 2025 to 1 day before Tết and 4 after.
	cal, err := sla.New(sla.Config{Schedules: []sla.Schedule{{Year: 2025, TetBefore: 1, SecondNationalDay: 1}}})
	require.NoError(t, err)
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2025, Month: 1, Day: 27}))
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2025, Month: 2, Day: 3}), "Tết's fifth day")
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2025, Month: 5, Day: 2}), "the replaced schedule has no swap")
	// The caller's slices are not shared.
	s := []sla.Swap{{Off: sla.Date{Year: 2027, Month: 4, Day: 29}, Worked: sla.Date{Year: 2027, Month: 5, Day: 8}}}
	cal, err = sla.New(sla.Config{Schedules: []sla.Schedule{{Year: 2027, Swaps: s}}})
	require.NoError(t, err)
	s[0].Off = sla.Date{Year: 2027, Month: 4, Day: 28}
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2027, Month: 4, Day: 29}))
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2027, Month: 4, Day: 28}))
}

// A lunar rule late in the lunar year falls in January of the next solar
// year, and lunar 11/25 can fall twice in one solar year.
func TestLunarRuleAcrossYearEnd(t *testing.T) {
	t.Parallel()
	cal, err := sla.New(sla.Config{Rules: []sla.Rule{
		{Name: "Ông Công Ông Táo", Month: 12, Day: 23, Lunar: true},
		{Name: "Ngày thử", Month: 11, Day: 25, Lunar: true},
	}})
	require.NoError(t, err)
	count := func(year int, name string) (n int) {
		for _, h := range cal.Holidays(year) {
			if strings.Contains(h.Name, name) && h.Kind == sla.Statutory {
				n++
			}
		}
		return n
	}
	for y := 2020; y <= 2030; y++ {
		assert.Equal(t, 1, count(y, "Ông Công"), "lunar 12/23 falls once in %d", y)
	}
	// 23 tháng Chạp of lunar 2024 was 2025-01-22 (a Wednesday).
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2025, Month: 1, Day: 22}))
	total := 0
	for y := 2020; y <= 2030; y++ {
		total += count(y, "Ngày thử")
	}
	assert.Equal(t, 11, total, "lunar 11/25 of lunar years 2019–2029: one a lunar year")
}
