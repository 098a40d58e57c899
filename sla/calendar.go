package sla

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/civil"
)

// The calendar covers the solar years whose lunar dates package lunar
// converts.
const (
	minYear = 1900
	maxYear = 2199
	// maxWorkdays bounds the working days in the range.
	maxWorkdays = (maxYear - minYear + 1) * 366
)

// EarlyRule says what "early" (trước hạn) means to Classify. The law does not
// define it, so it is an option.
type EarlyRule uint8

const (
	// BeforeDueDay counts a dossier early when it finished before the start
	// of the working day that holds its due time.
	BeforeDueDay EarlyRule = iota
	// BeforeDueSession counts it early when it finished before the start of
	// the session (half day) that holds its due time, as OpenCPS does.
	BeforeDueSession
)

// Config describes a working calendar. The zero Config is the default
// calendar of the state sector.
type Config struct {
	// Week holds the desk hours of each weekday; a weekday without sessions
	// is a weekly rest day. Defaults to StandardWeek.
	Week Week
	// DayLength is the working time that makes one working day. Defaults to
	// the working time of a regular weekday of Week: the length that most
	// weekdays with desk hours share (the longest such length on a tie), 8
	// hours for [StandardWeek]. So in a week whose days are alike,
	// [WorkingDays](1) from a working instant ends at the same clock time on
	// the next working day. A DayLength given here is used as it is, even
	// when it differs from the week's days: set it only where a rule fixes
	// the hours of a working day whatever the desk's hours.
	DayLength time.Duration
	// Schedules are official yearly decisions. Each replaces the bundled
	// schedule for its year, if any; the rest are added. Defaults to none
	// beyond the bundled ones.
	Schedules []Schedule
	// OmitBundled drops the bundled schedules, so every year not in
	// Schedules is projected. Defaults to false.
	OmitBundled bool
	// Rules adds recurring holidays to those of the Labor Code, such as a
	// newly legislated day off. Defaults to none.
	Rules []Rule
	// Early chooses what counts as early. Defaults to BeforeDueDay.
	Early EarlyRule
}

// A Calendar is Vietnam's working calendar: desk hours, holidays and the
// decisions of each year. It answers working-day questions in constant time
// once a year has been built; years are built on first use and cached.
//
// A Calendar is immutable once made by New and safe for concurrent use by
// any number of goroutines, like *time.Location.
type Calendar struct {
	week      Week
	dayLength time.Duration
	schedules map[int]Schedule
	rules     []Rule
	early     EarlyRule
	years     [maxYear - minYear + 1]atomic.Pointer[yearData]
}

// New validates cfg and returns its Calendar. An invalid field gives a
// *ConfigError that names it.
func New(cfg Config) (*Calendar, error) {
	c := &Calendar{
		week:      cfg.Week.clone(),
		dayLength: cfg.DayLength,
		schedules: map[int]Schedule{},
		rules:     append([]Rule(nil), cfg.Rules...),
		early:     cfg.Early,
	}
	if c.week.empty() {
		c.week = StandardWeek()
	}
	if err := c.week.validate(); err != nil {
		return nil, err
	}
	if c.dayLength == 0 {
		c.dayLength = c.week.regularDay()
	}
	if c.dayLength < time.Minute || c.dayLength > 24*time.Hour {
		return nil, &ConfigError{Field: "DayLength", Reason: fmt.Sprintf("%v is not a working day's length", c.dayLength)}
	}
	if c.early != BeforeDueDay && c.early != BeforeDueSession {
		return nil, &ConfigError{Field: "Early", Reason: fmt.Sprintf("unknown rule %d", c.early)}
	}
	for i, r := range c.rules {
		if err := r.validate(fmt.Sprintf("Rules[%d]", i)); err != nil {
			return nil, err
		}
	}
	given := map[int]bool{}
	for i, s := range cfg.Schedules {
		field := fmt.Sprintf("Schedules[%d]", i)
		if err := s.validate(field, &c.week); err != nil {
			return nil, err
		}
		if given[s.Year] {
			return nil, &ConfigError{Field: field + ".Year", Reason: fmt.Sprintf("two schedules for %d", s.Year)}
		}
		given[s.Year] = true
	}
	if !cfg.OmitBundled {
		for _, s := range BundledSchedules() {
			c.schedules[s.Year] = s
		}
	}
	for _, s := range cfg.Schedules {
		s.Swaps = append([]Swap(nil), s.Swaps...)
		s.Extra = append([]DayOff(nil), s.Extra...)
		c.schedules[s.Year] = s
	}
	return c, nil
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := New(Config{})
	if err != nil {
		panic(err) // the zero Config is valid; a failure here is a bug
	}
	return c
})

