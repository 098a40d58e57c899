package chart_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/chart"
	"github.com/motcua/motcua/dossier/report/internal/simulate"
)

// node is any SVG element, parsed back with encoding/xml.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) float(t *testing.T, name string) float64 {
	x, err := strconv.ParseFloat(n.attr(name), 64)
	require.NoError(t, err, "%s=%q", name, n.attr(name))
	return x
}

// all returns the elements under n (n included) of the given class.
func (n node) all(class string) []node {
	var out []node
	if n.attr("class") == class {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(class)...)
	}
	return out
}

func parse(t *testing.T, draw func(*bytes.Buffer) error) node {
	var buf bytes.Buffer
	require.NoError(t, draw(&buf))
	var root node
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &root), buf.String())
	require.Equal(t, "svg", root.XMLName.Local)
	assert.Equal(t, strconv.Itoa(chart.Width), root.attr("width"))
	assert.Equal(t, strconv.Itoa(chart.Height), root.attr("height"))
	assert.NotContains(t, buf.String(), "<script")
	return root
}

// scale reads a vertical value axis: the ticks' values must be evenly
// spaced from 0, and it returns the y of 0 and the pixels per unit.
func scale(t *testing.T, root node) (zero, perUnit float64, values []float64) {
	ticks := root.all("tick")
	require.GreaterOrEqual(t, len(ticks), 2)
	for _, tk := range ticks {
		values = append(values, tk.float(t, "data-value"))
	}
	assert.Equal(t, 0.0, values[0])
	step := values[1]
	zero = ticks[0].float(t, "y1")
	top := ticks[len(ticks)-1]
	perUnit = (zero - top.float(t, "y1")) / top.float(t, "data-value")
	for i, tk := range ticks {
		assert.Equal(t, step*float64(i), values[i], "evenly spaced ticks")
		assert.InDelta(t, zero-values[i]*perUnit, tk.float(t, "y1"), 0.01, "tick %v on the scale", values[i])
	}
	return zero, perUnit, values
}

var months = sync.OnceValues(func() ([]report.Month, error) {
	y, err := simulate.Run(context.Background())
	if err != nil {
		return nil, err
	}
	return report.ByMonth(context.Background(), report.Query{Store: y.Store, Catalog: y.Catalog, Period: report.Period{From: y.From, To: y.To}})
})

func TestStackedByMonth(t *testing.T) {
	t.Parallel()
	ms, err := months()
	require.NoError(t, err)
	tests := []struct {
		name   string
		draw   func(*bytes.Buffer) error
		series []string
		total  func(report.Month) int
	}{
		{"received", func(b *bytes.Buffer) error { return chart.ReceivedByMonth(b, ms) },
			[]string{"Trực tiếp", "Trực tuyến", "Bưu chính công ích"}, report.Month.Received},
		{"resolved", func(b *bytes.Buffer) error { return chart.ResolvedByMonth(b, ms) },
			[]string{"Trước hạn", "Đúng hạn", "Quá hạn"}, func(m report.Month) int { return m.Resolved }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := parse(t, tt.draw)
			zero, perUnit, ticks := scale(t, root)
			most := 0
			cats := root.all("category")
			require.Len(t, cats, len(ms))
			for i, c := range cats {
				m := ms[i]
				assert.Equal(t, m.Period.From.Format("01/2006"), c.attr("data-category"))
				bars := c.all("bar")
				require.Len(t, bars, len(tt.series))
				base, sum := zero, 0.0
				for j, b := range bars {
					assert.Equal(t, tt.series[j], b.attr("data-series"))
					v := b.float(t, "data-value")
					sum += v
					h := b.float(t, "height")
					assert.InDelta(t, v*perUnit, h, 0.02, "a bar's height is its value on the scale")
					assert.InDelta(t, base, b.float(t, "y")+h, 0.02, "stacked on the one below")
					base = b.float(t, "y")
				}
				assert.Equal(t, float64(tt.total(m)), sum, "the stack adds up to the month's total")
				assert.InDelta(t, zero-float64(tt.total(m))*perUnit, base, 0.05)
				most = max(most, tt.total(m))
			}
			top := ticks[len(ticks)-1]
			assert.GreaterOrEqual(t, top, float64(most), "the axis holds the tallest stack")
			assert.Less(t, top-ticks[1], float64(most), "and no more than a step over it")
		})
	}
}

