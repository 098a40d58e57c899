package sla

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/sla/lunar"
)

// A HolidayKind says why a day is off.
type HolidayKind uint8

const (
	// Statutory is a public holiday of the Labor Code ("ngày nghỉ lễ, Tết"),
	// listed even when it falls on a weekly rest day.
	Statutory HolidayKind = iota + 1
	// Compensatory is "nghỉ bù": the working day off in place of a holiday
	// that fell on a weekly rest day.
	Compensatory
	// Swapped is "nghỉ hoán đổi": a working day given off in exchange for a
	// Saturday worked ("làm bù") by the Government's decision for the year.
	Swapped
	// Extra is a day off decided for one year only, outside the Labor Code.
	Extra
)

// String returns the Vietnamese name of k.
func (k HolidayKind) String() string {
	switch k {
	case Statutory:
		return "nghỉ lễ, Tết"
	case Compensatory:
		return "nghỉ bù"
	case Swapped:
		return "nghỉ hoán đổi"
	case Extra:
		return "nghỉ thêm"
	}
	return fmt.Sprintf("HolidayKind(%d)", k)
}

// A Holiday is a day off in a year's calendar.
type Holiday struct {
	Date Date
	Name string // in Vietnamese, e.g. "Tết Nguyên đán"
	Kind HolidayKind
	// Projected marks a day that rests on a decision the year's Schedule
	// does not hold, so the calendar projected it with the documented
	// defaults: Tết's five days and their compensatory days when
	// Schedule.TetBefore is unset, 2/9's second day when
	// Schedule.SecondNationalDay is.
	Projected bool
}

// A Rule is a public holiday that recurs every year on a fixed solar or
// lunar date, within its effective period. Config.Rules adds rules to those
// of the Labor Code, for example Vietnam Culture Day once it becomes a day
// off:
//
//	sla.Rule{Name: "Ngày Văn hóa Việt Nam", Month: time.November, Day: 24, From: sla.Date{2027, time.January, 1}}
//
// A rule's day that falls on a weekly rest day is compensated like any other
// holiday.
type Rule struct {
	Name  string // in Vietnamese
	Month time.Month
	Day   int
	// Lunar makes Month and Day a lunar date (in the regular, non-leap
	// month). A year whose month lacks that day (a 30th in a 29-day month)
	// has no such holiday.
	Lunar bool
	// From and Until bound the period in which the rule is in force, both
	// inclusive. A zero Date leaves that end open.
	From, Until Date
}

func (r Rule) inForce(d Date) bool {
	return (r.From.IsZero() || !d.Before(r.From)) && (r.Until.IsZero() || !d.After(r.Until))
}

// dates returns the rule's days in solar year y: none, one, or for a lunar
// date late in the lunar year two (lunar 11/25 can fall in early January,
// from the lunar year before, and again in late December).
func (r Rule) dates(y int) []Date {
	if !r.Lunar {
		if d := (Date{y, r.Month, r.Day}); d.Valid() && r.inForce(d) {
			return []Date{d}
		}
		return nil
	}
	var ds []Date
	for _, ly := range []int{y - 1, y} {
		sy, sm, sd, err := lunar.ToSolar(lunar.Date{Year: ly, Month: int(r.Month), Day: r.Day})
		if d := (Date{sy, sm, sd}); err == nil && sy == y && r.inForce(d) {
			ds = append(ds, d)
		}
	}
	return ds
}

func (r Rule) validate(field string) error {
	maxDay := 31
	if r.Lunar {
		maxDay = 30
	} else if r.Month >= time.January && r.Month <= time.December {
		maxDay = daysIn(2024, r.Month) // a leap year, so 29/2 is allowed
	}
	switch {
	case strings.TrimSpace(r.Name) == "":
		return &ConfigError{Field: field + ".Name", Reason: "a holiday needs a name"}
	case r.Month < time.January || r.Month > time.December:
		return &ConfigError{Field: field + ".Month", Reason: fmt.Sprintf("%d is not a month", r.Month)}
	case r.Day < 1 || r.Day > maxDay:
		return &ConfigError{Field: field + ".Day", Reason: fmt.Sprintf("%d is not a day of month %d", r.Day, r.Month)}
	case !r.From.IsZero() && !r.From.Valid():
		return &ConfigError{Field: field + ".From", Reason: "not a valid date"}
	case !r.Until.IsZero() && !r.Until.Valid():
		return &ConfigError{Field: field + ".Until", Reason: "not a valid date"}
	case !r.From.IsZero() && !r.Until.IsZero() && r.Until.Before(r.From):
		return &ConfigError{Field: field + ".Until", Reason: "the rule ends before it starts"}
	}
	return nil
}

// laborCode2019 is the day Labor Code 2019 (45/2019/QH14) took effect,
// giving 2/9 a second day (Art. 112(1)(đ)).
var laborCode2019 = Date{2021, time.January, 1}

const (
	nameTet         = "Tết Nguyên đán"
	nameNationalDay = "Quốc khánh"
)

// lawRules are the fixed-date holidays of Labor Code 2019, Art. 112(1), the
// same as Labor Code 2012, Art. 115(1). Tết's five days and 2/9's second day
// are placed by the year's Schedule.
var lawRules = []Rule{
	{Name: "Tết Dương lịch", Month: time.January, Day: 1},
	{Name: "Giỗ Tổ Hùng Vương", Month: time.March, Day: 10, Lunar: true},
	{Name: "Ngày Chiến thắng", Month: time.April, Day: 30},
	{Name: "Ngày Quốc tế lao động", Month: time.May, Day: 1},
	{Name: nameNationalDay, Month: time.September, Day: 2},
}

