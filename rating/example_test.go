package rating_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// The resolved dossiers of the 2020 report
// (examples/report/testdata/report2020.txt): the three
// shares add up to exactly 100,00%, and the 83 late dossiers show as 0,10%.
func ExampleShares() {
	for _, s := range rating.Shares(21888, 62801, 83) {
		fmt.Println(s)
	}
	// Output:
	// 25,82%
	// 74,08%
	// 0,10%
}

// Three equal counts cannot each get 33,33%: the hundredth left over goes
// to the first, so the shares still add up to 100,00%.
func ExampleShares_tie() {
	fmt.Println(rating.Shares(1, 1, 1))
	// Output: [33,34% 33,33% 33,33%]
}

// Growth and on-time rates are single figures: Ratio rounds them to the
// nearest hundredth of a percent.
func ExampleRatio() {
	fmt.Println("tăng", rating.Ratio(86964-17600, 17600))
	fmt.Println("đúng hạn", rating.Ratio(21888+62801, 84772))
	// Output:
	// tăng 394,11%
	// đúng hạn 99,90%
}

// A citizen rates the handling of her household business registration
// (1.001612) on the tablet at the desk: not before the result is ready, and
// pressing the button again does not count twice.
func ExampleRate() {
	ctx := context.Background()
	now := time.Date(2025, time.August, 4, 8, 0, 0, 0, sla.ICT)
	clock := func() time.Time { return now }
	svc, err := dossier.NewService(dossier.Config{Store: memstore.New(), Catalog: procedure.Sample(), Agency: "000.00.01.H26", Now: clock})
	if err != nil {
		panic(err)
	}
	ratings := rating.NewMemStoreWithClock(clock)
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001612", Applicant: dossier.Applicant{Name: "Trần Thị Mai"}, Channel: procedure.Direct})
	if err != nil {
		panic(err)
	}
	r := rating.Rating{Dossier: d.Code, Level: rating.VerySatisfied, At: now, Channel: procedure.Direct}
	fmt.Println(errors.Is(rating.Rate(ctx, svc, ratings, r), rating.ErrNotReady))

	now = now.Add(26 * time.Hour)
	if _, err := svc.Resolve(ctx, d.Code, "chuyên viên"); err != nil {
		panic(err)
	}
	r.At = now
	fmt.Println(rating.Rate(ctx, svc, ratings, r))
	r.Level = rating.Satisfied
	fmt.Println(errors.Is(rating.Rate(ctx, svc, ratings, r), rating.ErrDuplicate))

	var t rating.Tally
	for x, err := range ratings.List(ctx, time.Time{}, time.Time{}) {
		if err != nil {
			panic(err)
		}
		t.Add(x.Level)
	}
	fmt.Println(t.Total(), rating.VerySatisfied, t.Share(rating.VerySatisfied))
	// Output:
	// true
	// <nil>
	// true
	// 1 Rất hài lòng 100,00%
}

// The satisfaction of the 2020 report: shares are taken over the ratings,
// not over the dossiers.
func ExampleTally() {
	var t rating.Tally
	for range 9807 {
		t.Add(rating.VerySatisfied)
	}
	for range 445 {
		t.Add(rating.Satisfied)
	}
	for _, l := range rating.Levels() {
		fmt.Printf("%s: %d (%v)\n", l, t.Count(l), t.Share(l))
	}
	// Output:
	// Rất hài lòng: 9807 (95,66%)
	// Hài lòng: 445 (4,34%)
	// Không hài lòng: 0 (0,00%)
}

