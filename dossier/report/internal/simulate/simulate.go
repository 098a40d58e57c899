// Package simulate runs a year of a one-stop desk through dossier.Service,
// for the tests of package report and its writers: a procedure with one
// step planted slow, one that finishes far inside its limit, and one late
// now and then at another step.
//
// # The year
//
// Every working day of 2025, at an ICT clock fixed for each action, the
// desk receives:
//   - two land dossiers (LandCode, 5 working days). Every fourth spends 5
//     working days at SlowStep, whose own limit is 3: the dossier is 8
//     working hours late and the step lost 16;
//   - two birth registrations (BirthCode, 3 working days) done in 14
//     working hours, every tenth 26 hours at its processing step (limit
//     16): 4 hours late, 10 lost there;
//   - one building permit (GenerousCode, 10 working days), done in 13 to 15
//     working hours; every fifth waits 3 working days for a supplement,
//     which is not processing time.
//
// Channels rotate over direct, online and postal where the procedure
// allows them; every dossier is resolved and returned.
package simulate

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// The procedures of the year, and the step planted slow.
const (
	LandCode     = "2.000635"
	BirthCode    = "1.001193"
	GenerousCode = "1.001776"
	SlowStep     = "Thẩm định hồ sơ"
	Agency       = "000.00.01.H26"
	// CalendarCode has a limit in calendar days; the year files none.
	CalendarCode = "2.001008"
)

// Catalog returns the year's catalogue: the three procedures of the year
// with the steps of their control slips, a certification done on the spot
// in 4 working hours, and a procedure whose limit is in calendar days.
func Catalog() *procedure.Catalog {
	all := []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}
	c, err := procedure.NewCatalog(
		procedure.Procedure{
			Code: LandCode, Name: "Thủ tục đăng ký biến động đất đai", Field: procedure.Field{Code: "DD", Name: "Đất đai"}, Level: procedure.Province,
			Duration: sla.WorkingDays(5), Channels: all, OnlineLevel: procedure.Partial,
			Steps: []procedure.Step{
				{Name: "Tiếp nhận hồ sơ", Duration: sla.WorkingHours(4)},
				{Name: SlowStep, Duration: sla.WorkingDays(3)},
				{Name: "Phê duyệt kết quả", Duration: sla.WorkingDays(1)},
				{Name: "Trả kết quả", Duration: sla.WorkingHours(4)},
			},
		},
		procedure.Procedure{
			Code: BirthCode, Name: "Thủ tục đăng ký khai sinh", Field: procedure.Field{Code: "HT", Name: "Hộ tịch"}, Level: procedure.Commune,
			Duration: sla.WorkingDays(3), Channels: all, OnlineLevel: procedure.Full,
			Steps: []procedure.Step{
				{Name: "Tiếp nhận hồ sơ", Duration: sla.WorkingHours(4)},
				{Name: "Giải quyết hồ sơ", Duration: sla.WorkingDays(2)},
				{Name: "Trả kết quả", Duration: sla.WorkingHours(4)},
			},
		},
		procedure.Procedure{
			Code: GenerousCode, Name: "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ", Field: procedure.Field{Code: "XD", Name: "Xây dựng"}, Level: procedure.Commune,
			Duration: sla.WorkingDays(10), Channels: []procedure.Channel{procedure.Direct, procedure.Online}, OnlineLevel: procedure.Partial,
			Steps: []procedure.Step{
				{Name: "Tiếp nhận hồ sơ", Duration: sla.WorkingHours(4)},
				{Name: "Thẩm định hồ sơ", Duration: sla.WorkingDays(7)},
				{Name: "Phê duyệt kết quả", Duration: sla.WorkingDays(2)},
				{Name: "Trả kết quả", Duration: sla.WorkingHours(4)},
			},
		},
		procedure.Procedure{
			Code: "2.001159", Name: "Thủ tục chứng thực bản sao từ bản chính", Field: procedure.Field{Code: "CT", Name: "Chứng thực"}, Level: procedure.Commune,
			Duration: sla.WorkingHours(4), Channels: []procedure.Channel{procedure.Direct}, OnTheSpot: true,
		},
		procedure.Procedure{
			Code: CalendarCode, Name: "Thủ tục cấp Phiếu lý lịch tư pháp", Field: procedure.Field{Code: "LLTP", Name: "Lý lịch tư pháp"}, Level: procedure.Province,
			Duration: sla.CalendarDays(10), Channels: []procedure.Channel{procedure.Direct, procedure.Online}, OnlineLevel: procedure.Full,
		},
	)
	if err != nil {
		panic(err) // a constant catalogue: its validity is tested
	}
	return c
}