func TestTickLabels(t *testing.T) {
	t.Parallel()
	ms := []report.Month{{Counts: report.Counts{Online: 4321, DirectOrPostal: 5000}}}
	root := parse(t, func(b *bytes.Buffer) error { return chart.ReceivedByMonth(b, ms) })
	var labels []string
	for _, l := range root.all("tick-label") {
		labels = append(labels, l.Text)
	}
	assert.Equal(t, []string{"0", "2.000", "4.000", "6.000", "8.000", "10.000"}, labels, "Vietnamese thousands")
	bars := root.all("bar")
	require.Len(t, bars, 3)
	assert.Equal(t, "Trực tuyến, 01/0001: 4.321", bars[1].Nodes[0].Text, "the tooltip")

	root = parse(t, func(b *bytes.Buffer) error { return chart.ResolvedByMonth(b, []report.Month{{}}) })
	_, _, ticks := scale(t, root)
	assert.Equal(t, []float64{0, 1, 2, 3, 4, 5}, ticks, "an empty month still has an axis")
}

func TestOnTime(t *testing.T) {
	t.Parallel()
	s := &report.Statistics{By: report.ByField, Rows: []report.Row{
		{Key: "HT", Name: "Hộ tịch", Counts: report.Counts{Resolved: 8, Early: 5, OnTime: 1, Late: 2}},
		{Key: "DD", Name: "Đất đai & nhà ở <thử>", Counts: report.Counts{Resolved: 4, OnTime: 4}},
		{Key: "XD", Name: "Xây dựng"},
	}}
	root := parse(t, func(b *bytes.Buffer) error { return chart.OnTime(b, s) })
	assert.Equal(t, "Tỷ lệ giải quyết trước hạn và đúng hạn theo lĩnh vực", root.all("title")[0].Text)
	ticks := root.all("tick")
	require.Len(t, ticks, 6)
	x0, x100 := ticks[0].float(t, "x1"), ticks[5].float(t, "x1")
	assert.Equal(t, "100", ticks[5].attr("data-value"))
	bars := root.all("bar")
	require.Len(t, bars, 3)
	for i, want := range []float64{75, 100, 0} {
		assert.Equal(t, want, bars[i].float(t, "data-value"))
		assert.InDelta(t, x0, bars[i].float(t, "x"), 0.01)
		assert.InDelta(t, want/100*(x100-x0), bars[i].float(t, "width"), 0.02, "a bar's width is its share")
	}
	var labels, figures []string
	for _, l := range root.all("bar-label") {
		labels = append(labels, l.Text)
	}
	for _, f := range root.all("figure") {
		figures = append(figures, f.Text)
	}
	assert.Equal(t, []string{"Hộ tịch", "Đất đai & nhà ở <thử>", "Xây dựng"}, labels, "escaped and read back")
	assert.Equal(t, []string{"75,00%", "100,00%", "chưa có hồ sơ giải quyết"}, figures)
}

func TestSatisfaction(t *testing.T) {
	t.Parallel()
	root := parse(t, func(b *bytes.Buffer) error { return chart.Satisfaction(b, 95.66, 4.34, 0) })
	var figures []string
	for _, f := range root.all("figure") {
		figures = append(figures, f.Text)
	}
	assert.Equal(t, []string{"95,66%", "4,34%", "0,00%"}, figures)
	bars := root.all("bar")
	require.Len(t, bars, 3)
	assert.InDelta(t, 95.66/4.34, bars[0].float(t, "width")/bars[1].float(t, "width"), 0.01)
	assert.Equal(t, "Rất hài lòng", bars[0].attr("data-category"))

	for _, bad := range [][3]float64{{101, 0, 0}, {-1, 50, 51}} {
		assert.Error(t, chart.Satisfaction(&bytes.Buffer{}, bad[0], bad[1], bad[2]))
	}
}

func TestNoData(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	assert.ErrorIs(t, chart.ReceivedByMonth(&b, nil), chart.ErrNoData)
	assert.ErrorIs(t, chart.ResolvedByMonth(&b, nil), chart.ErrNoData)
	assert.ErrorIs(t, chart.OnTime(&b, &report.Statistics{}), chart.ErrNoData)
	assert.ErrorIs(t, chart.OnTime(&b, nil), chart.ErrNoData)
}
