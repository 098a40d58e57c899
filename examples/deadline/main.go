// Command deadline prints when a dossier is due: given the instant it was
// received and the procedure's published time limit, it prints the due
// time, the working days in between and the days off it crosses, on the
// default calendar.
//
//	go run ./examples/deadline -received "2025-01-24 10:00" -duration "3 ngày làm việc"
//	go run ./examples/deadline -received "2025-03-03 09:00" -duration "05 ngày làm việc" -pause "2025-03-04 09:00/2025-03-06 09:00"
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/motcua/motcua/sla"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "deadline:", err)
		os.Exit(2)
	}
}

// pauses is a repeatable flag of "start/end" intervals.
type pauses []sla.Interval

func (p *pauses) String() string { return fmt.Sprint(*p) }

func (p *pauses) Set(s string) error {
	start, end, ok := strings.Cut(s, "/")
	if !ok {
		return errors.New(`want "start/end", e.g. "2025-03-04 09:00/2025-03-06 09:00"`)
	}
	var iv sla.Interval
	var err error
	if iv.Start, err = sla.ParseTime(start); err != nil {
		return err
	}
	if iv.End, err = sla.ParseTime(end); err != nil {
		return err
	}
	if err := iv.Validate(); err != nil {
		return err
	}
	*p = append(*p, iv)
	return nil
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("deadline", flag.ContinueOnError)
	receivedText := fs.String("received", "", `when the complete dossier was received, "2006-01-02 15:04" in ICT`)
	durationText := fs.String("duration", "", `the published time limit, e.g. "15 ngày làm việc", "30 ngày", "trong ngày"`)
	var paused pauses
	fs.Var(&paused, "pause", `a pause for supplement, "start/end"; repeatable`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *receivedText == "" || *durationText == "" {
		return errors.New("both -received and -duration are required")
	}
	received, err := sla.ParseTime(*receivedText)
	if err != nil {
		return err
	}
	limit, err := sla.ParseDuration(*durationText)
	if err != nil {
		return err
	}
	cal := sla.Default()
	due, err := cal.Due(received, limit, paused...)
	if err != nil {
		return err
	}

	from, to := sla.DateOf(received), sla.DateOf(due)
	fmt.Fprintf(w, "Nhận hồ sơ:       %s\n", stamp(received))
	fmt.Fprintf(w, "Thời hạn:         %s\n", limit)
	for _, p := range paused {
		counted := hours(cal.WorkingTime(p.Start, p.End)) + " làm việc"
		if !p.Start.Before(due) {
			counted = "sau hạn trả kết quả, không tính"
		}
		fmt.Fprintf(w, "Tạm dừng:         %s → %s (%s)\n", stamp(p.Start), stamp(p.End), counted)
	}
	fmt.Fprintf(w, "Hẹn trả kết quả:  %s\n", stamp(due))
	fmt.Fprintf(w, "Ngày làm việc:    %d sau ngày nhận, đến hết ngày hẹn trả (%s làm việc)\n",
		cal.WorkdaysBetween(from.AddDays(1), to.AddDays(1)), hours(cal.WorkingTime(received, due)))

	var crossed []sla.Holiday
	for y := from.Year; y <= to.Year; y++ {
		for _, h := range cal.Holidays(y) {
			if h.Date.After(from) && !h.Date.After(to) {
				crossed = append(crossed, h)
			}
		}
	}
	fmt.Fprintf(w, "Ngày nghỉ đi qua: %d\n", len(crossed))
	for _, h := range crossed {
		note := ""
		if h.Projected {
			note = " — dự kiến, chưa có lịch chính thức"
		}
		fmt.Fprintf(w, "  %-8s %s  %s (%s)%s\n", sla.WeekdayName(h.Date.Weekday()), vi(h.Date), h.Name, h.Kind, note)
	}
	return nil
}

func stamp(t time.Time) string {
	t = t.In(sla.ICT)
	return fmt.Sprintf("%s, %s %s", sla.WeekdayName(t.Weekday()), vi(sla.DateOf(t)), t.Format("15:04"))
}

func vi(d sla.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year) }

func hours(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return fmt.Sprintf("%d giờ", h)
	}
	return fmt.Sprintf("%d giờ %d phút", h, m)
}
