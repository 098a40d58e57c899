package rating

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"iter"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A Report is what a centre publishes about a period: how many dossiers it
// received and by which channel, how many it resolved early, on time and
// late, how many are still being handled, and how satisfied citizens were.
// Its dossier counts are Biểu 06's totals for the period (see
// report.Compute), so the press release and the statutory form always
// agree. Every share in it is computed with Shares, so the shares of a
// whole add up to exactly 100,00%.
type Report struct {
	// From and To bound the period, [From, To).
	From, To time.Time
	// Counts are the period's totals: received in it by channel, resolved
	// in it, pending at its end (report.Counts).
	Counts report.Counts
	// Satisfaction counts the ratings given in the period.
	Satisfaction Tally
	// PreviousReceived is the number of dossiers received in the period
	// before, for the growth; zero leaves the growth out.
	PreviousReceived int
}

// NewReport makes the report of [from, to) from dossiers and ratings, as
// of asOf: a period not over at asOf is counted up to asOf, inclusive (a
// zero asOf is to). It counts the dossiers as report.Compute does and tallies the
// ratings given in the period, skipping the others, so ds and rs may hold
// more than the period. A rating with an invalid level is an error.
// PreviousReceived is left to the caller.
func NewReport(cal *sla.Calendar, from, to, asOf time.Time, ds iter.Seq[*dossier.Dossier], rs iter.Seq[Rating]) (Report, error) {
	r := Report{From: from, To: to}
	p := period(from, to, asOf)
	r.Counts = report.Totals(cal, p, func(yield func(dossier.Facts) bool) {
		for d := range ds {
			if !yield(d.Facts()) {
				return
			}
		}
	})
	for x := range rs {
		if !p.Contains(x.At) {
			continue
		}
		if err := r.Satisfaction.Add(x.Level); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// period is [from, to) cut just after asOf: what happened at asOf itself
// has happened by then, and stores keep times to the microsecond.
func period(from, to, asOf time.Time) report.Period {
	if next := asOf.Add(time.Microsecond); !asOf.IsZero() && next.Before(to) {
		to = next
	}
	return report.Period{From: from, To: to}
}

// Build makes the report of [from, to), as of asOf, from the dossiers of a
// dossier.Store (through report.Compute, which reads a dossier.FactStore's
// facts) and the ratings of a Store. The first error reading either store
// is returned, and reading stops there.
func Build(ctx context.Context, cal *sla.Calendar, dossiers dossier.Store, ratings Store, from, to, asOf time.Time) (Report, error) {
	p := period(from, to, asOf)
	st, err := report.Compute(ctx, report.Query{Store: dossiers, Calendar: cal, Period: p, By: report.ByAgency})
	if err != nil {
		return Report{}, err
	}
	r := Report{From: from, To: to, Counts: st.Total}
	for x, err := range ratings.List(ctx, p.From, p.To) {
		if err != nil {
			return Report{}, err
		}
		if err := r.Satisfaction.Add(x.Level); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// A Count is a number of dossiers or ratings with its share of their whole.
type Count struct {
	N     int     `json:"count"`
	Share Percent `json:"share"`
}

// A ChannelCount is the number of dossiers received by a channel, with its
// share of all received.
type ChannelCount struct {
	Channel procedure.Channel
	Count
}

// ByChannel returns the dossiers received in the period by each channel,
// direct, online and postal, with their shares of all received.
func (r Report) ByChannel() []ChannelCount {
	c := r.Counts
	chans := []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}
	counts := []int{c.DirectOrPostal - c.Postal, c.Online, c.Postal}
	shares := Shares(counts...)
	out := make([]ChannelCount, len(chans))
	for i, ch := range chans {
		out[i] = ChannelCount{ch, Count{counts[i], shares[i]}}
	}
	return out
}

// Timeliness returns the resolved dossiers that were early, on time and
// late, with their shares of all resolved.
func (r Report) Timeliness() (early, onTime, late Count) {
	s := r.Counts
	sh := Shares(s.Early, s.OnTime, s.Late)
	return Count{s.Early, sh[0]}, Count{s.OnTime, sh[1]}, Count{s.Late, sh[2]}
}

// OnTimeRate returns (early + on time) ÷ resolved, the rate the reports
// print, as the sum of the early and on-time shares that Timeliness gives,
// so that the figures printed together agree: 25,82% + 74,08% = 99,90%. It
// is at most a hundredth from Ratio(early+onTime, resolved), which can
// differ (with 245 early, 703 on time and 1 late, the shares say 99,90% and
// the ratio 99,89%). It is 0 with nothing resolved.
func (r Report) OnTimeRate() Percent {
	early, onTime, _ := r.Timeliness()
	return early.Share + onTime.Share
}

// Ratings returns the ratings of each level with their shares of all
// ratings: very satisfied, satisfied, unsatisfied.
func (r Report) Ratings() (verySatisfied, satisfied, unsatisfied Count) {
	t := r.Satisfaction
	sh := t.Shares()
	return Count{t.Count(VerySatisfied), sh[0]}, Count{t.Count(Satisfied), sh[1]}, Count{t.Count(Unsatisfied), sh[2]}
}

// Growth returns the change in dossiers received against the previous
// period, as a share of the previous period: 394,11% when 86.964 follow
// 17.600. It is false when PreviousReceived is zero.
func (r Report) Growth() (Percent, bool) {
	if r.PreviousReceived == 0 {
		return 0, false
	}
	return Ratio(r.Counts.Received()-r.PreviousReceived, r.PreviousReceived), true
}

// channelPhrase says how a dossier came in, after "Nộp": "trực tiếp",
// "trực tuyến", "qua dịch vụ bưu chính công ích".
func channelPhrase(ch procedure.Channel) string {
	if ch == procedure.Postal {
		return "qua " + ch.String()
	}
	return ch.String()
}

// WriteText writes the report in Vietnamese, as the provinces' press
// releases put it: numbers with a dot between thousands and shares with a
// decimal comma, such as 51.198 hồ sơ (58,87%).
func (r Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { vi.Fprintf(bw, format, a...) }
	s := r.Counts

	p("BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH\n")
	if !r.From.IsZero() && !r.To.IsZero() {
		p("Từ ngày %s đến ngày %s\n", dmy(r.From), dmy(r.To.Add(-time.Nanosecond)))
	}
	p("\n")

	p("Tiếp nhận %d hồ sơ", s.Received())
	if g, ok := r.Growth(); ok {
		verb := "tăng"
		if g < 0 {
			verb, g = "giảm", -g
		}
		p(", %s %d hồ sơ (%v) so với kỳ trước (%d hồ sơ)", verb, absInt(s.Received()-r.PreviousReceived), g, r.PreviousReceived)
	}
	p(", trong đó:\n")
	chans := r.ByChannel()
	for i, c := range chans {
		end := ";"
		if i == len(chans)-1 {
			end = "."
		}
		p("- Nộp %s: %d hồ sơ (%v)%s\n", channelPhrase(c.Channel), c.N, c.Share, end)
	}

	early, onTime, late := r.Timeliness()
	p("\nĐã giải quyết %d hồ sơ, trong đó:\n", s.Resolved)
	p("- Trước hạn: %d hồ sơ (%v);\n", early.N, early.Share)
	p("- Đúng hạn: %d hồ sơ (%v);\n", onTime.N, onTime.Share)
	p("- Quá hạn: %d hồ sơ (%v).\n", late.N, late.Share)
	p("Tỷ lệ giải quyết trước hạn và đúng hạn: %v.\n", r.OnTimeRate())

	if s.CarriedOver > 0 {
		p("Kỳ trước chuyển qua %d hồ sơ.\n", s.CarriedOver)
	}
	p("\nĐang giải quyết %d hồ sơ: trong hạn %d, quá hạn %d.\n", s.Pending, s.PendingInTime, s.PendingOverdue)
	if s.Refused+s.Withdrawn+s.Stopped > 0 {
		p("Từ chối %d hồ sơ; rút %d hồ sơ; dừng xử lý %d hồ sơ.\n", s.Refused, s.Withdrawn, s.Stopped)
	}

	vs, sat, uns := r.Ratings()
	p("\nMức độ hài lòng qua %d lượt đánh giá:\n", r.Satisfaction.Total())
	p("- %v: %d lượt (%v);\n", VerySatisfied, vs.N, vs.Share)
	p("- %v: %d lượt (%v);\n", Satisfied, sat.N, sat.Share)
	p("- %v: %d lượt (%v).\n", Unsatisfied, uns.N, uns.Share)
	return bw.Flush()
}

// dmy writes t's date in ICT as 31/12/2020.
func dmy(t time.Time) string { return t.In(sla.ICT).Format("02/01/2006") }

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// The JSON form of a Report; see WriteJSON.
type (
	jsonReport struct {
		From         time.Time        `json:"from"`
		To           time.Time        `json:"to"`
		Received     jsonReceived     `json:"received"`
		Resolved     jsonResolved     `json:"resolved"`
		Open         jsonOpen         `json:"open"`
		Refused      int              `json:"refused"`
		Withdrawn    int              `json:"withdrawn"`
		Stopped      int              `json:"stopped"`
		Satisfaction jsonSatisfaction `json:"satisfaction"`
	}
	jsonReceived struct {
		Total       int           `json:"total"`
		CarriedOver int           `json:"carriedOver"`
		Previous    int           `json:"previous,omitempty"`
		Growth      *Percent      `json:"growth,omitempty"`
		ByChannel   []jsonChannel `json:"byChannel"`
	}
	jsonChannel struct {
		Code uint8  `json:"code"`
		Name string `json:"name,omitempty"`
		Count
	}
	jsonResolved struct {
		Total      int     `json:"total"`
		Early      Count   `json:"early"`
		OnTime     Count   `json:"onTime"`
		Late       Count   `json:"late"`
		OnTimeRate Percent `json:"onTimeRate"`
	}
	jsonOpen struct {
		Total   int `json:"total"`
		InTime  int `json:"inTime"`
		Overdue int `json:"overdue"`
	}
	jsonSatisfaction struct {
		Total         int   `json:"total"`
		VerySatisfied Count `json:"verySatisfied"`
		Satisfied     Count `json:"satisfied"`
		Unsatisfied   Count `json:"unsatisfied"`
	}
)

// WriteJSON writes the report for machines, as one indented JSON object.
// Shares are numbers of percent with two decimals (95.66); channels carry
// the portal's code and the catalogue's name ("direct", "online",
// "postal"):
//
//	{"from": "2020-01-01T00:00:00+07:00", "to": "2021-01-01T00:00:00+07:00",
//	 "received": {"total": 86964, "previous": 17600, "growth": 394.11,
//	              "byChannel": [{"code": 1, "name": "direct", "count": 51198, "share": 58.87}, …]},
//	 "resolved": {"total": 84772, "early": {"count": 21888, "share": 25.82}, …, "onTimeRate": 99.9},
//	 "open": {"total": 2192, "inTime": 2192, "overdue": 0},
//	 "refused": 0, "withdrawn": 0, "stopped": 0,
//	 "satisfaction": {"total": 10252, "verySatisfied": {"count": 9807, "share": 95.66}, …}}
func (r Report) WriteJSON(w io.Writer) error {
	s := r.Counts
	j := jsonReport{From: r.From, To: r.To, Refused: s.Refused, Withdrawn: s.Withdrawn, Stopped: s.Stopped}
	j.Received.Total, j.Received.CarriedOver, j.Received.Previous = s.Received(), s.CarriedOver, r.PreviousReceived
	if g, ok := r.Growth(); ok {
		j.Received.Growth = &g
	}
	for _, c := range r.ByChannel() {
		jc := jsonChannel{Code: uint8(c.Channel), Count: c.Count}
		if b, err := c.Channel.MarshalText(); err == nil {
			jc.Name = string(b)
		}
		j.Received.ByChannel = append(j.Received.ByChannel, jc)
	}
	j.Resolved.Total = s.Resolved
	j.Resolved.Early, j.Resolved.OnTime, j.Resolved.Late = r.Timeliness()
	j.Resolved.OnTimeRate = r.OnTimeRate()
	j.Open = jsonOpen{s.Pending, s.PendingInTime, s.PendingOverdue}
	j.Satisfaction.Total = r.Satisfaction.Total()
	j.Satisfaction.VerySatisfied, j.Satisfaction.Satisfied, j.Satisfaction.Unsatisfied = r.Ratings()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
