package rating_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// desk is a one-stop desk with a clock the test moves.
type desk struct {
	now     time.Time
	svc     *dossier.Service
	store   *memstore.Store
	ratings *rating.MemStore
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	d := &desk{store: memstore.New()}
	clock := func() time.Time { return d.now }
	svc, err := dossier.NewService(dossier.Config{Store: d.store, Catalog: procedure.Sample(), Agency: "000.00.01.H26", Now: clock})
	require.NoError(t, err)
	d.svc, d.ratings = svc, rating.NewMemStoreWithClock(clock)
	return d
}

func at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2025, month, day, hour, min, 0, 0, sla.ICT)
}

// receive takes in a dossier for the business registration of a household
// (1.001612, 03 ngày làm việc).
func (d *desk) receive(t *testing.T, when time.Time, ch procedure.Channel) *dossier.Dossier {
	t.Helper()
	d.now = when
	x, err := d.svc.Receive(context.Background(), dossier.Intake{Procedure: "1.001612", Applicant: dossier.Applicant{Name: "Nguyễn Thị Lan"}, Channel: ch, Actor: "cb01"})
	require.NoError(t, err)
	return x
}

func (d *desk) resolve(t *testing.T, x *dossier.Dossier, when time.Time) {
	t.Helper()
	d.now = when
	_, err := d.svc.Resolve(context.Background(), x.Code, "cb02")
	require.NoError(t, err)
}

func (d *desk) rate(t *testing.T, x *dossier.Dossier, l rating.Level, when time.Time) {
	t.Helper()
	d.now = when
	require.NoError(t, rating.Rate(context.Background(), d.svc, d.ratings, rating.Rating{Dossier: x.Code, Level: l, At: when, Channel: procedure.Direct}))
}

