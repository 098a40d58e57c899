package sla

import (
	"fmt"
	"strings"
	"time"
)

// A Schedule holds the Government's decisions for one year's days off, which
// the Labor Code leaves to it: where Tết's five days fall, which day joins
// 2/9, swapped working days and any extra day off. The rules do the rest
// (fixed-date holidays, compensation), so a Schedule holds only the
// decisions. A decision left zero, or a year without a Schedule, is
// projected with the defaults, and the days it places are marked
// Holiday.Projected: a Schedule that decides only a swap leaves Tết and 2/9
// projected.
type Schedule struct {
	Year int
	// TetBefore is how many of Tết's five statutory days come before lunar
	// 1/1: 2 (2 before, 3 after) or 1 (1 before, 4 after) in recent years.
	// Defaults to 2.
	TetBefore int
	// SecondNationalDay is the day of September that joins 2/9 from 2021,
	// 1 or 3 (Labor Code 2019, Art. 112(1)(đ)). Defaults to the projection
	// described in the package doc.
	SecondNationalDay int
	// Swaps lists working days given off in exchange for Saturdays worked.
	Swaps []Swap
	// Extra lists days off decided for this year only.
	Extra []DayOff
	// Source names the decision or notice, for the record.
	Source string
}

// A Swap ("hoán đổi ngày làm việc") gives the working day Off off and makes
// the Saturday Worked a working day ("làm bù") with Monday's hours.
type Swap struct {
	Off, Worked Date
}

// A DayOff is an extra day off decided for one year.
type DayOff struct {
	Date Date
	Name string // in Vietnamese
}

// BundledSchedules returns the official civil-servant schedules that motcua
// ships, 2020–2026. Config.Schedules adds to them or replaces them by year.
func BundledSchedules() []Schedule {
	out := make([]Schedule, len(bundled))
	for i, s := range bundled {
		s.Swaps = append([]Swap(nil), s.Swaps...)
		s.Extra = append([]DayOff(nil), s.Extra...)
		out[i] = s
	}
	return out
}

// bundled holds the official schedules of the state sector, 2020–2026: the
// Prime Minister's yearly decisions on the holidays of civil servants, as
// announced by the Ministry of Labour, later the Ministry of Home Affairs.
var bundled = []Schedule{
	{Year: 2020, TetBefore: 2, Source: "Lịch nghỉ lễ, Tết năm 2020 của cán bộ, công chức, viên chức"},
	{Year: 2021, TetBefore: 2, SecondNationalDay: 3, Source: "Lịch nghỉ lễ, Tết năm 2021 của cán bộ, công chức, viên chức"},
	{Year: 2022, TetBefore: 1, SecondNationalDay: 1, Source: "Lịch nghỉ lễ, Tết năm 2022 của cán bộ, công chức, viên chức"},
	{Year: 2023, TetBefore: 2, SecondNationalDay: 1, Source: "Lịch nghỉ lễ, Tết năm 2023 của cán bộ, công chức, viên chức"},
	{Year: 2024, TetBefore: 2, SecondNationalDay: 3,
		Swaps:  []Swap{{Off: Date{2024, time.April, 29}, Worked: Date{2024, time.May, 4}}},
		Source: "Lịch nghỉ lễ, Tết năm 2024 của cán bộ, công chức, viên chức"},
	{Year: 2025, TetBefore: 2, SecondNationalDay: 1,
		Swaps:  []Swap{{Off: Date{2025, time.May, 2}, Worked: Date{2025, time.April, 26}}},
		Source: "Lịch nghỉ lễ, Tết năm 2025 của cán bộ, công chức, viên chức"},
	{Year: 2026, TetBefore: 1, SecondNationalDay: 1,
		Swaps: []Swap{
			{Off: Date{2026, time.January, 2}, Worked: Date{2026, time.January, 10}},
			{Off: Date{2026, time.August, 31}, Worked: Date{2026, time.August, 22}},
		},
		Source: "Lịch nghỉ lễ, Tết năm 2026 của cán bộ, công chức, viên chức"},
}

func (s *Schedule) validate(field string, week *Week) error {
	bad := func(f, reason string, args ...any) error {
		return &ConfigError{Field: field + f, Reason: fmt.Sprintf(reason, args...)}
	}
	if s.Year < minYear || s.Year > maxYear {
		return bad(".Year", "%d is outside 1900–2199", s.Year)
	}
	if s.TetBefore < 0 || s.TetBefore > 4 {
		return bad(".TetBefore", "%d: Tết's five days must include lunar 1/1, so 0 (default) to 4 days before it", s.TetBefore)
	}
	switch {
	case s.SecondNationalDay != 0 && s.SecondNationalDay != 1 && s.SecondNationalDay != 3:
		return bad(".SecondNationalDay", "%d: the day next to 2/9 is 1 or 3", s.SecondNationalDay)
	case s.SecondNationalDay != 0 && s.Year < laborCode2019.Year:
		return bad(".SecondNationalDay", "2/9 has had a second day only since 2021")
	}
	near := func(d Date) bool { return d.Valid() && d.Year >= s.Year-1 && d.Year <= s.Year+1 }
	for i, sw := range s.Swaps {
		f := fmt.Sprintf(".Swaps[%d]", i)
		switch {
		case !near(sw.Off):
			return bad(f+".Off", "%s is not a valid date near %d", sw.Off, s.Year)
		case !near(sw.Worked):
			return bad(f+".Worked", "%s is not a valid date near %d", sw.Worked, s.Year)
		case sw.Worked.Weekday() != time.Saturday:
			return bad(f+".Worked", "%s is a %s, not a Saturday", sw.Worked, sw.Worked.Weekday())
		case len(week[sw.Off.Weekday()]) == 0:
			return bad(f+".Off", "%s is a %s, already a weekly rest day", sw.Off, sw.Off.Weekday())
		}
	}
	for i, x := range s.Extra {
		f := fmt.Sprintf(".Extra[%d]", i)
		switch {
		case !near(x.Date):
			return bad(f+".Date", "%s is not a valid date near %d", x.Date, s.Year)
		case strings.TrimSpace(x.Name) == "":
			return bad(f+".Name", "a day off needs a name")
		}
	}
	return nil
}
