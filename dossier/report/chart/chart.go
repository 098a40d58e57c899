// Package chart draws the charts of a period report as SVG, on the
// server, with no JavaScript: a page embeds them as they are, and a
// browser shows each bar's figure as its tooltip (an SVG title).
//
// # Charts
//
//   - ReceivedByMonth: the dossiers received each month, stacked by
//     channel (direct, online, public postal service);
//   - ResolvedByMonth: the dossiers resolved each month, stacked early, on
//     time and late;
//   - OnTime: the on-time rate, (early + on time) ÷ resolved, of each row
//     of a Statistics, such as each field;
//   - Satisfaction: the shares of the three levels of satisfaction, given
//     by the caller (the ratings' tally has them).
//
// The monthly charts take report.ByMonth's months, which count each month
// as report.Compute counts a period, in one pass over the dossiers' facts.
//
// # Drawing
//
// Labels are Vietnamese, XML-escaped; numbers are written the Vietnamese
// way (1.234, 58,87%). A vertical chart's value axis starts at 0 and
// steps by a "nice" whole number (1, 2, 2,5 or 5 times a power of ten),
// at most five steps, up to the first tick at or above the tallest stack;
// a bar's height is its value on that scale, and stacked bars add up. Every bar is a rect of class "bar"
// with data-series, data-category and data-value attributes, and every
// tick a line of class "tick" with data-value, so that tests and
// stylesheets can find them.
package chart

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/sla"
)

// The size of every chart, in SVG user units (pixels).
const (
	Width  = 760
	Height = 420
)

// The plot area within the chart: the margins leave room for the title,
// the legend, the value axis and the categories' labels.
const (
	marginLeft   = 80
	marginRight  = 20
	marginTop    = 70
	marginBottom = 50
	plotWidth    = Width - marginLeft - marginRight
	plotHeight   = Height - marginTop - marginBottom
	ticks        = 5 // intervals on the value axis, at most
)

// ErrNoData means there is nothing to draw: no months, no rows.
var ErrNoData = errors.New("chart: nothing to draw")

// Colours of the series, from a palette that stays distinct for readers
// with colour-blindness (Okabe–Ito).
const (
	blue   = "#0072B2"
	orange = "#E69F00"
	green  = "#009E73"
	red    = "#D55E00"
	sky    = "#56B4E9"
	grey   = "#999999"
)

// A series is one stacked layer of a vertical chart.
type series struct {
	name, color string
	values      []float64
}

// ReceivedByMonth draws the dossiers received each month, stacked by the
// channel they were filed through: direct, online, postal.
func ReceivedByMonth(w io.Writer, months []report.Month) error {
	if len(months) == 0 {
		return ErrNoData
	}
	direct, online, postal := series{"Trực tiếp", blue, nil}, series{"Trực tuyến", orange, nil}, series{"Bưu chính công ích", green, nil}
	for _, m := range months {
		direct.values = append(direct.values, float64(m.DirectOrPostal-m.Postal))
		online.values = append(online.values, float64(m.Online))
		postal.values = append(postal.values, float64(m.Postal))
	}
	return stacked(w, "Hồ sơ tiếp nhận theo kênh, theo tháng", span(months), monthLabels(months), []series{direct, online, postal})
}

// ResolvedByMonth draws the dossiers resolved each month, stacked early,
// on time and late.
func ResolvedByMonth(w io.Writer, months []report.Month) error {
	if len(months) == 0 {
		return ErrNoData
	}
	early, onTime, late := series{"Trước hạn", green, nil}, series{"Đúng hạn", sky, nil}, series{"Quá hạn", red, nil}
	for _, m := range months {
		early.values = append(early.values, float64(m.Early))
		onTime.values = append(onTime.values, float64(m.OnTime))
		late.values = append(late.values, float64(m.Late))
	}
	return stacked(w, "Kết quả giải quyết hồ sơ theo tháng", span(months), monthLabels(months), []series{early, onTime, late})
}