// A Year is the store the year left, with what a report on it needs.
type Year struct {
	Store    *memstore.Store
	Catalog  *procedure.Catalog
	Calendar *sla.Calendar
	From, To time.Time // [2025-01-01, 2026-01-01) in ICT
}

// Run simulates the year (see the package doc).
func Run(ctx context.Context) (*Year, error) {
	y := &Year{Store: memstore.New(), Catalog: Catalog(), Calendar: sla.Default(),
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT), To: time.Date(2026, 1, 1, 0, 0, 0, 0, sla.ICT)}
	var mu sync.Mutex
	var now time.Time
	svc, err := dossier.NewService(dossier.Config{Store: y.Store, Catalog: y.Catalog, Calendar: y.Calendar, Agency: Agency,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	if err != nil {
		return nil, err
	}
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	after := func(t time.Time, hours int) time.Time {
		if hours == 0 {
			return t
		}
		due, _ := y.Calendar.Due(t, sla.WorkingHours(hours)) // the simulated year is inside the calendar's
		return due
	}
	// run receives a dossier at t, spends the hours given at each step,
	// and resolves and returns it; pause, if positive, is a supplement
	// awaited that many working hours after the first hour.
	run := func(t time.Time, code string, ch procedure.Channel, steps []int, pause int) error {
		set(t)
		d, err := svc.Receive(ctx, dossier.Intake{Procedure: code, Applicant: dossier.Applicant{Name: "Nguyễn Văn An"}, Channel: ch, Actor: "một cửa"})
		if err != nil {
			return err
		}
		for i, h := range steps {
			if i == 0 && pause > 0 {
				set(after(t, 1))
				if _, err := svc.RequestSupplement(ctx, d.Code, "một cửa", "Thiếu bản vẽ thiết kế"); err != nil {
					return err
				}
				t = after(after(t, 1), pause)
				set(t)
				if _, err := svc.Supplement(ctx, d.Code, "một cửa"); err != nil {
					return err
				}
				h-- // the hour before the request
			}
			t = after(t, h)
			set(t)
			if i == len(steps)-1 {
				break
			}
			if _, err := svc.Transfer(ctx, d.Code, "cán bộ", fmt.Sprintf("bước %d", i+2)); err != nil {
				return err
			}
		}
		if _, err := svc.Resolve(ctx, d.Code, "cán bộ"); err != nil {
			return err
		}
		set(after(t, 1))
		_, err = svc.Return(ctx, d.Code, "một cửa")
		return err
	}
	channels := []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}
	n := 0
	for day := sla.DateOf(y.From); day.Year == 2025; day = y.Calendar.AddWorkdays(day, 1) {
		if !y.Calendar.IsWorkday(day) {
			continue
		}
		start := day.At(8, 0)
		for i := range 2 {
			n++
			steps := []int{2, 16, 4, 2}
			if n%4 == 0 {
				steps[1] = 40
			}
			if err := run(start.Add(time.Duration(i)*10*time.Minute), LandCode, channels[n%3], steps, 0); err != nil {
				return nil, fmt.Errorf("simulate: land dossier %d: %w", n, err)
			}
			steps = []int{1, 12, 1}
			if n%10 == 0 {
				steps[1] = 26
			}
			if err := run(start.Add(time.Duration(20+i*10)*time.Minute), BirthCode, channels[(n+1)%3], steps, 0); err != nil {
				return nil, fmt.Errorf("simulate: birth dossier %d: %w", n, err)
			}
		}
		pause := 0
		if n%5 == 0 {
			pause = 24
		}
		if err := run(start.Add(time.Hour), GenerousCode, channels[(n/2)%2], []int{1, 8 + n%3, 3, 1}, pause); err != nil {
			return nil, fmt.Errorf("simulate: building permit %d: %w", n, err)
		}
	}
	return y, nil
}