// statutory returns the statutory holidays of solar year y, in no order.
func (c *Calendar) statutory(y int) []Holiday {
	s := c.schedules[y] // a zero Schedule when none is published: all projected
	var hs []Holiday
	for _, rules := range [][]Rule{lawRules, c.rules} {
		for _, r := range rules {
			for _, d := range r.dates(y) {
				hs = append(hs, Holiday{Date: d, Name: r.Name, Kind: Statutory})
			}
		}
	}

	// Tết: five days around lunar 1/1, placed by the year's decision
	// (Art. 112(1)(b)); projected when the decision did not place them.
	if ty, tm, td, err := lunar.ToSolar(lunar.Date{Year: y, Month: 1, Day: 1}); err == nil {
		before := s.TetBefore
		if before == 0 {
			before = defaultTetBefore
		}
		first := Date{ty, tm, td}.AddDays(-before)
		for i := range 5 {
			hs = append(hs, Holiday{Date: first.AddDays(i), Name: nameTet, Kind: Statutory, Projected: s.TetBefore == 0})
		}
	}

	// 2/9 and the day before or after it, from 2021 (Art. 112(1)(đ)).
	if nd := (Date{y, time.September, 2}); !nd.Before(laborCode2019) {
		day := s.SecondNationalDay
		if day == 0 {
			day = c.projectSecondNationalDay(y)
		}
		hs = append(hs, Holiday{Date: Date{y, time.September, day}, Name: nameNationalDay, Kind: Statutory, Projected: s.SecondNationalDay == 0})
	}
	return hs
}

// defaultTetBefore projects Tết as 2 days before lunar 1/1 and 3 after, the
// most common official placement (2020, 2021, 2023, 2024, 2025).
const defaultTetBefore = 2

// projectSecondNationalDay picks 1/9 or 3/9 for a year with no published
// decision. It reproduces every official choice from 2021 to 2026:
//  1. if one neighbour of 2/9 is a weekly rest day, the other;
//  2. else the neighbour next to a weekly rest day, making a long weekend;
//  3. else 1/9.
func (c *Calendar) projectSecondNationalDay(y int) int {
	eve, next := Date{y, time.September, 1}, Date{y, time.September, 3}
	switch {
	case c.restDay(next.Weekday()) && !c.restDay(eve.Weekday()):
		return 1
	case c.restDay(eve.Weekday()) && !c.restDay(next.Weekday()):
		return 3
	case c.restDay(next.AddDays(1).Weekday()) && !c.restDay(eve.AddDays(-1).Weekday()):
		return 3
	}
	return 1
}

// restDay reports whether wd is a weekly rest day: a weekday without desk
// hours.
func (c *Calendar) restDay(wd time.Weekday) bool { return len(c.week[wd]) == 0 }

// daysOff returns every day off of solar year y, sorted by date, and the
// make-up Saturdays worked in y.
func (c *Calendar) daysOff(y int) (off []Holiday, makeUp []Date) {
	byDate := map[Date]int{} // index into off
	add := func(h Holiday) {
		if i, ok := byDate[h.Date]; ok {
			// Two holidays on one day are one day off; the Labor Code gives
			// no extra day for the coincidence.
			if !strings.Contains(off[i].Name, h.Name) {
				off[i].Name += ", " + h.Name
			}
			off[i].Projected = off[i].Projected && h.Projected
			return
		}
		byDate[h.Date] = len(off)
		off = append(off, h)
	}

	// Holidays at the end of y-1 can be compensated in y, and decisions of
	// neighbouring years can swap days in y, so look one year either side.
	var stat []Holiday
	for yy := y - 1; yy <= y+1; yy++ {
		stat = append(stat, c.statutory(yy)...)
		s := c.schedules[yy]
		for _, sw := range s.Swaps {
			add(Holiday{Date: sw.Off, Name: fmt.Sprintf("Nghỉ hoán đổi (làm bù thứ Bảy %s)", viDate(sw.Worked)), Kind: Swapped})
			if sw.Worked.Year == y {
				makeUp = append(makeUp, sw.Worked)
			}
		}
		for _, x := range s.Extra {
			add(Holiday{Date: x.Date, Name: x.Name, Kind: Extra})
		}
	}
	slices.SortFunc(stat, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	for _, h := range stat {
		add(h)
	}

	// Labor Code 2019, Art. 111(3): a holiday on a weekly rest day is
	// compensated on the next working day. Taking the holidays in date order
	// and skipping days already off gives each its own day when several fall
	// on one weekend (29/4–1/5/2023 gave 2/5 and 3/5).
	for i, h := range stat {
		if !c.restDay(h.Date.Weekday()) || i > 0 && stat[i-1].Date == h.Date {
			continue
		}
		d := h.Date.AddDays(1)
		for {
			if _, taken := byDate[d]; !taken && !c.restDay(d.Weekday()) {
				break
			}
			d = d.AddDays(1)
		}
		add(Holiday{Date: d, Name: "Nghỉ bù " + off[byDate[h.Date]].Name, Kind: Compensatory, Projected: h.Projected})
	}

	off = slices.DeleteFunc(off, func(h Holiday) bool { return h.Date.Year != y })
	slices.SortFunc(off, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	slices.SortFunc(makeUp, func(a, b Date) int { return cmp.Compare(a.days(), b.days()) })
	return off, makeUp
}

// viDate writes d the Vietnamese way, "26/04/2025".
func viDate(d Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year) }
