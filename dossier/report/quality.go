package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
)

// The groups of the service-quality index of Decision 766/QĐ-TTg, with
// their maximum points as the national public service portal shows them:
// six groups, 100 points.
const (
	TransparencyMax = 18 // công khai, minh bạch: PublicityMax + SyncedMax
	PublicityMax    = 12 // of TransparencyMax: publicity, as the evaluator scores it
	SyncedMax       = 6  // of TransparencyMax: the share of dossiers synced to the portal
	ProgressMax     = 20 // tiến độ giải quyết
	OnlineMax       = 12 // dịch vụ công trực tuyến
	PaymentMax      = 10 // thanh toán trực tuyến
	DigitisationMax = 22 // mức độ số hóa hồ sơ
	SatisfactionMax = 18 // mức độ hài lòng
)

// The ratios at which a component earns full marks; below, its points are
// in proportion (points = max × ratio ÷ threshold).
const (
	FullMarksAt          = 0.80 // most ratios: progress, synced, online payment
	OnlineFullMarksAt    = 0.50 // the share of dossiers filed online
	SatisfiedFullMarksAt = 0.90 // the share of ratings satisfied
)

// QualityInput holds what the index needs and dossiers cannot give: the
// evaluator's points, and the shares other records keep.
type QualityInput struct {
	// Publicity is the evaluator's points for the publicity of procedures,
	// 0 to PublicityMax.
	Publicity float64
	// Synced is the dossiers synced to the national portal out of the
	// dossiers handled.
	Synced Share
	// OnlinePayment is the dossiers whose fees were paid online out of
	// those with fees to pay; dossiers do not record how fees were paid.
	OnlinePayment Share
	// Digitisation is the evaluator's points for the digitisation of
	// dossiers and results, 0 to DigitisationMax.
	Digitisation float64
	// Satisfied is the ratings satisfied or very satisfied out of all the
	// ratings of the period, as a tally of ratings gives them.
	Satisfied Share
}

// A QualityIndex is the service-quality index of Decision 766/QĐ-TTg for a
// period: 100 points in six groups (see the package doc).
type QualityIndex struct {
	Period Period `json:"period"`
	// Progress is the index's progress figure: the dossiers resolved in
	// time plus those still being handled and in time at the period's
	// end, out of those resolved or being handled; a dossier with more
	// than one supplement request is late.
	Progress Share `json:"progress"`
	// OnTimeRate is Biểu 06's rate, (early + on time) out of resolved: not
	// the index's figure, given beside it so that the two are not
	// confused.
	OnTimeRate Share `json:"onTimeRate"`
	// Online is the dossiers received online out of those received.
	Online Share `json:"online"`
	// Groups are the six groups in the portal's order.
	Groups []QualityGroup `json:"groups"`
}

// A QualityGroup is one group of the index with its components.
type QualityGroup struct {
	Name   string        `json:"name"`
	Max    float64       `json:"max"`
	Points float64       `json:"points"`
	Parts  []QualityPart `json:"parts"`
}

// A QualityPart is one component of a group: a share scored against its
// threshold, or points given by the evaluator.
type QualityPart struct {
	Name   string  `json:"name"`
	Max    float64 `json:"max"`
	Points float64 `json:"points"`
	// Share and FullAt are the share scored and the ratio that earns full
	// marks; both zero for points given as input. A share over nothing
	// (Whole 0) earns no points.
	Share  Share   `json:"share"`
	FullAt float64 `json:"fullAt"`
}

// Total returns the index: the groups' points added up, out of 100.
func (x *QualityIndex) Total() float64 {
	t := 0.0
	for _, g := range x.Groups {
		t += g.Points
	}
	return round2(t)
}

// Quality computes the index for the period in one pass over the
// dossiers' facts, with in for what dossiers cannot give. Query.By is
// ignored. Points outside their range, or a share whose Part exceeds its
// Whole, are ErrQuery.
func Quality(ctx context.Context, q Query, in QualityInput) (*QualityIndex, error) {
	if err := q.checkAnalysis(); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	p := &qualityPass{}
	if err := run(ctx, q, nil, p); err != nil {
		return nil, err
	}
	return p.finish(q.Period, in), nil
}

// A qualityPass counts what the index takes from dossiers.
type qualityPass struct {
	all      Counts
	progress Share
}

func (p *qualityPass) add(j *judged) {
	c := &j.c
	p.all.add(*c)
	if c.Resolved+c.Pending == 1 {
		p.progress.Whole++
		if c.Early+c.OnTime == 1 || (c.PendingInTime == 1 && j.f.Supplements <= 1) {
			p.progress.Part++
		}
	}
}

