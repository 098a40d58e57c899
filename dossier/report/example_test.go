package report_test

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A land registration whose appraisal took a week: Late puts the lost
// working hours on that step of the control slip.
func ExampleLate() {
	cat, err := procedure.NewCatalog(procedure.Procedure{
		Code: "2.000635", Name: "Thủ tục đăng ký biến động đất đai", Field: procedure.Field{Name: "Đất đai"}, Level: procedure.Province,
		Duration: sla.WorkingDays(5), Channels: []procedure.Channel{procedure.Direct},
		Steps: []procedure.Step{
			{Name: "Tiếp nhận hồ sơ", Duration: sla.WorkingHours(4)},
			{Name: "Thẩm định hồ sơ", Duration: sla.WorkingDays(3)},
			{Name: "Phê duyệt kết quả", Duration: sla.WorkingDays(1)},
			{Name: "Trả kết quả", Duration: sla.WorkingHours(4)},
		},
	})
	if err != nil {
		panic(err)
	}
	now := time.Date(2025, 3, 3, 7, 30, 0, 0, sla.ICT)
	store := memstore.New()
	svc, err := dossier.NewService(dossier.Config{Store: store, Catalog: cat, Agency: "000.00.01.H26", Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	d, _ := svc.Receive(ctx, dossier.Intake{Procedure: "2.000635", Applicant: dossier.Applicant{Name: "Trần Văn Hùng"}, Channel: procedure.Direct})
	for _, step := range []struct {
		at string
		to string
	}{{"2025-03-03 11:30", "Phòng Đăng ký đất đai"}, {"2025-03-10 11:30", "Lãnh đạo"}, {"2025-03-11 09:00", "Một cửa"}} {
		now, _ = sla.ParseTime(step.at)
		_, _ = svc.Transfer(ctx, d.Code, "cán bộ", step.to)
	}
	now, _ = sla.ParseTime("2025-03-11 10:00")
	_, _ = svc.Resolve(ctx, d.Code, "cán bộ")

	march := report.Period{From: time.Date(2025, 3, 1, 0, 0, 0, 0, sla.ICT), To: time.Date(2025, 4, 1, 0, 0, 0, 0, sla.ICT)}
	a, err := report.Late(ctx, report.Query{Store: store, Catalog: cat, Period: march})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d of %d late, by %s\n", a.Total.Late, a.Total.Resolved, report.Hours(a.Total.Median))
	for _, s := range a.Total.Steps {
		fmt.Printf("%s (%s): %s lost\n", s.Step, s.Procedure, report.Hours(s.Lost))
	}
	// Output:
	// 1 of 1 late, by 10,5 giờ
	// Thẩm định hồ sơ (2.000635): 16,0 giờ lost
}

// A proposal to cut a time limit, as a report prints it.
func ExampleCut_String() {
	c := report.Cut{Procedure: "1.001776", Limit: sla.WorkingDays(10), Resolved: 412,
		Median: 1.25, P90: 1.8, Max: 4.5, Percentile: 90, Basis: 1.8, Proposed: sla.WorkingDays(2)}
	fmt.Println(c)
	// Output:
	// 1.001776: 90% xong trong 1,8 ngày làm việc / thời hạn 10 ngày → đề xuất 2 ngày
}

// The 2020 report's online share, the Vietnamese way.
func ExampleShare() {
	s := report.Share{Part: 34696, Whole: 86972}
	fmt.Println(report.Number(s.Part), s)
	// Output:
	// 34.696 39,89%
}

// The Decision 766 index of a quiet month: no dossier, so progress and
// online earn nothing; the evaluator's points and the ratings' share are
// given.
func ExampleQuality() {
	jan := report.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT), To: time.Date(2025, 2, 1, 0, 0, 0, 0, sla.ICT)}
	x, err := report.Quality(context.Background(), report.Query{Store: memstore.New(), Period: jan}, report.QualityInput{
		Publicity: 12, Digitisation: 15,
		Synced:    report.Share{Part: 0, Whole: 0},
		Satisfied: report.Share{Part: 9807 + 445, Whole: 10252},
	})
	if err != nil {
		panic(err)
	}
	for _, g := range x.Groups {
		fmt.Printf("%s: %v/%v\n", g.Name, g.Points, g.Max)
	}
	fmt.Println("Tổng:", x.Total())
	// Output:
	// Công khai, minh bạch: 12/18
	// Tiến độ giải quyết: 0/20
	// Dịch vụ công trực tuyến: 0/12
	// Thanh toán trực tuyến: 0/10
	// Số hóa hồ sơ: 15/22
	// Mức độ hài lòng: 18/18
	// Tổng: 45
}
