// Package bench compares motcua's sla calendar with github.com/rickar/cal/v2
// on the same working-day questions. It is a module of its own so that the
// library never depends on rickar/cal; see README.md.
package bench

import (
	"time"

	"github.com/rickar/cal/v2"

	"github.com/motcua/motcua/sla"
)

// date builds an sla.Date with keyed fields (go vet's composites check).
func date(y int, m time.Month, d int) sla.Date {
	return sla.Date{Year: y, Month: m, Day: d}
}

// holidays2025 are the days off of motcua's 2025 calendar, as fixed dates:
// the 11 statutory days (1/1, Tết 27–31/1, Giỗ Tổ 7/4, 30/4, 1/5, 1/9, 2/9)
// and the swapped day 2/5, which the state sector took off in exchange for
// working Saturday 26/4. rickar/cal cannot make a Saturday a working day
// without a WorkdayFunc, so 26/4 stays a day off there (see README.md).
var holidays2025 = []struct {
	name  string
	month time.Month
	day   int
}{
	{"Tết Dương lịch", time.January, 1},
	{"Tết Nguyên đán", time.January, 27},
	{"Tết Nguyên đán", time.January, 28},
	{"Tết Nguyên đán", time.January, 29},
	{"Tết Nguyên đán", time.January, 30},
	{"Tết Nguyên đán", time.January, 31},
	{"Giỗ Tổ Hùng Vương", time.April, 7},
	{"Ngày Chiến thắng", time.April, 30},
	{"Ngày Quốc tế lao động", time.May, 1},
	{"Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)", time.May, 2},
	{"Quốc khánh", time.September, 1},
	{"Quốc khánh", time.September, 2},
}

// newRickar returns a rickar/cal business calendar shaped like motcua's
// default one: Monday to Friday, 07:30–17:00, the days off of 2025 as
// fixed dates recurring every year, and the holiday cache on.
func newRickar() *cal.BusinessCalendar {
	c := cal.NewBusinessCalendar() // Monday to Friday
	c.SetWorkHours(7*time.Hour+30*time.Minute, 17*time.Hour)
	c.Name = "VN"
	c.Description = "Vietnam-like calendar for the motcua benchmark"
	c.Cacheable = true
	for _, h := range holidays2025 {
		c.AddHoliday(&cal.Holiday{
			Name:  h.name,
			Type:  cal.ObservancePublic,
			Month: h.month,
			Day:   h.day,
			Func:  cal.CalcDayOfMonth,
		})
	}
	return c
}

// rickarDayLength is a working day of the rickar calendar, 07:30–17:00:
// it has one stretch of work hours a day, so no lunch break.
const rickarDayLength = 9*time.Hour + 30*time.Minute