// DayLength returns the working time that makes one working day, as
// Config.DayLength set it or the week gave it: the unit in which limits of
// working days are counted.
func (c *Calendar) DayLength() time.Duration { return c.dayLength }

// Default returns the default calendar: Monday to Friday, 07:30–11:30 and
// 13:00–17:00, 8 hours a working day, with the bundled schedules. It is
// shared and safe for concurrent use.
func Default() *Calendar { return defaultCalendar() }

// yearData is one solar year, precomputed: which days are worked and with
// whose hours, and prefix counts of working days and working time, so that
// questions about it take constant time.
type yearData struct {
	year   int
	first  int64              // day number of 1 January
	ndays  int                // 365 or 366
	month  [13]int16          // index of the 1st of each month; month[12] = ndays
	hours  [366]int8          // the weekday whose sessions a day uses, or -1 for a day off
	work   [6]uint64          // bit i set: day i is a working day
	rank   [7]int             // working days before word i of work; rank[6] is the year's total
	cum    [367]time.Duration // working time before day i
	off    []Holiday          // every day off, sorted
	makeUp []Date             // Saturdays worked, sorted
}

// year returns the data of solar year y, building and caching it on first
// use, or nil when y is out of range.
func (c *Calendar) year(y int) *yearData {
	if y < minYear || y > maxYear {
		return nil
	}
	if yd := c.years[y-minYear].Load(); yd != nil {
		return yd
	}
	return c.cache(y)
}

// cache builds year y and stores it. Two goroutines may build the same year
// at once; both results are equal, and the first stored wins.
func (c *Calendar) cache(y int) *yearData {
	p := &c.years[y-minYear]
	p.CompareAndSwap(nil, c.build(y))
	return p.Load()
}

func (c *Calendar) build(y int) *yearData {
	yd := &yearData{year: y, first: Date{y, time.January, 1}.days()}
	yd.ndays = int(Date{y + 1, time.January, 1}.days() - yd.first)
	for m := time.January; m <= time.December; m++ {
		yd.month[m] = yd.month[m-1] + int16(daysIn(y, m))
	}
	yd.off, yd.makeUp = c.daysOff(y)
	for i := range yd.ndays {
		yd.hours[i] = int8(dateOfDay(yd.first + int64(i)).Weekday())
		if c.restDay(time.Weekday(yd.hours[i])) {
			yd.hours[i] = -1
		}
	}
	for _, h := range yd.off {
		yd.hours[h.Date.days()-yd.first] = -1
	}
	for _, d := range yd.makeUp {
		// A make-up Saturday ("làm bù" in the Prime Minister's yearly holiday
		// notices) is a full working day: it is worked with Monday's hours.
		yd.hours[d.days()-yd.first] = int8(time.Monday)
	}
	for i := range yd.ndays {
		yd.cum[i+1] = yd.cum[i]
		if yd.hours[i] >= 0 {
			yd.work[i>>6] |= 1 << (i & 63)
			for _, s := range c.week[yd.hours[i]] {
				yd.cum[i+1] += s.length()
			}
		}
	}
	for w := range yd.work {
		yd.rank[w+1] = yd.rank[w] + bits.OnesCount64(yd.work[w])
	}
	return yd
}

// rankOf returns the number of working days before day i of the year
// (0 ≤ i ≤ ndays).
func (yd *yearData) rankOf(i int) int {
	return yd.rank[i>>6] + bits.OnesCount64(yd.work[i>>6]&(1<<(i&63)-1))
}

// selectDay returns the index of the working day of rank r (0-based) in the
// year; r must be below the year's total.
func (yd *yearData) selectDay(r int) int {
	w := 0
	for yd.rank[w+1] <= r {
		w++
	}
	x := yd.work[w]
	for range r - yd.rank[w] {
		x &= x - 1 // drop the lowest working day
	}
	return w<<6 + bits.TrailingZeros64(x)
}

// locate returns the year holding d and d's index in it, or nil when d is
// not a valid date within 1900–2199.
func (c *Calendar) locate(d Date) (*yearData, int) {
	if d.Year < minYear || d.Year > maxYear || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return nil, 0
	}
	yd := c.year(d.Year)
	i := int(yd.month[d.Month-1]) + d.Day - 1
	if i >= int(yd.month[d.Month]) {
		return nil, 0
	}
	return yd, i
}

