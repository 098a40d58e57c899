package sla_test

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/sla"
)

// A dossier received on the Friday before Tết 2025 with a limit of three
// working days is due after the nine days off, on the Wednesday.
func ExampleCalendar_Due() {
	cal := sla.Default()
	received := time.Date(2025, time.January, 24, 10, 0, 0, 0, sla.ICT)
	limit, err := sla.ParseDuration("03 ngày làm việc")
	if err != nil {
		fmt.Println(err)
		return
	}
	due, err := cal.Due(received, limit)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(due.Format("Mon 2006-01-02 15:04"))

	// An unset limit is an error, not a zero due time.
	_, err = cal.Due(received, sla.Duration{})
	fmt.Println(err)
	// Output:
	// Wed 2025-02-05 10:00
	// sla: invalid duration: unset
}

// While the applicant supplements the dossier, the clock stops: the due time
// moves back by the working time paused. A pause that starts after the due
// time changes nothing.
func ExampleCalendar_Due_pause() {
	cal := sla.Default()
	received := time.Date(2025, time.March, 3, 9, 0, 0, 0, sla.ICT)
	pause := sla.Interval{
		Start: time.Date(2025, time.March, 4, 9, 0, 0, 0, sla.ICT),
		End:   time.Date(2025, time.March, 6, 9, 0, 0, 0, sla.ICT),
	}
	fmt.Println(cal.WorkingTime(pause.Start, pause.End))
	due, err := cal.Due(received, sla.WorkingDays(5), pause)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(due.Format("Mon 2006-01-02 15:04"))

	late := sla.Interval{
		Start: time.Date(2025, time.March, 17, 9, 0, 0, 0, sla.ICT),
		End:   time.Date(2025, time.March, 19, 9, 0, 0, 0, sla.ICT),
	}
	due, err = cal.Due(received, sla.WorkingDays(5), pause, late)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(due.Format("Mon 2006-01-02 15:04"))
	// Output:
	// 16h0m0s
	// Wed 2025-03-12 09:00
	// Wed 2025-03-12 09:00
}

// Certification of copies is done the same day, or the next working day when
// received after 15:00. After Friday's cut-off in late April 2025 that is the
// Saturday worked in exchange for Friday 2 May.
func ExampleSameDay() {
	cal := sla.Default()
	limit := sla.SameDay(15 * time.Hour)
	fmt.Println(limit)
	received := time.Date(2025, time.April, 25, 16, 0, 0, 0, sla.ICT)
	due, err := cal.Due(received, limit)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(due.Format("Mon 2006-01-02 15:04"))
	// Output:
	// trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo
	// Sat 2025-04-26 17:00
}

func ExampleParseDuration() {
	for _, s := range []string{"15 ngày làm việc", "04 giờ làm việc", "30 ngay", "03 tháng", "Trong ngày"} {
		d, err := sla.ParseDuration(s)
		fmt.Printf("%-18q → %v (%v)\n", s, d, err)
	}
	_, err := sla.ParseDuration("-3 ngày làm việc")
	fmt.Println(err)
	// Output:
	// "15 ngày làm việc" → 15 ngày làm việc (<nil>)
	// "04 giờ làm việc"  → 04 giờ làm việc (<nil>)
	// "30 ngay"          → 30 ngày (<nil>)
	// "03 tháng"         → 03 tháng (<nil>)
	// "Trong ngày"       → trong ngày (<nil>)
	// sla: cannot parse "-3 ngày làm việc": a time limit cannot be negative
}

func ExampleCalendar_Holidays() {
	for _, h := range sla.Default().Holidays(2026) {
		fmt.Printf("%s %s  %s (%s)\n", h.Date, h.Date.Weekday().String()[:3], h.Name, h.Kind)
	}
	fmt.Println("làm bù:", sla.Default().MakeUpDays(2026))
	// Output:
	// 2026-01-01 Thu  Tết Dương lịch (nghỉ lễ, Tết)
	// 2026-01-02 Fri  Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026) (nghỉ hoán đổi)
	// 2026-02-16 Mon  Tết Nguyên đán (nghỉ lễ, Tết)
	// 2026-02-17 Tue  Tết Nguyên đán (nghỉ lễ, Tết)
	// 2026-02-18 Wed  Tết Nguyên đán (nghỉ lễ, Tết)
	// 2026-02-19 Thu  Tết Nguyên đán (nghỉ lễ, Tết)
	// 2026-02-20 Fri  Tết Nguyên đán (nghỉ lễ, Tết)
	// 2026-04-26 Sun  Giỗ Tổ Hùng Vương (nghỉ lễ, Tết)
	// 2026-04-27 Mon  Nghỉ bù Giỗ Tổ Hùng Vương (nghỉ bù)
	// 2026-04-30 Thu  Ngày Chiến thắng (nghỉ lễ, Tết)
	// 2026-05-01 Fri  Ngày Quốc tế lao động (nghỉ lễ, Tết)
	// 2026-08-31 Mon  Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026) (nghỉ hoán đổi)
	// 2026-09-01 Tue  Quốc khánh (nghỉ lễ, Tết)
	// 2026-09-02 Wed  Quốc khánh (nghỉ lễ, Tết)
	// làm bù: [2026-01-10 2026-08-22]
}

