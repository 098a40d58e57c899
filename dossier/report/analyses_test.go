package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/internal/simulate"
	"github.com/motcua/motcua/sla"
)

var year = sync.OnceValues(func() (*simulate.Year, error) { return simulate.Run(context.Background()) })

func yearQuery(t *testing.T) report.Query {
	y, err := year()
	require.NoError(t, err)
	return report.Query{Store: y.Store, Catalog: y.Catalog, Calendar: y.Calendar, Period: report.Period{From: y.From, To: y.To}}
}

// A year with one step planted slow and one procedure far inside its
// limit, run through dossier.Service: Late ranks the step first, and Cuts
// proposes the procedure by the documented rule.
func TestYearLateAndCuts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := yearQuery(t)
	st, err := report.Compute(ctx, q)
	require.NoError(t, err)
	a, err := report.Late(ctx, q)
	require.NoError(t, err)
	require.NotEmpty(t, a.Total.Steps)
	assert.Equal(t, simulate.LandCode, a.Total.Steps[0].Procedure)
	assert.Equal(t, simulate.SlowStep, a.Total.Steps[0].Step)
	assert.Equal(t, simulate.SlowStep, a.Steps[0].Name)
	assert.Equal(t, st.Total.Resolved, a.Total.Resolved)
	assert.Equal(t, st.Total.Late, a.Total.Late)
	assert.NotZero(t, st.Total.Late)
	for _, g := range a.Steps {
		assert.NotEqual(t, report.NoStep, g.Name, "every late dossier of the year has a late step")
	}
	// Every fourth land dossier: 16 working hours lost at the slow step,
	// 8 late.
	assert.Equal(t, 16*hour*int64(a.Total.Steps[0].Late), int64(a.Total.Steps[0].Lost))
	assert.Equal(t, 8*hour, int64(a.ByProcedure[0].Median))

	cuts, err := report.Cuts(ctx, q)
	require.NoError(t, err)
	proposed := map[string]report.Cut{}
	for _, c := range cuts {
		if c.Proposes() {
			proposed[c.Procedure] = c
		}
	}
	require.Contains(t, proposed, simulate.GenerousCode)
	assert.Len(t, proposed, 1, "only the generous procedure")
	c := proposed[simulate.GenerousCode]
	assert.LessOrEqual(t, c.P90, 0.5*float64(c.Limit.Count()))
	assert.Equal(t, sla.WorkingDays(int(math.Ceil(c.P90))), c.Proposed)
	assert.Equal(t, 1.875, c.P90, "15 working hours, pauses out")
	assert.Equal(t, "1.001776: 90% xong trong 1,9 ngày làm việc / thời hạn 10 ngày → đề xuất 2 ngày", c.String())
}

const hour = int64(3600e9)

func TestChannels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := yearQuery(t)
	q.By = report.ByProcedure
	st, err := report.Compute(ctx, q)
	require.NoError(t, err)
	c, err := report.Channels(ctx, q)
	require.NoError(t, err)
	received := st.Total.Received()
	assert.Equal(t, received, c.Received)
	assert.Equal(t, report.Share{Part: st.Total.Online, Whole: received}, c.Online)
	assert.Equal(t, report.Share{Part: st.Total.Postal, Whole: received}, c.Postal)
	assert.Equal(t, c.Postal, c.ReturnByPost, "the result goes back the way the dossier came")
	online := map[string]int{}
	for _, r := range st.Rows {
		online[r.Key] = r.Online
	}
	assert.Equal(t, online[simulate.BirthCode], c.OnlineFull.Part, "birth is toàn trình")
	assert.Equal(t, online[simulate.LandCode]+online[simulate.GenerousCode], c.OnlinePartial.Part, "land and building are một phần")
	assert.Equal(t, c.OnlineFull, c.Legacy(4))
	assert.Equal(t, c.OnlinePartial, c.Legacy(3))
	assert.Equal(t, report.Share{Whole: received}, c.Legacy(2))
	assert.Equal(t, 5, c.Procedures)
	assert.Equal(t, report.Share{Part: 1, Whole: 5}, c.OnTheSpot)
	assert.Equal(t, report.Share{Part: 2, Whole: 5}, c.FullProcedures)
	assert.Equal(t, report.Share{Part: 2, Whole: 5}, c.PartialProcedures)

	var out bytes.Buffer
	require.NoError(t, c.WriteText(&out))
	assert.Contains(t, out.String(), "Trên "+report.Number(received)+" hồ sơ tiếp nhận trong kỳ:")
	assert.Contains(t, out.String(), "Giải quyết theo hình thức 4 tại chỗ: 1 thủ tục (20,00%)")

	_, err = report.Channels(ctx, report.Query{Store: q.Store, Period: q.Period})
	assert.ErrorIs(t, err, report.ErrQuery, "the catalogue is required")
}

