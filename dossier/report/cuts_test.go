package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/internal/simulate"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

var cutsPeriod = report.Period{From: at("2025-02-01 00:00"), To: at("2025-06-01 00:00")}

// cutsStore holds, from 3/2/2025, one dossier a working day of each
// procedure, resolved after the working hours given.
func cutsStore(t *testing.T) dossier.Store {
	s := memstore.New()
	d := newDeskOf(t, s, simulate.Catalog())
	cal := sla.Default()
	after := func(t time.Time, h int) time.Time {
		due, err := cal.Due(t, sla.WorkingHours(h))
		if err != nil {
			panic(err) // fixed times in 2025, inside the calendar
		}
		return due
	}
	stamp := func(t time.Time) string { return t.Format("2006-01-02 15:04") }
	resolve := func(c dossier.Code, when time.Time) {
		d.do(stamp(when), func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) { return s.Resolve(ctx, c, "B") })
	}
	day := sla.Date{Year: 2025, Month: 2, Day: 3}
	for i := range 30 {
		start := day.At(7, 30)
		// The building permit (10 working days): 27 in 13 h, 3 in 40 h
		// (5 days); the first waits 24 working hours for a supplement,
		// which does not count.
		c := d.receive(stamp(start), simulate.GenerousCode, procedure.Direct)
		switch {
		case i == 0:
			d.do(stamp(after(start, 1)), func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
				return s.RequestSupplement(ctx, c, "B", "Thiếu bản vẽ")
			})
			back := after(after(start, 1), 24)
			d.do(stamp(back), func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
				return s.Supplement(ctx, c, "A")
			})
			resolve(c, after(back, 12))
		case i >= 27:
			resolve(c, after(start, 40))
		default:
			resolve(c, after(start, 13))
		}
		// Birth (3 working days) in 13 h: 1,625 days, over half the limit.
		resolve(d.receive(stamp(start.Add(time.Minute)), simulate.BirthCode, procedure.Direct), after(start.Add(time.Minute), 13))
		// Certification (4 working hours) in 1 h.
		resolve(d.receive(stamp(start.Add(2*time.Minute)), certify, procedure.Direct), after(start.Add(2*time.Minute), 1))
		// Calendar days: left out.
		resolve(d.receive(stamp(start.Add(3*time.Minute)), simulate.CalendarCode, procedure.Direct), after(start.Add(3*time.Minute), 1))
		// Land, 29 only: too few.
		if i > 0 {
			resolve(d.receive(stamp(start.Add(4*time.Minute)), simulate.LandCode, procedure.Direct), after(start.Add(4*time.Minute), 1))
		}
		day = cal.AddWorkdays(day, 1)
	}
	return s
}

func TestCuts(t *testing.T) {
	t.Parallel()
	s := cutsStore(t)
	q := report.Query{Store: s, Catalog: simulate.Catalog(), Period: cutsPeriod}
	got, err := report.Cuts(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, []report.Cut{
		{Procedure: simulate.BirthCode, Name: "Thủ tục đăng ký khai sinh", Limit: sla.WorkingDays(3), Resolved: 30,
			Median: 1.625, P90: 1.625, Max: 1.625, Percentile: 90, Basis: 1.625},
		{Procedure: simulate.GenerousCode, Name: "Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ", Limit: sla.WorkingDays(10), Resolved: 30,
			Median: 1.625, P90: 1.625, Max: 5, Percentile: 90, Basis: 1.625, Proposed: sla.WorkingDays(2)},
		{Procedure: certify, Name: "Thủ tục chứng thực bản sao từ bản chính", Limit: sla.WorkingHours(4), Resolved: 30,
			Median: 1, P90: 1, Max: 1, Percentile: 90, Basis: 1, Proposed: sla.WorkingHours(1)},
	}, got)
	var lines []string
	for _, c := range got {
		lines = append(lines, c.String())
	}
	assert.Equal(t, []string{
		"1.001193: 90% xong trong 1,6 ngày làm việc / thời hạn 3 ngày",
		"1.001776: 90% xong trong 1,6 ngày làm việc / thời hạn 10 ngày → đề xuất 2 ngày",
		"2.001159: 90% xong trong 1,0 giờ làm việc / thời hạn 4 giờ → đề xuất 1 giờ",
	}, lines)
	assert.False(t, got[0].Proposes())
	assert.True(t, got[1].Proposes())
}

func TestCutsOptions(t *testing.T) {
	t.Parallel()
	s := cutsStore(t)
	proposals := func(o report.CutOptions) map[string]string {
		got, err := report.Cuts(context.Background(), report.Query{Store: s, Catalog: simulate.Catalog(), Period: cutsPeriod, Cuts: o})
		require.NoError(t, err)
		out := map[string]string{}
		for _, c := range got {
			out[c.Procedure] = ""
			if c.Proposes() {
				out[c.Procedure] = c.Proposed.String()
			}
		}
		return out
	}
	tests := []struct {
		name string
		opt  report.CutOptions
		want map[string]string
	}{
		{"31 dossiers needed", report.CutOptions{MinResolved: 31}, map[string]string{}},
		{"29 are enough for land", report.CutOptions{MinResolved: 29}, map[string]string{
			simulate.BirthCode: "", simulate.GenerousCode: "02 ngày làm việc", certify: "01 giờ làm việc", simulate.LandCode: "01 ngày làm việc"}},
		{"every dossier must fit", report.CutOptions{Percentile: 100}, map[string]string{
			simulate.BirthCode: "", simulate.GenerousCode: "05 ngày làm việc", certify: "01 giờ làm việc"}},
		{"a tenth of the limit", report.CutOptions{MaxShare: 0.1}, map[string]string{
			simulate.BirthCode: "", simulate.GenerousCode: "", certify: ""}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, proposals(tt.opt), tt.name)
	}
}

func TestCutsErrors(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	cat := simulate.Catalog()
	for name, q := range map[string]report.Query{
		"no catalogue":     {Store: s, Period: cutsPeriod},
		"percentile 101":   {Store: s, Catalog: cat, Period: cutsPeriod, Cuts: report.CutOptions{Percentile: 101}},
		"share over 1":     {Store: s, Catalog: cat, Period: cutsPeriod, Cuts: report.CutOptions{MaxShare: 2}},
		"negative minimum": {Store: s, Catalog: cat, Period: cutsPeriod, Cuts: report.CutOptions{MinResolved: -1}},
		"negative share":   {Store: s, Catalog: cat, Period: cutsPeriod, Cuts: report.CutOptions{MaxShare: -0.5}},
		"no period":        {Store: s, Catalog: cat},
	} {
		_, err := report.Cuts(context.Background(), q)
		assert.ErrorIs(t, err, report.ErrQuery, name)
	}
}