// A province adds a day off that the law has not yet (or has just) made
// statutory, and next year's official schedule, without upgrading motcua.
// Vietnam Culture Day, 24/11, is not in the defaults: Resolution 80-NQ/TW
// chose it, but no amendment of Labor Code 2019, Art. 112 is confirmed.
func ExampleNew() {
	cal, err := sla.New(sla.Config{
		Rules: []sla.Rule{{Name: "Ngày Văn hóa Việt Nam", Month: time.November, Day: 24, From: sla.Date{Year: 2027, Month: time.January, Day: 1}}},
		Schedules: []sla.Schedule{{
			Year: 2027, TetBefore: 2, SecondNationalDay: 3,
			Swaps:  []sla.Swap{{Off: sla.Date{Year: 2027, Month: time.April, Day: 29}, Worked: sla.Date{Year: 2027, Month: time.May, Day: 8}}},
			Source: "Thông báo lịch nghỉ năm 2027 (giả định cho ví dụ)",
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range []sla.Date{{Year: 2027, Month: time.November, Day: 24}, {Year: 2027, Month: time.April, Day: 29}, {Year: 2027, Month: time.May, Day: 8}} {
		fmt.Println(d, cal.IsWorkday(d))
	}
	_, err = sla.New(sla.Config{Schedules: []sla.Schedule{{Year: 2027, Swaps: []sla.Swap{{Off: sla.Date{Year: 2027, Month: time.April, Day: 29}, Worked: sla.Date{Year: 2027, Month: time.May, Day: 9}}}}}})
	fmt.Println(err)
	// Output:
	// 2027-11-24 false
	// 2027-04-29 false
	// 2027-05-08 true
	// sla: invalid config: Schedules[0].Swaps[0].Worked: 2027-05-09 is a Sunday, not a Saturday
}

func ExampleCalendar_Classify() {
	cal := sla.Default()
	due := time.Date(2025, time.March, 5, 9, 0, 0, 0, sla.ICT)
	for _, finished := range []time.Time{
		time.Date(2025, time.March, 4, 16, 0, 0, 0, sla.ICT),
		time.Date(2025, time.March, 5, 8, 0, 0, 0, sla.ICT),
		time.Date(2025, time.March, 5, 9, 1, 0, 0, sla.ICT),
	} {
		fmt.Println(finished.Format("Mon 15:04"), cal.Classify(due, finished))
	}
	// Output:
	// Tue 16:00 trước hạn
	// Wed 08:00 đúng hạn
	// Wed 09:01 trễ hạn
}

func ExampleCalendar_WorkdaysBetween() {
	cal := sla.Default()
	from, to := sla.Date{Year: 2025, Month: time.January, Day: 1}, sla.Date{Year: 2026, Month: time.January, Day: 1}
	fmt.Println(cal.WorkdaysBetween(from, to))
	fmt.Println(cal.AddWorkdays(sla.Date{Year: 2025, Month: time.January, Day: 24}, 1))
	// Output:
	// 250
	// 2025-02-03
}

// An officer sets a new appointment: Friday 17:00 before Tết 2025 closes
// the afternoon, so it is in working time; a minute later is not.
func ExampleCalendar_InWorkingTime() {
	cal := sla.Default()
	for _, t := range []time.Time{
		time.Date(2025, time.January, 24, 17, 0, 0, 0, sla.ICT),
		time.Date(2025, time.January, 24, 17, 1, 0, 0, sla.ICT),
		time.Date(2025, time.March, 4, 12, 0, 0, 0, sla.ICT),
		time.Date(2025, time.April, 26, 9, 0, 0, 0, sla.ICT), // a make-up Saturday
	} {
		fmt.Println(t.Format("Mon 2006-01-02 15:04"), cal.InWorkingTime(t))
	}
	// Output:
	// Fri 2025-01-24 17:00 true
	// Fri 2025-01-24 17:01 false
	// Tue 2025-03-04 12:00 false
	// Sat 2025-04-26 09:00 true
}

// The desk tells an applicant who comes on the evening of the Friday
// before Tết 2025 when it opens again: after the nine days off.
func ExampleCalendar_NextWorkingTime() {
	cal := sla.Default()
	next, ok := cal.NextWorkingTime(time.Date(2025, time.January, 24, 18, 0, 0, 0, sla.ICT))
	fmt.Println(next.Format("Mon 2006-01-02 15:04"), ok)

	// At lunch, the afternoon session.
	next, ok = cal.NextWorkingTime(time.Date(2025, time.March, 4, 12, 0, 0, 0, sla.ICT))
	fmt.Println(next.Format("Mon 2006-01-02 15:04"), ok)

	// Past the calendar's range there is none.
	_, ok = cal.NextWorkingTime(time.Date(2200, time.January, 1, 9, 0, 0, 0, sla.ICT))
	fmt.Println(ok)
	// Output:
	// Mon 2025-02-03 07:30 true
	// Tue 2025-03-04 13:00 true
	// false
}