func TestQuality(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	ctx := context.Background()
	in := report.QualityInput{
		Publicity: 10, Synced: report.Share{Part: 80, Whole: 100}, Digitisation: 11,
		Satisfied: report.Share{Part: 95, Whole: 100},
	}
	x, err := report.Quality(ctx, report.Query{Store: s, Period: aprilPeriod}, in)
	require.NoError(t, err)
	// Resolved 5 (early 2, on time 1) and pending 4 (in time 2, one of them
	// paused once): 5 of 9 in time. Received 10, 3 online.
	assert.Equal(t, report.Share{Part: 5, Whole: 9}, x.Progress)
	assert.Equal(t, report.Share{Part: 3, Whole: 5}, x.OnTimeRate)
	assert.Equal(t, report.Share{Part: 3, Whole: 10}, x.Online)
	var pts []float64
	for _, g := range x.Groups {
		pts = append(pts, g.Points)
	}
	// 10 + 6; 20 × (5/9) ÷ 0,8; 12 × 0,3 ÷ 0,5; no fees; 11; 0,95 ≥ 0,9.
	assert.Equal(t, []float64{16, 13.89, 7.2, 0, 11, 18}, pts)
	assert.Equal(t, 66.09, x.Total())
	maxes := 0.0
	for _, g := range x.Groups {
		maxes += g.Max
	}
	assert.Equal(t, 100.0, maxes)

	var out bytes.Buffer
	require.NoError(t, x.WriteText(&out))
	for _, want := range []string{
		"Tổng điểm: 66,09/100",
		"2. Tiến độ giải quyết: 13,89/20,00 điểm",
		"Tỷ lệ hồ sơ đúng hạn (đã và đang giải quyết): 55,56% (5/9; tối đa từ 80%): 13,89/20,00 điểm",
		"Tỷ lệ hồ sơ nộp trực tuyến: 30,00% (3/10; tối đa từ 50%): 7,20/12,00 điểm",
		"Tỷ lệ hồ sơ thanh toán trực tuyến: — (0/0; tối đa từ 80%): 0,00/10,00 điểm",
		"Tỷ lệ giải quyết trước hạn và đúng hạn (Biểu 06, trên hồ sơ đã giải quyết): 60,00%",
	} {
		assert.Contains(t, out.String(), want)
	}

	bad := []report.QualityInput{
		{Publicity: 13},
		{Publicity: math.NaN()},
		{Digitisation: -1},
		{Satisfied: report.Share{Part: 5, Whole: 4}},
		{OnlinePayment: report.Share{Part: -1, Whole: 4}},
	}
	for _, b := range bad {
		_, err := report.Quality(ctx, report.Query{Store: s, Period: aprilPeriod}, b)
		assert.ErrorIs(t, err, report.ErrQuery, "%+v", b)
	}
}

func TestByMonth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	april(t, s)
	for _, q := range []report.Query{
		yearQuery(t),
		{Store: s, Catalog: catalog, Period: report.Period{From: at("2025-03-15 12:00"), To: at("2025-05-10 00:00")}},
	} {
		months, err := report.ByMonth(ctx, q)
		require.NoError(t, err)
		require.NotEmpty(t, months)
		assert.Equal(t, q.Period.From, months[0].Period.From)
		assert.Equal(t, q.Period.To, months[len(months)-1].Period.To)
		for i, m := range months {
			if i > 0 {
				assert.Equal(t, months[i-1].Period.To, m.Period.From)
			}
			q.Period = m.Period
			st, err := report.Compute(ctx, q)
			require.NoError(t, err)
			assert.Equal(t, st.Total, m.Counts, "%v", m.Period)
		}
	}
	q := yearQuery(t)
	months, err := report.ByMonth(ctx, q)
	require.NoError(t, err)
	assert.Len(t, months, 12)
	assert.Equal(t, at("2025-02-01 00:00"), months[1].Period.From)
}