// The 2020 report of examples/report/testdata/report2020.txt, from its
// figures: numbers and shares are printed the Vietnamese way.
func ExampleReport_WriteText() {
	r := rating.Report{
		From: time.Date(2020, time.January, 1, 0, 0, 0, 0, sla.ICT),
		To:   time.Date(2021, time.January, 1, 0, 0, 0, 0, sla.ICT),
		Counts: report.Counts{
			Online: 34696, DirectOrPostal: 51198 + 1070, Postal: 1070,
			Resolved: 84772, Early: 21888, OnTime: 62801, Late: 83,
			Pending: 2192, PendingInTime: 2192,
		},
		PreviousReceived: 17600,
	}
	for range 9807 {
		r.Satisfaction.Add(rating.VerySatisfied)
	}
	for range 445 {
		r.Satisfaction.Add(rating.Satisfied)
	}
	if err := r.WriteText(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH
	// Từ ngày 01/01/2020 đến ngày 31/12/2020
	//
	// Tiếp nhận 86.964 hồ sơ, tăng 69.364 hồ sơ (394,11%) so với kỳ trước (17.600 hồ sơ), trong đó:
	// - Nộp trực tiếp: 51.198 hồ sơ (58,87%);
	// - Nộp trực tuyến: 34.696 hồ sơ (39,90%);
	// - Nộp qua dịch vụ bưu chính công ích: 1.070 hồ sơ (1,23%).
	//
	// Đã giải quyết 84.772 hồ sơ, trong đó:
	// - Trước hạn: 21.888 hồ sơ (25,82%);
	// - Đúng hạn: 62.801 hồ sơ (74,08%);
	// - Quá hạn: 83 hồ sơ (0,10%).
	// Tỷ lệ giải quyết trước hạn và đúng hạn: 99,90%.
	//
	// Đang giải quyết 2.192 hồ sơ: trong hạn 2.192, quá hạn 0.
	//
	// Mức độ hài lòng qua 10.252 lượt đánh giá:
	// - Rất hài lòng: 9.807 lượt (95,66%);
	// - Hài lòng: 445 lượt (4,34%);
	// - Không hài lòng: 0 lượt (0,00%).
}

// The grades at the ends of their bands: exactly 15 is good, not
// excellent.
func ExampleGradeOf() {
	for _, total := range []int{18, 16, 15, 12, 11, 9, 8, 6, 5} {
		fmt.Printf("%d: %v\n", total, rating.GradeOf(total))
	}
	// Output:
	// 18: Rất tốt
	// 16: Rất tốt
	// 15: Tốt
	// 12: Tốt
	// 11: Khá
	// 9: Khá
	// 8: Trung bình
	// 6: Trung bình
	// 5: Yếu
}

// A household business registration (1.001612, 03 ngày làm việc) received
// on Monday morning and resolved on Tuesday, before its due day, with no
// supplement: the dossier earns full points on the first three indicators.
func ExampleEvaluate() {
	ctx := context.Background()
	now := time.Date(2025, time.August, 4, 8, 0, 0, 0, sla.ICT)
	svc, err := dossier.NewService(dossier.Config{Store: memstore.New(), Catalog: procedure.Sample(), Agency: "000.00.01.H26", Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001612", Applicant: dossier.Applicant{Name: "Trần Văn Bình"}, Channel: procedure.Direct})
	if err != nil {
		panic(err)
	}
	now = now.Add(time.Hour)
	if _, err = svc.Transfer(ctx, d.Code, "Bộ phận một cửa", "Phòng Kinh tế"); err != nil {
		panic(err)
	}
	now = now.Add(25 * time.Hour)
	if d, err = svc.Resolve(ctx, d.Code, "chuyên viên"); err != nil {
		panic(err)
	}
	e, err := rating.Evaluate(svc.Calendar(), d, rating.Assessment{Agencies: 2, OnTheSpot: 0, Publicity: 2, Conduct: 2, Complaints: 1, OnlineServices: 1})
	if err != nil {
		panic(err)
	}
	for i := rating.TotalTime; i <= rating.OnlineServices; i++ {
		fmt.Printf("%d. %s: %d\n", i, i, e.Of(i))
	}
	fmt.Printf("%d/18: %v\n", e.Total(), e.Grade())
	// Output:
	// 1. Tổng thời gian giải quyết so với thời gian quy định: 2
	// 2. Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết: 2
	// 3. Số lần phải liên hệ để hoàn thiện hồ sơ: 2
	// 4. Số lượng cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ: 2
	// 5. Giải quyết theo hình thức 4 tại chỗ: 0
	// 6. Công khai thủ tục hành chính: 2
	// 7. Thái độ, tác phong của cán bộ, công chức: 2
	// 8. Tiếp nhận, xử lý phản ánh, kiến nghị: 1
	// 9. Cung cấp dịch vụ công trực tuyến: 1
	// 14/18: Tốt
}