// OnTime draws the on-time rate of each row of s, (early + on time) ÷
// resolved, as horizontal bars on a scale of 0 to 100%. A row with nothing
// resolved has no bar and says so.
func OnTime(w io.Writer, s *report.Statistics) error {
	if s == nil || len(s.Rows) == 0 {
		return ErrNoData
	}
	var bars []hbar
	for _, r := range s.Rows {
		b := hbar{label: r.Name, share: r.OnTimeRate(), color: green}
		if r.Resolved == 0 {
			b.note = "chưa có hồ sơ giải quyết"
		}
		bars = append(bars, b)
	}
	title := "Tỷ lệ giải quyết trước hạn và đúng hạn theo " + strings.ToLower(s.By.RowHeader())
	return horizontal(w, title, "Kỳ báo cáo: "+s.Period.String(), bars)
}

// Satisfaction draws the shares of the three levels of satisfaction, in
// percent (95.66 for 95,66%), as horizontal bars: very satisfied,
// satisfied, not satisfied. The shares are over the ratings, as a tally
// of ratings gives them; a share outside 0–100 is an error.
func Satisfaction(w io.Writer, verySatisfied, satisfied, unsatisfied float64) error {
	bars := []hbar{
		{label: "Rất hài lòng", share: verySatisfied / 100, color: green},
		{label: "Hài lòng", share: satisfied / 100, color: sky},
		{label: "Không hài lòng", share: unsatisfied / 100, color: red},
	}
	for _, b := range bars {
		if !(b.share >= 0 && b.share <= 1) {
			return fmt.Errorf("chart: a share of %v%% for %q is outside 0–100", 100*b.share, b.label)
		}
	}
	return horizontal(w, "Mức độ hài lòng của người dân, doanh nghiệp", "Tỷ lệ trên tổng số lượt đánh giá", bars)
}

func span(months []report.Month) string {
	return "Kỳ báo cáo: " + report.Period{From: months[0].Period.From, To: months[len(months)-1].Period.To}.String()
}

func monthLabels(months []report.Month) []string {
	var out []string
	for _, m := range months {
		out = append(out, m.Period.From.In(sla.ICT).Format("01/2006"))
	}
	return out
}

// axis returns a value axis from 0 that holds most: a nice step (1, 2,
// 2,5 or 5 times a power of ten, a whole number) and the fewest intervals
// of it, at most ticks, that reach most. With nothing to hold, it is 0 to
// 5 by 1.
func axis(most float64) (step float64, n int) {
	if most <= 0 {
		return 1, ticks
	}
	for p := 1.0; ; p *= 10 {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step = m * p
			if step != math.Trunc(step) {
				continue
			}
			if n = int(math.Ceil(most / step)); n <= ticks {
				return step, n
			}
		}
	}
}

// svg writes an SVG document and keeps the first error.
type svg struct {
	w   *bufio.Writer
	err error
}

func (s *svg) printf(format string, args ...any) {
	if s.err == nil {
		_, s.err = fmt.Fprintf(s.w, format, args...)
	}
}