func TestShare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s     report.Share
		ratio float64
		text  string
	}{
		{report.Share{Part: 51198, Whole: 86972}, 51198.0 / 86972, "58,87%"},
		{report.Share{Part: 1, Whole: 3}, 1.0 / 3, "33,33%"},
		{report.Share{Part: 0, Whole: 0}, 0, "—"},
		{report.Share{Part: 7, Whole: 7}, 1, "100,00%"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ratio, tt.s.Ratio())
		assert.Equal(t, tt.text, tt.s.String())
	}
	assert.Equal(t, "12,5 giờ", report.Hours(hours(12.5)))
	assert.Equal(t, "1.234,0 giờ", report.Hours(hours(1234)))
}

// Analyze's single pass gives what each function gives.
func TestAnalyze(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	april(t, s)
	in := report.QualityInput{Publicity: 9, Satisfied: report.Share{Part: 3, Whole: 4}}
	for _, q := range []report.Query{
		yearQuery(t),
		{Store: s, Catalog: catalog, Period: aprilPeriod, By: report.ByLevel, Cuts: report.CutOptions{MinResolved: 1}},
	} {
		got, err := report.Analyze(ctx, q, in)
		require.NoError(t, err)
		st, err := report.Compute(ctx, q)
		require.NoError(t, err)
		late, err := report.Late(ctx, q)
		require.NoError(t, err)
		cuts, err := report.Cuts(ctx, q)
		require.NoError(t, err)
		ch, err := report.Channels(ctx, q)
		require.NoError(t, err)
		x, err := report.Quality(ctx, q, in)
		require.NoError(t, err)
		assert.Equal(t, &report.Analyses{Statistics: st, Late: late, Cuts: cuts, Channels: ch, Quality: x}, got)
	}
	_, err := report.Analyze(ctx, report.Query{Store: s, Period: aprilPeriod, By: report.ByAgency}, in)
	assert.ErrorIs(t, err, report.ErrQuery, "the catalogue is required")
	_, err = report.Analyze(ctx, report.Query{Store: s, Catalog: catalog, Period: aprilPeriod}, report.QualityInput{Publicity: 99})
	assert.ErrorIs(t, err, report.ErrQuery)
}

// The analyses write themselves as JSON, a cut with no proposal too.
func TestAnalysesJSON(t *testing.T) {
	t.Parallel()
	a, err := report.Analyze(context.Background(), yearQuery(t), report.QualityInput{})
	require.NoError(t, err)
	b, err := json.Marshal(a)
	require.NoError(t, err)
	var back struct {
		Cuts []map[string]any
		Late struct{ Total struct{ Late int } }
	}
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back.Cuts, 3)
	assert.Equal(t, "03 ngày làm việc", back.Cuts[0]["limit"])
	assert.NotContains(t, back.Cuts[0], "proposed", "no proposal for birth")
	assert.Equal(t, "02 ngày làm việc", back.Cuts[1]["proposed"])
	assert.Equal(t, a.Late.Total.Late, back.Late.Total.Late)
}

// getFails is a store whose reads of one dossier fail: Get, and a List
// of the codes that holds it, after the dossiers before it.
type getFails struct {
	dossier.Store
	code dossier.Code
	err  error
}

func (s getFails) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	if c == s.code {
		return nil, s.err
	}
	return s.Store.Get(ctx, c)
}

