package rating

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// ErrNotResolved means Evaluate was given a dossier whose result is not
// ready: only a resolved (or returned) dossier is evaluated.
var ErrNotResolved = errors.New("rating: the dossier is not resolved")

// An Indicator is one of the nine indicators on which the handling of a
// dossier is evaluated (Decree 61/2018/NĐ-CP and Circular 01/2018/TT-VPCP;
// DOMAIN.md §5), each worth 2, 1 or 0 points, at most 18 in all.
type Indicator uint8

const (
	// TotalTime is indicator 1, the total time of handling against the
	// legal limit.
	TotalTime Indicator = iota + 1
	// StepTime is indicator 2, the time each agency or unit took for its
	// step, from the control slip (form 05).
	StepTime
	// ReturnVisits is indicator 3, how many times the applicant had to come
	// back to complete the dossier.
	ReturnVisits
	// Agencies is indicator 4, how many agencies the applicant had to deal
	// with.
	Agencies
	// OnTheSpot is indicator 5, the share of procedures done "4 tại chỗ".
	OnTheSpot
	// Publicity is indicator 6, the publicity of the procedure.
	Publicity
	// Conduct is indicator 7, the attitude and conduct of the staff.
	Conduct
	// Complaints is indicator 8, the handling of feedback and complaints.
	Complaints
	// OnlineServices is indicator 9, the online public services offered.
	OnlineServices
)

var indicatorNames = [...]string{
	TotalTime:      "Tổng thời gian giải quyết so với thời gian quy định",
	StepTime:       "Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết",
	ReturnVisits:   "Số lần phải liên hệ để hoàn thiện hồ sơ",
	Agencies:       "Số lượng cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ",
	OnTheSpot:      "Giải quyết theo hình thức 4 tại chỗ",
	Publicity:      "Công khai thủ tục hành chính",
	Conduct:        "Thái độ, tác phong của cán bộ, công chức",
	Complaints:     "Tiếp nhận, xử lý phản ánh, kiến nghị",
	OnlineServices: "Cung cấp dịch vụ công trực tuyến",
}

// String returns the indicator's Vietnamese name.
func (i Indicator) String() string {
	if i < TotalTime || i > OnlineServices {
		return "Indicator(" + strconv.Itoa(int(i)) + ")"
	}
	return indicatorNames[i]
}

// An Assessment holds the points of the indicators that a dossier's record
// cannot give, 4 to 9, as the evaluator scored them: 2, 1 or 0 each.
type Assessment struct {
	Agencies, OnTheSpot, Publicity, Conduct, Complaints, OnlineServices int
}

// An Evaluation is the points of a dossier on the nine indicators.
type Evaluation struct {
	// Points holds the points of indicator i at Points[i-1].
	Points [9]int
}

// Of returns the points of indicator i; 0 for an unknown indicator.
func (e Evaluation) Of(i Indicator) int {
	if i < TotalTime || i > OnlineServices {
		return 0
	}
	return e.Points[i-1]
}

// Total returns the sum of the points, 0 to 18.
func (e Evaluation) Total() int {
	t := 0
	for _, p := range e.Points {
		t += p
	}
	return t
}

// Grade returns GradeOf(e.Total()).
func (e Evaluation) Grade() Grade { return GradeOf(e.Total()) }

// Evaluate scores a resolved dossier on the nine indicators. The first
// three come from the dossier, judged on cal, the calendar it was handled
// on:
//
//  1. TotalTime: 2 if it was resolved early, 1 on time, 0 late, as
//     Dossier.Timeliness judges it (more than one supplement request is
//     late).
//  2. StepTime: 2 if no step of the control slip was late against its own
//     due time, 1 if one was, 0 if more were. Steps without a due time are
//     not judged; a dossier with no handovers loses nothing here.
//  3. ReturnVisits: 2 if the applicant never had to supplement the
//     dossier, 1 for one supplement request (the one the law allows), 0 for
//     more.
//
// Indicators 4 to 9 are a's points. A dossier not resolved is
// ErrNotResolved; a point outside 0–2 in a is an error matching ErrInvalid.
func Evaluate(cal *sla.Calendar, d *dossier.Dossier, a Assessment) (Evaluation, error) {
	if s := d.Status(); s != dossier.Resolved && s != dossier.Returned {
		return Evaluation{}, fmt.Errorf("%w: %s is %s", ErrNotResolved, d.Code, d.Status())
	}
	var e Evaluation
	switch t, _ := d.Timeliness(cal); t {
	case sla.Early:
		e.Points[TotalTime-1] = 2
	case sla.OnTime:
		e.Points[TotalTime-1] = 1
	}
	lateSteps := 0
	for _, h := range d.Handovers() {
		if t, ok := h.Timeliness(cal); ok && t == sla.Late {
			lateSteps++
		}
	}
	e.Points[StepTime-1] = max(0, 2-lateSteps)
	e.Points[ReturnVisits-1] = max(0, 2-d.SupplementRequests())
	for i, p := range [...]int{a.Agencies, a.OnTheSpot, a.Publicity, a.Conduct, a.Complaints, a.OnlineServices} {
		ind := Agencies + Indicator(i)
		if p < 0 || p > 2 {
			return Evaluation{}, fmt.Errorf("%w: indicator %d (%s) has %d points, want 0, 1 or 2", ErrInvalid, ind, ind, p)
		}
		e.Points[ind-1] = p
	}
	return e, nil
}

// A Grade classifies the total points of an evaluation. The zero Grade is
// unset.
type Grade uint8

const (
	// Weak is "yếu": below 6 points.
	Weak Grade = iota + 1
	// Average is "trung bình": 6 to 8 points.
	Average
	// Fair is "khá": 9 to 11 points.
	Fair
	// Good is "tốt": 12 to 15 points.
	Good
	// Excellent is "rất tốt": above 15 points, 16 to 18.
	Excellent
)

var gradeNames = [...]string{Weak: "Yếu", Average: "Trung bình", Fair: "Khá", Good: "Tốt", Excellent: "Rất tốt"}

// String returns the grade's Vietnamese name, such as "Tốt".
func (g Grade) String() string {
	if g < Weak || g > Excellent {
		return "Grade(" + strconv.Itoa(int(g)) + ")"
	}
	return gradeNames[g]
}

// GradeOf grades a total out of 18. The bands as published share their
// ends: excellent above 15, good 12–15, fair 9–12, average 6–9, weak below
// 6. Only the top band is written with "above", so 15 is good, not
// excellent (the implementation we know of puts 15 in the wrong band); each
// shared end goes to the higher band, whose range is written from it:
//
//	16–18 Excellent   12–15 Good   9–11 Fair   6–8 Average   0–5 Weak
//
// A total outside 0–18 gives the zero Grade.
func GradeOf(total int) Grade {
	switch {
	case total < 0 || total > 18:
		return 0
	case total > 15:
		return Excellent
	case total >= 12:
		return Good
	case total >= 9:
		return Fair
	case total >= 6:
		return Average
	}
	return Weak
}