// finish scores the index.
func (p *qualityPass) finish(period Period, in QualityInput) *QualityIndex {
	x := &QualityIndex{
		Period: period, Progress: p.progress,
		OnTimeRate: Share{p.all.Early + p.all.OnTime, p.all.Resolved},
		Online:     Share{p.all.Online, p.all.Received()},
	}
	scored := func(name string, max float64, s Share, at float64) QualityPart {
		return QualityPart{Name: name, Max: max, Share: s, FullAt: at, Points: round2(max * math.Min(1, s.Ratio()/at))}
	}
	given := func(name string, max, points float64) QualityPart {
		return QualityPart{Name: name, Max: max, Points: round2(points)}
	}
	groups := []struct {
		name  string
		max   float64
		parts []QualityPart
	}{
		{"Công khai, minh bạch", TransparencyMax, []QualityPart{
			given("Công khai thủ tục hành chính", PublicityMax, in.Publicity),
			scored("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", SyncedMax, in.Synced, FullMarksAt),
		}},
		{"Tiến độ giải quyết", ProgressMax, []QualityPart{
			scored("Tỷ lệ hồ sơ đúng hạn (đã và đang giải quyết)", ProgressMax, x.Progress, FullMarksAt),
		}},
		{"Dịch vụ công trực tuyến", OnlineMax, []QualityPart{
			scored("Tỷ lệ hồ sơ nộp trực tuyến", OnlineMax, x.Online, OnlineFullMarksAt),
		}},
		{"Thanh toán trực tuyến", PaymentMax, []QualityPart{
			scored("Tỷ lệ hồ sơ thanh toán trực tuyến", PaymentMax, in.OnlinePayment, FullMarksAt),
		}},
		{"Số hóa hồ sơ", DigitisationMax, []QualityPart{
			given("Số hóa hồ sơ, kết quả giải quyết", DigitisationMax, in.Digitisation),
		}},
		{"Mức độ hài lòng", SatisfactionMax, []QualityPart{
			scored("Tỷ lệ đánh giá hài lòng", SatisfactionMax, in.Satisfied, SatisfiedFullMarksAt),
		}},
	}
	for _, g := range groups {
		qg := QualityGroup{Name: g.name, Max: g.max, Parts: g.parts}
		for _, p := range g.parts {
			qg.Points += p.Points
		}
		qg.Points = round2(qg.Points)
		x.Groups = append(x.Groups, qg)
	}
	return x
}

func (in QualityInput) check() error {
	points := func(name string, p, max float64) error {
		if !(p >= 0 && p <= max) {
			return fmt.Errorf("%w: QualityInput.%s %v is outside 0–%v", ErrQuery, name, p, max)
		}
		return nil
	}
	share := func(name string, s Share) error {
		if s.Part < 0 || s.Whole < 0 || s.Part > s.Whole {
			return fmt.Errorf("%w: QualityInput.%s %d of %d is not a share", ErrQuery, name, s.Part, s.Whole)
		}
		return nil
	}
	if err := points("Publicity", in.Publicity, PublicityMax); err != nil {
		return err
	}
	if err := points("Digitisation", in.Digitisation, DigitisationMax); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		s    Share
	}{{"Synced", in.Synced}, {"OnlinePayment", in.OnlinePayment}, {"Satisfied", in.Satisfied}} {
		if err := share(s.name, s.s); err != nil {
			return err
		}
	}
	return nil
}

// points writes points the Vietnamese way, with two decimals: 15,25.
func points(p float64) string { return vi.Sprintf("%.2f", p) }

// WriteText writes the index in Vietnamese: the total, each group's points
// out of its maximum, and each component with its share and threshold.
func (x *QualityIndex) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)\n")
	fmt.Fprintf(bw, "Kỳ đánh giá: %s\n", x.Period)
	fmt.Fprintf(bw, "Tổng điểm: %s/100\n\n", points(x.Total()))
	for i, g := range x.Groups {
		fmt.Fprintf(bw, "%d. %s: %s/%s điểm\n", i+1, g.Name, points(g.Points), points(g.Max))
		for _, p := range g.Parts {
			if p.FullAt == 0 {
				fmt.Fprintf(bw, "   - %s: %s/%s điểm (do đơn vị đánh giá)\n", p.Name, points(p.Points), points(p.Max))
				continue
			}
			fmt.Fprintf(bw, "   - %s: %s (%s/%s; tối đa từ %s): %s/%s điểm\n", p.Name, p.Share,
				Number(p.Share.Part), Number(p.Share.Whole), vi.Sprintf("%.0f%%", 100*p.FullAt), points(p.Points), points(p.Max))
		}
	}
	fmt.Fprintf(bw, "\nTỷ lệ giải quyết trước hạn và đúng hạn (Biểu 06, trên hồ sơ đã giải quyết): %s\n", x.OnTimeRate)
	return bw.Flush()
}