// A week of August 2025 at a desk: Monday 4/8 to Friday 8/8.
func TestBuild(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	from, to := at(time.August, 1, 0, 0), at(time.September, 1, 0, 0)

	before := d.receive(t, at(time.July, 31, 9, 0), procedure.Direct) // the month before
	// Received Monday 09:00: due Thursday 09:00 (3 working days of 8 hours).
	early := d.receive(t, at(time.August, 4, 9, 0), procedure.Direct)
	onTime := d.receive(t, at(time.August, 4, 9, 30), procedure.Online)
	late := d.receive(t, at(time.August, 4, 10, 0), procedure.Postal)
	open := d.receive(t, at(time.August, 6, 10, 0), procedure.Direct)
	overdue := d.receive(t, at(time.August, 4, 10, 30), procedure.Online)
	require.Equal(t, at(time.August, 7, 9, 0), early.OriginalDue())

	d.resolve(t, before, at(time.July, 31, 10, 0))
	d.resolve(t, early, at(time.August, 6, 16, 0))                  // Wednesday: before the due day
	d.resolve(t, onTime, at(time.August, 7, 8, 0))                  // Thursday, the due day, before 09:30
	d.resolve(t, late, at(time.August, 7, 11, 0))                   // Thursday, after 10:00
	d.rate(t, before, rating.Unsatisfied, at(time.July, 31, 10, 5)) // given before the period
	d.rate(t, early, rating.VerySatisfied, at(time.August, 6, 16, 5))
	d.rate(t, onTime, rating.VerySatisfied, at(time.August, 7, 8, 5))
	d.rate(t, late, rating.Satisfied, at(time.August, 7, 11, 5))
	d.now = at(time.August, 8, 9, 0)
	_, err := d.svc.Withdraw(ctx, open.Code, "cb01", "công dân xin rút")
	require.NoError(t, err)
	_ = overdue // still open, and past its due time at the report

	asOf := at(time.August, 8, 17, 0)
	r, err := rating.Build(ctx, sla.Default(), d.store, d.ratings, from, to, asOf)
	require.NoError(t, err)
	r.PreviousReceived = 4

	s := r.Counts
	assert.Equal(t, 5, s.Received())
	assert.Equal(t, [3]int{2, 2, 1}, [3]int{s.DirectOrPostal - s.Postal, s.Online, s.Postal})
	assert.Equal(t, [4]int{3, 1, 1, 1}, [4]int{s.Resolved, s.Early, s.OnTime, s.Late})
	assert.Equal(t, [3]int{1, 0, 1}, [3]int{s.Pending, s.PendingInTime, s.PendingOverdue})
	assert.Equal(t, 1, s.Withdrawn)
	assert.Equal(t, 3, r.Satisfaction.Total(), "the rating given in July is not in August's report")
	assert.Equal(t, 0, r.Satisfaction.Count(rating.Unsatisfied))

	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	for _, line := range []string{
		"Từ ngày 01/08/2025 đến ngày 31/08/2025",
		"Tiếp nhận 5 hồ sơ, tăng 1 hồ sơ (25,00%) so với kỳ trước (4 hồ sơ), trong đó:",
		"- Nộp trực tiếp: 2 hồ sơ (40,00%);",
		"- Nộp qua dịch vụ bưu chính công ích: 1 hồ sơ (20,00%).",
		"- Trước hạn: 1 hồ sơ (33,34%);",
		"- Đúng hạn: 1 hồ sơ (33,33%);",
		"- Quá hạn: 1 hồ sơ (33,33%).",
		"Tỷ lệ giải quyết trước hạn và đúng hạn: 66,67%.",
		"Đang giải quyết 1 hồ sơ: trong hạn 0, quá hạn 1.",
		"Từ chối 0 hồ sơ; rút 1 hồ sơ; dừng xử lý 0 hồ sơ.",
		"Mức độ hài lòng qua 3 lượt đánh giá:",
		"- Rất hài lòng: 2 lượt (66,67%);",
		"- Không hài lòng: 0 lượt (0,00%).",
	} {
		assert.Contains(t, text.String(), line+"\n")
	}

	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	assert.JSONEq(t, `{
		"from": "2025-08-01T00:00:00+07:00", "to": "2025-09-01T00:00:00+07:00",
		"received": {"total": 5, "carriedOver": 0, "previous": 4, "growth": 25.00, "byChannel": [
			{"code": 1, "name": "direct", "count": 2, "share": 40.00},
			{"code": 2, "name": "online", "count": 2, "share": 40.00},
			{"code": 3, "name": "postal", "count": 1, "share": 20.00}]},
		"resolved": {"total": 3, "early": {"count": 1, "share": 33.34}, "onTime": {"count": 1, "share": 33.33},
			"late": {"count": 1, "share": 33.33}, "onTimeRate": 66.67},
		"open": {"total": 1, "inTime": 0, "overdue": 1},
		"refused": 0, "withdrawn": 1, "stopped": 0,
		"satisfaction": {"total": 3, "verySatisfied": {"count": 2, "share": 66.67},
			"satisfied": {"count": 1, "share": 33.33}, "unsatisfied": {"count": 0, "share": 0.00}}
	}`, js.String())
}

func TestReportGrowth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		received, prev int
		want           rating.Percent
		ok             bool
		text           string
	}{
		{"2020", 86964, 17600, 39411, true, "Tiếp nhận 86.964 hồ sơ, tăng 69.364 hồ sơ (394,11%) so với kỳ trước (17.600 hồ sơ), trong đó:"},
		{"fall", 75, 100, -2500, true, "Tiếp nhận 75 hồ sơ, giảm 25 hồ sơ (25,00%) so với kỳ trước (100 hồ sơ), trong đó:"},
		{"same", 100, 100, 0, true, "Tiếp nhận 100 hồ sơ, tăng 0 hồ sơ (0,00%) so với kỳ trước (100 hồ sơ), trong đó:"},
		{"no previous", 10, 0, 0, false, "Tiếp nhận 10 hồ sơ, trong đó:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := rating.Report{Counts: report.Counts{Online: tt.received}, PreviousReceived: tt.prev}
			g, ok := r.Growth()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, g)
			var b strings.Builder
			require.NoError(t, r.WriteText(&b))
			assert.Contains(t, b.String(), "\n"+tt.text+"\n")
		})
	}
}