func (s *svg) begin(title, subtitle string) {
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Arial, Helvetica, sans-serif" font-size="12" role="img" aria-label="%s">`+"\n",
		Width, Height, Width, Height, esc(title))
	s.printf(`<title>%s</title>`+"\n", esc(title))
	s.printf(`<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", Width, Height)
	s.printf(`<text class="title" x="%d" y="22" text-anchor="middle" font-size="16" font-weight="bold">%s</text>`+"\n", Width/2, esc(title))
	s.printf(`<text class="subtitle" x="%d" y="40" text-anchor="middle" fill="#555555">%s</text>`+"\n", Width/2, esc(subtitle))
}

func (s *svg) end() error {
	s.printf("</svg>\n")
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// stacked draws a vertical bar per category with the series stacked on
// it, the first at the bottom.
func stacked(w io.Writer, title, subtitle string, categories []string, layers []series) error {
	most := 0.0
	for i := range categories {
		t := 0.0
		for _, l := range layers {
			t += l.values[i]
		}
		most = max(most, t)
	}
	step, n := axis(most)
	top := step * float64(n)
	s := &svg{w: bufio.NewWriter(w)}
	s.begin(title, subtitle)
	// Legend, under the subtitle.
	x := float64(marginLeft)
	for _, l := range layers {
		s.printf(`<rect class="legend" x="%s" y="50" width="12" height="12" fill="%s"/><text x="%s" y="60">%s</text>`+"\n",
			num(x), l.color, num(x+16), esc(l.name))
		x += 16 + 8*float64(len([]rune(l.name))) + 24
	}
	bottom := float64(marginTop + plotHeight)
	y := func(v float64) float64 { return bottom - v/top*plotHeight }
	s.printf(`<g class="axis">` + "\n")
	for i := 0; i <= n; i++ {
		v := step * float64(i)
		s.printf(`<line class="tick" data-value="%s" x1="%d" y1="%s" x2="%d" y2="%s" stroke="#dddddd"/>`+"\n",
			num(v), marginLeft, num(y(v)), marginLeft+plotWidth, num(y(v)))
		s.printf(`<text class="tick-label" x="%d" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
			marginLeft-8, num(y(v)), report.Number(int(v)))
	}
	s.printf(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#333333"/>`+"\n", marginLeft, num(bottom), marginLeft+plotWidth, num(bottom))
	s.printf("</g>\n")
	slot := float64(plotWidth) / float64(len(categories))
	bw := slot * 0.7
	for i, c := range categories {
		x := float64(marginLeft) + slot*float64(i) + (slot-bw)/2
		base := 0.0
		s.printf(`<g class="category" data-category="%s">`+"\n", esc(c))
		for _, l := range layers {
			v := l.values[i]
			s.printf(`<rect class="bar" data-series="%s" data-category="%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s, %s: %s</title></rect>`+"\n",
				esc(l.name), esc(c), num(v), num(x), num(y(base+v)), num(bw), num(y(base)-y(base+v)), l.color,
				esc(l.name), esc(c), report.Number(int(v)))
			base += v
		}
		s.printf(`<text class="category-label" x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(x+bw/2), num(bottom+18), esc(c))
		s.printf("</g>\n")
	}
	return s.end()
}

// An hbar is one horizontal bar: a share from 0 to 1.
type hbar struct {
	label, color string
	share        float64
	note         string // said instead of the figure
}

// horizontal draws a horizontal bar per label on a scale of 0 to 100%.
func horizontal(w io.Writer, title, subtitle string, bars []hbar) error {
	const labelWidth = 220
	left := float64(marginLeft + labelWidth - 60)
	width := float64(Width-marginRight-80) - left // room for the figure on the right
	s := &svg{w: bufio.NewWriter(w)}
	s.begin(title, subtitle)
	bottom := float64(marginTop + plotHeight)
	x := func(r float64) float64 { return left + r*width }
	s.printf(`<g class="axis">` + "\n")
	for i := 0; i <= ticks; i++ {
		r := float64(i) / ticks
		s.printf(`<line class="tick" data-value="%s" x1="%s" y1="%d" x2="%s" y2="%s" stroke="#dddddd"/>`+"\n",
			num(100*r), num(x(r)), marginTop, num(x(r)), num(bottom))
		s.printf(`<text class="tick-label" x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(x(r)), num(bottom+18), vi(100*r, 0))
	}
	s.printf("</g>\n")
	slot := float64(plotHeight) / float64(len(bars))
	bh := math.Min(slot*0.7, 40)
	for i, b := range bars {
		y := float64(marginTop) + slot*float64(i) + (slot-bh)/2
		figure := report.Percent(b.share)
		if b.note != "" {
			figure = b.note
		}
		s.printf(`<text class="bar-label" x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", num(left-8), num(y+bh/2), esc(b.label))
		s.printf(`<rect class="bar" data-category="%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`+"\n",
			esc(b.label), num(100*b.share), num(left), num(y), num(x(b.share)-left), num(bh), b.color, esc(b.label), esc(figure))
		s.printf(`<text class="figure" x="%s" y="%s" dominant-baseline="middle">%s</text>`+"\n", num(x(b.share)+6), num(y+bh/2), esc(figure))
	}
	return s.end()
}

// vi writes a percentage of the axis the Vietnamese way: "20%", "12,5%".
func vi(p float64, decimals int) string {
	return strings.Replace(strconv.FormatFloat(p, 'f', decimals, 64), ".", ",", 1) + "%"
}

// num writes a coordinate with at most two decimals.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// esc escapes text for an SVG element or attribute.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
