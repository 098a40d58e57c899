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
)

const certify = "2.001159" // 04 giờ làm việc, no steps

var marchPeriod = report.Period{From: at("2025-03-01 00:00"), To: at("2025-04-01 00:00")}

// march fills s with four dossiers resolved in March 2025, worked by hand
// on the desk hours 07:30–11:30, 13:00–17:00, with the year's steps: land
// is 5 working days (Tiếp nhận 4 h, Thẩm định 3 days, Phê duyệt 1 day, Trả
// kết quả 4 h).
func march(t *testing.T, s dossier.Store) {
	d := newDeskOf(t, s, simulate.Catalog())
	transfer := func(c dossier.Code, when string) {
		d.do(when, func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
			return s.Transfer(ctx, c, "cán bộ", "bước sau")
		})
	}
	resolve := func(c dossier.Code, when string) {
		d.do(when, func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) { return s.Resolve(ctx, c, "B") })
	}
	// L1, land, due Fri 7/3 17:00. Tiếp nhận in time (due 11:30).
	// Thẩm định due Thu 6/3 11:30, done Mon 10/3 11:30: 16 h lost.
	// Phê duyệt due Tue 11/3 11:30, done Wed 12/3 09:00: 5,5 h lost.
	// Trả kết quả due Wed 14:30, resolved 13:30. Overrun 8 + 8 + 4,5 = 20,5 h.
	l1 := d.receive("2025-03-03 07:30", simulate.LandCode, procedure.Direct)
	transfer(l1, "2025-03-03 11:30")
	transfer(l1, "2025-03-10 11:30")
	transfer(l1, "2025-03-12 09:00")
	resolve(l1, "2025-03-12 13:30")
	// L2, a certification without steps, due 11:30, resolved 13:30: 0,5 h
	// late with no step to blame.
	l2 := d.receive("2025-03-03 07:30", certify, procedure.Direct)
	resolve(l2, "2025-03-03 13:30")
	// L3, land, early.
	l3 := d.receive("2025-03-04 07:30", simulate.LandCode, procedure.Online)
	transfer(l3, "2025-03-04 08:00")
	transfer(l3, "2025-03-04 09:00")
	transfer(l3, "2025-03-04 10:00")
	resolve(l3, "2025-03-04 10:30")
	// L4, land, two supplement requests and every step in time: late, by
	// 0 h, with no step to blame.
	l4 := d.receive("2025-03-17 07:30", simulate.LandCode, procedure.Direct)
	for i, when := range []string{"2025-03-17 08:00", "2025-03-17 09:00", "2025-03-17 10:00", "2025-03-17 11:00"} {
		d.do(when, func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
			if i%2 == 0 {
				return s.RequestSupplement(ctx, l4, "B", "Thiếu giấy tờ")
			}
			return s.Supplement(ctx, l4, "A")
		})
	}
	transfer(l4, "2025-03-17 11:15")
	transfer(l4, "2025-03-17 13:00")
	transfer(l4, "2025-03-17 13:15")
	resolve(l4, "2025-03-17 13:30")
	// Resolved late in April: not March's.
	l5 := d.receive("2025-03-31 07:30", certify, procedure.Direct)
	resolve(l5, "2025-04-01 13:30")
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

func TestLateHandWorked(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	march(t, s)
	a, err := report.Late(context.Background(), report.Query{Store: s, Catalog: simulate.Catalog(), Period: marchPeriod})
	require.NoError(t, err)

	land, cert := simulate.LandCode, certify
	thamDinh := report.StepLoss{Procedure: land, Step: simulate.SlowStep, Late: 1, Lost: hours(16)}
	pheDuyet := report.StepLoss{Procedure: land, Step: "Phê duyệt kết quả", Late: 1, Lost: hours(5.5)}
	certNone := report.StepLoss{Procedure: cert, Step: report.NoStep, Late: 1, Lost: hours(0.5)}
	landNone := report.StepLoss{Procedure: land, Step: report.NoStep, Late: 1, Lost: 0}

	assert.Equal(t, report.LateGroup{
		Key: "", Name: report.TotalLabel, Resolved: 4, Late: 3,
		Median: hours(0.5), P90: hours(20.5), // overruns 0, 0,5 and 20,5 h
		Steps: []report.StepLoss{thamDinh, pheDuyet, certNone, landNone},
	}, a.Total)
	assert.Equal(t, []report.LateGroup{
		{Key: land, Name: "Thủ tục đăng ký biến động đất đai", Resolved: 3, Late: 2, Median: 0, P90: hours(20.5),
			Steps: []report.StepLoss{thamDinh, pheDuyet, landNone}},
		{Key: cert, Name: "Thủ tục chứng thực bản sao từ bản chính", Resolved: 1, Late: 1, Median: hours(0.5), P90: hours(0.5),
			Steps: []report.StepLoss{certNone}},
	}, a.ByProcedure)
	require.Len(t, a.ByAgency, 1)
	assert.Equal(t, simulate.Agency, a.ByAgency[0].Key)
	assert.Equal(t, 4, a.ByAgency[0].Resolved)
	assert.Equal(t, 3, a.ByAgency[0].Late)
	assert.Equal(t, a.Total.Steps, a.ByAgency[0].Steps)

	var steps []string
	for _, g := range a.Steps {
		steps = append(steps, g.Key+" "+g.Name)
		require.Len(t, g.Steps, 1, "a step's group holds the step")
		assert.Equal(t, g.Name, g.Steps[0].Step)
	}
	assert.Equal(t, []string{land + " " + simulate.SlowStep, land + " Phê duyệt kết quả", cert + " " + report.NoStep, land + " " + report.NoStep}, steps,
		"ranked by the working time lost")
	assert.Equal(t, 3, a.Steps[0].Resolved, "a step's group is over its procedure's resolved dossiers")
	assert.Equal(t, report.Share{Part: 2, Whole: 3}, a.ByProcedure[0].Share())
	assert.Equal(t, "66,67%", a.ByProcedure[0].Share().String())
}

func TestLateAgreesWithCompute(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	ctx := context.Background()
	for _, p := range []report.Period{aprilPeriod, {From: at("2025-03-01 00:00"), To: at("2025-06-01 00:00")}} {
		st, err := report.Compute(ctx, report.Query{Store: s, Catalog: catalog, Period: p, By: report.ByProcedure})
		require.NoError(t, err)
		a, err := report.Late(ctx, report.Query{Store: s, Period: p}) // no catalogue: names unknown
		require.NoError(t, err)
		assert.Equal(t, st.Total.Resolved, a.Total.Resolved)
		assert.Equal(t, st.Total.Late, a.Total.Late)
		late := map[string]int{}
		for _, r := range st.Rows {
			if r.Late > 0 {
				late[r.Key] = r.Late
			}
		}
		got := map[string]int{}
		for _, g := range a.ByProcedure {
			got[g.Key] = g.Late
		}
		assert.Equal(t, late, got)
		// The steps carry every late dossier once at least.
		n := 0
		for _, g := range a.Steps {
			n += g.Late
		}
		assert.GreaterOrEqual(t, n, a.Total.Late)
	}
}

func TestLateErrors(t *testing.T) {
	t.Parallel()
	_, err := report.Late(context.Background(), report.Query{Period: aprilPeriod})
	assert.ErrorIs(t, err, report.ErrQuery)
	_, err = report.Late(context.Background(), report.Query{Store: failingStore{memstore.New()}, Period: aprilPeriod})
	assert.ErrorIs(t, err, errDisk)
}