func TestOnTimeRateAgreesWithShares(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		early, onTime, late int
		want                rating.Percent
	}{
		{"2020", 21888, 62801, 83, 9990},
		{"a small year", 245, 703, 1, 9990}, // Ratio says 99,89%
		{"nothing resolved", 0, 0, 0, 0},
		{"all late", 0, 0, 3, 0},
		{"none late", 1, 2, 0, rating.Whole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := rating.Report{Counts: report.Counts{Resolved: tt.early + tt.onTime + tt.late, Early: tt.early, OnTime: tt.onTime, Late: tt.late}}
			assert.Equal(t, tt.want, r.OnTimeRate())
			e, o, _ := r.Timeliness()
			assert.Equal(t, e.Share+o.Share, r.OnTimeRate())
		})
	}
}

func TestReportByChannel(t *testing.T) {
	t.Parallel()
	r := rating.Report{Counts: report.Counts{Online: 3, DirectOrPostal: 1, Postal: 1}}
	got := r.ByChannel()
	require.Len(t, got, 3)
	assert.Equal(t, []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}, []procedure.Channel{got[0].Channel, got[1].Channel, got[2].Channel})
	assert.Equal(t, rating.Count{N: 0, Share: 0}, got[0].Count)
	assert.Equal(t, rating.Count{N: 3, Share: 7500}, got[1].Count)
	assert.Equal(t, rating.Count{N: 1, Share: 2500}, got[2].Count)
	var b strings.Builder
	require.NoError(t, r.WriteText(&b))
	assert.Contains(t, b.String(), "- Nộp qua dịch vụ bưu chính công ích: 1 hồ sơ (25,00%).\n")
	var js strings.Builder
	require.NoError(t, r.WriteJSON(&js))
	assert.Contains(t, js.String(), `"code": 3,`)
}

func TestNewReportInvalidLevel(t *testing.T) {
	t.Parallel()
	rs := slices.Values([]rating.Rating{{Level: rating.Satisfied, At: clock}, {Level: 9, At: clock}})
	_, err := rating.NewReport(sla.Default(), clock.Add(-time.Hour), clock.Add(time.Hour), time.Time{}, noDossiers, rs)
	assert.ErrorIs(t, err, rating.ErrInvalid)
}

func noDossiers(func(*dossier.Dossier) bool) {}

// failing is a Store whose List fails, as a database can.
type failing struct{ rating.Store }

var errDisk = errors.New("disk on fire")

func (failing) List(context.Context, time.Time, time.Time) iter.Seq2[rating.Rating, error] {
	return func(yield func(rating.Rating, error) bool) { yield(rating.Rating{}, errDisk) }
}

// failingDossiers is a dossier store (not a FactStore, so that reports
// list its dossiers) whose List fails after one dossier.
type failingDossiers struct{ dossier.Store }

var errNetwork = errors.New("network down")

func (s failingDossiers) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		for d, err := range s.Store.List(ctx, f) {
			if !yield(d, err) {
				return
			}
			break
		}
		yield(nil, errNetwork)
	}
}

// Build returns the first error reading the stores: the dossiers are read
// first.
func TestBuildStoreError(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.receive(t, at(time.August, 4, 8, 0), procedure.Direct)
	tests := []struct {
		name     string
		dossiers dossier.Store
		ratings  rating.Store
		want     error
	}{
		{"ratings", d.store, failing{}, errDisk},
		{"dossiers", failingDossiers{d.store}, d.ratings, errNetwork},
		{"both", failingDossiers{d.store}, failing{}, errNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := rating.Build(context.Background(), sla.Default(), tt.dossiers, tt.ratings, at(time.August, 1, 0, 0), at(time.September, 1, 0, 0), time.Time{})
			assert.ErrorIs(t, err, tt.want)
			assert.Zero(t, r, "no report with an error")
		})
	}
}

func TestWriteTextError(t *testing.T) {
	t.Parallel()
	assert.ErrorIs(t, rating.Report{}.WriteText(errWriter{}), errDisk)
	assert.ErrorIs(t, rating.Report{}.WriteJSON(errWriter{}), errDisk)
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestWriteJSONValid(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, rating.Report{}.WriteJSON(&b))
	assert.True(t, json.Valid(b.Bytes()))
}