func (s getFails) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		for d, err := range s.Store.List(ctx, f) {
			if err == nil && f.Codes != nil && d.Code == s.code {
				yield(nil, s.err)
				return
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

// The analyses that read dossiers in full fail when a read fails, and
// name the dossier.
func TestAnalysesReadErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := yearQuery(t)
	var late, paused dossier.Code
	for d, err := range q.Store.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		f := d.Facts()
		if tl, ok := d.Timeliness(q.Calendar); ok && tl == sla.Late && late.IsZero() {
			late = d.Code
		}
		if paused.IsZero() && f.Pauses > 0 {
			paused = d.Code
		}
	}
	require.False(t, late.IsZero() || paused.IsZero(), "the year has late and paused dossiers")
	errDown := errors.New("the disk is gone")
	analyze := func(q report.Query) error {
		_, err := report.Analyze(ctx, q, report.QualityInput{Satisfied: report.Share{Part: 1, Whole: 1}})
		return err
	}
	tests := []struct {
		name string
		code dossier.Code
		run  func(q report.Query) error
	}{
		{"Late", late, func(q report.Query) error { _, err := report.Late(ctx, q); return err }},
		{"Cuts", paused, func(q report.Query) error { _, err := report.Cuts(ctx, q); return err }},
		{"Analyze, late", late, analyze},
		{"Analyze, paused", paused, analyze},
	}
	for _, tt := range tests {
		q := q
		q.Store = getFails{q.Store, tt.code, errDown}
		err := tt.run(q)
		assert.ErrorIs(t, err, errDown, tt.name)
		assert.ErrorContains(t, err, tt.code.String(), tt.name)
	}
}

// listFails is a store whose Lists of named dossiers fail after yielding
// half of them, or leave them out.
type listFails struct {
	dossier.Store
	err error // nil: leave them out
}

func (s listFails) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		n := 0
		for d, err := range s.Store.List(ctx, f) {
			if f.Codes != nil && err == nil {
				if n++; n > len(f.Codes)/2 {
					if s.err != nil {
						yield(nil, s.err)
					}
					return
				}
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

// analyzeBoth runs the analyses of the year on its store and on wrap of
// it, and returns both.
func analyzeBoth(t *testing.T, wrap func(dossier.Store) dossier.Store) (want, got *report.Analyses) {
	t.Helper()
	ctx := context.Background()
	q := yearQuery(t)
	in := report.QualityInput{Satisfied: report.Share{Part: 1, Whole: 1}}
	want, err := report.Analyze(ctx, q, in)
	require.NoError(t, err)
	require.NotZero(t, want.Late.Total.Late)
	q.Store = wrap(q.Store)
	got, err = report.Analyze(ctx, q, in)
	require.NoError(t, err)
	return want, got
}

// The analyses read again one at a time the dossiers that a batch read
// failed to give, and come out the same.
func TestAnalysesReadAgain(t *testing.T) {
	t.Parallel()
	for _, err := range []error{errors.New("the network is gone"), nil} {
		want, got := analyzeBoth(t, func(s dossier.Store) dossier.Store { return listFails{s, err} })
		assert.Equal(t, want, got, "List failing with %v", err)
	}
}

// ignoresCodes is a Store written before Filter.Codes: it lists every
// dossier, and counts those it gives to lists asked for codes.
type ignoresCodes struct {
	dossier.Store
	given *atomic.Int64
}

func (s ignoresCodes) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	if f.Codes == nil {
		return s.Store.List(ctx, f)
	}
	f.Codes = nil
	return func(yield func(*dossier.Dossier, error) bool) {
		for d, err := range s.Store.List(ctx, f) {
			s.given.Add(1)
			if !yield(d, err) {
				return
			}
		}
	}
}

// The analyses come out the same on a Store that does not know
// Filter.Codes, and stop asking it for batches at the first dossier that
// shows it, rather than reading the whole store once a batch.
func TestAnalysesStoreWithoutCodes(t *testing.T) {
	t.Parallel()
	var given atomic.Int64
	var all int
	want, got := analyzeBoth(t, func(s dossier.Store) dossier.Store {
		for _, err := range s.List(context.Background(), dossier.Filter{}) {
			require.NoError(t, err)
			all++
		}
		return ignoresCodes{s, &given}
	})
	assert.Equal(t, want, got)
	assert.Less(t, given.Load(), int64(all), "the store's %d dossiers were read whole for a batch", all)
}
