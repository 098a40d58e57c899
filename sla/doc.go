// Package sla works out legal deadlines for Vietnam's one-stop desks: civil
// time, the working calendar with its lunar holidays, the time limits that
// procedures publish, due dates to the minute, and timeliness.
//
// # Civil time and dates
//
// Vietnam has kept UTC+7 without daylight saving since 1975. ICT is that
// fixed zone, so nothing depends on the host's time-zone database. A Date is
// a civil date with no time of day; DateOf gives the date of an instant in
// ICT, whatever the instant's own location.
//
// # The calendar
//
// A Calendar, made once by New (or shared as Default) and safe for
// concurrent use, knows the desk hours of each weekday (Config.Week; by
// default Monday to Friday, 07:30–11:30 and 13:00–17:00, 8 hours a working
// day) and every day off. Days off come in three layers:
//
//  1. the statutory holidays of Labor Code 2019, Art. 112 (Labor Code 2012,
//     Art. 115 until 2020, when 2/9 had one day): 1/1, Tết's five days,
//     Hùng Kings day (lunar 10/3), 30/4, 1/5 and 2/9 with, from 2021, the
//     day before or after it; Config.Rules adds more;
//  2. compensation (Art. 111(3)): a holiday on a weekly rest day gives the
//     next working day that is not already off;
//  3. the Government's yearly decisions, held in a Schedule: where Tết's
//     five days fall, which day joins 2/9, swapped days (a weekday off, a
//     Saturday worked in its place with Monday's hours) and extra days.
//
// The official schedules 2020–2026 are bundled (BundledSchedules);
// Config.Schedules adds next year's decision or replaces one, so a province
// need not wait for a new release. A year without a schedule is projected:
// Tết 2 days before lunar 1/1 and 3 after, and 2/9's second day by this rule,
// which reproduces every decision from 2021 to 2026: the neighbour of 2/9
// that is not a weekly rest day if only one is; otherwise the one next to a
// weekly rest day; otherwise 1/9. Days that rest on such a projection are
// marked Holiday.Projected.
//
// Vietnam Culture Day (24/11) is not in the defaults: Resolution 80-NQ/TW
// (2026) chose it as a day off, but the amendment of Art. 112 is not
// confirmed. A province that observes it adds one line:
//
//	sla.New(sla.Config{Rules: []sla.Rule{{Name: "Ngày Văn hóa Việt Nam", Month: time.November, Day: 24, From: sla.Date{Year: 2027, Month: time.January, Day: 1}}}})
//
// Holidays before 2013 follow the same rules; the older Labor Code (Tết of
// four days) is not modelled. The calendar covers the solar years
// 1900–2199, whose lunar dates package lunar converts.
//
// Each year is precomputed on first use into a bitmap of working days with
// prefix counts and a prefix sum of working time, so IsWorkday,
// WorkdaysBetween, AddWorkdays and Due take constant time and allocate
// nothing. InWorkingTime says whether an instant is in working time (a
// session's ends included, so an appointment may be 17:00), and
// NextWorkingTime when working time next runs.
//
// # Time limits and due dates
//
// A Duration is a limit as procedures publish it; ParseDuration reads the
// Vietnamese text and String writes it back:
//
//	WorkingDays(15)        "15 ngày làm việc"
//	WorkingHours(4)        "04 giờ làm việc"
//	CalendarDays(30)       "30 ngày"
//	Months(3)              "03 tháng"
//	SameDay(15*time.Hour)  "trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo"
//
// Calendar.Due adds a limit to the instant a complete dossier was received.
// Working days add Config.DayLength of working time each (by default the
// working time of a regular weekday of Config.Week); a receipt outside
// working time starts at the next working instant; a result on a session
// boundary is the end of the earlier session (Friday 17:00, not Monday
// 07:30). Calendar days and months end at the end of the working day on the
// last day, or the next working day (Civil Code 2015, Art. 147–148).
//
// While the applicant supplements a dossier the clock stops: pass the pauses
// to Due, and the due time is the earliest instant by which the limit's
// working time has run outside them. A pause that starts before the due time
// moves it back by the working time it covers; one that starts at or after
// it changes nothing. An open pause (zero End) that starts before the due
// time means there is no due time yet. For procedures that
// restart the clock on supplement instead, call Due from the instant the
// supplement arrived. Due returns an error for an invalid limit or pause
// and for a result outside the calendar's range, never a zero time in
// their place.
//
// # Timeliness
//
// Calendar.Classify judges a finished dossier: late after its due time,
// early before the start of the working day that holds it (or, with
// Config.Early set to BeforeDueSession, of its half-day session, as OpenCPS
// does), on time otherwise. ClassifyOpen judges an open one: in time or
// overdue. The on-time rate is (early + on time) ÷ resolved.
//
// # Testing your own rules
//
// Package slatest runs tables of due-date cases that a province keeps in
// JSON next to its procedures.
package sla