// dayIndex returns the year holding day number dn and dn's index in it, or
// nil when dn is outside 1900–2199.
func (c *Calendar) dayIndex(dn int64) (*yearData, int) {
	if dn < firstDay || dn >= endDay {
		return nil, 0
	}
	// 146097 days make 400 years; the guess is off by at most one year.
	y := 1970 + int(civil.FloorDiv(dn*400, 146097))
	yd := c.year(min(max(y, minYear), maxYear))
	switch {
	case dn < yd.first:
		yd = c.year(y - 1)
	case dn >= yd.first+int64(yd.ndays):
		yd = c.year(y + 1)
	}
	return yd, int(dn - yd.first)
}

// The calendar's range as day numbers: [firstDay, endDay).
var (
	firstDay = Date{minYear, time.January, 1}.days()
	endDay   = Date{maxYear + 1, time.January, 1}.days()
)

// IsWorkday reports whether d is a working day: a weekday with desk hours
// that is not a day off, or a make-up Saturday. Days outside 1900–2199 are
// not working days.
func (c *Calendar) IsWorkday(d Date) bool {
	yd, i := c.locate(d)
	return yd != nil && yd.work[i>>6]&(1<<(i&63)) != 0
}

// Holidays returns every day off of the year, sorted by date: statutory
// holidays (also those on a weekly rest day), compensatory days, swapped
// days and extra days. It returns nil for a year outside 1900–2199.
func (c *Calendar) Holidays(year int) []Holiday {
	yd := c.year(year)
	if yd == nil {
		return nil
	}
	return append([]Holiday(nil), yd.off...)
}

// MakeUpDays returns the Saturdays worked in the year in exchange for a
// swapped day off ("ngày làm bù"), sorted.
func (c *Calendar) MakeUpDays(year int) []Date {
	yd := c.year(year)
	if yd == nil {
		return nil
	}
	return append([]Date(nil), yd.makeUp...)
}

// WorkdaysBetween returns the number of working days in [from, to), or minus
// the number in [to, from) when to is before from. Days outside 1900–2199
// count as days off.
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	fy, fi := c.clamp(from)
	ty, ti := c.clamp(to)
	if ty < fy || ty == fy && ti < fi {
		return -c.between(ty, ti, fy, fi)
	}
	return c.between(fy, fi, ty, ti)
}

// between counts the working days from day fi of year fy up to, not
// including, day ti of year ty, which is not earlier.
func (c *Calendar) between(fy, fi, ty, ti int) int {
	fyd, tyd := c.year(fy), c.year(ty)
	if fy == ty {
		return tyd.rankOf(ti) - fyd.rankOf(fi)
	}
	n := fyd.rank[6] - fyd.rankOf(fi) + tyd.rankOf(ti)
	for y := fy + 1; y < ty; y++ {
		n += c.year(y).rank[6]
	}
	return n
}

// clamp returns the year and day index of d, normalizing an invalid date as
// time.Date does and moving one outside 1900–2199 to the nearest end of the
// range (the end of 2199 is index ndays of 2199).
func (c *Calendar) clamp(d Date) (year, i int) {
	if yd, i := c.locate(d); yd != nil {
		return d.Year, i
	}
	switch {
	case d.Year < minYear-1:
		return minYear, 0
	case d.Year > maxYear+1:
		return maxYear, c.year(maxYear).ndays
	}
	return c.clampDay(d.days())
}

// clampDay is clamp for a day number.
func (c *Calendar) clampDay(dn int64) (year, i int) {
	switch {
	case dn < firstDay:
		return minYear, 0
	case dn >= endDay:
		return maxYear, c.year(maxYear).ndays
	}
	yd, i := c.dayIndex(dn)
	return yd.year, i
}

// AddWorkdays returns the n-th working day after d, or before d when n is
// negative; d itself when n is 0. It returns the zero Date when d or the
// result is outside 1900–2199.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	yd, i := c.locate(d)
	if yd == nil {
		return Date{}
	}
	y := d.Year
	switch {
	case n == 0:
		return d
	case n > maxWorkdays || n < -maxWorkdays:
		return Date{} // beyond the range, and past what int arithmetic below can hold
	}
	var r int // rank, within year y, of the working day wanted
	if n > 0 {
		r = yd.rankOf(i+1) + n - 1
		for r >= yd.rank[6] {
			r -= yd.rank[6]
			if y++; y > maxYear {
				return Date{}
			}
			yd = c.year(y)
		}
	} else {
		r = yd.rankOf(i) + n
		for r < 0 {
			if y--; y < minYear {
				return Date{}
			}
			yd = c.year(y)
			r += yd.rank[6]
		}
	}
	return dateOfDay(yd.first + int64(yd.selectDay(r)))
}
