package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

var catalog = func() *procedure.Catalog {
	all := []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}
	c, err := procedure.NewCatalog(
		procedure.Procedure{
			Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Field: procedure.Field{Code: "HT", Name: "Hộ tịch"}, Level: procedure.Commune,
			Duration: sla.WorkingDays(3), Channels: all, OnlineLevel: procedure.Full,
		},
		procedure.Procedure{
			Code: "2.000635", Name: "Thủ tục đăng ký biến động đất đai", Field: procedure.Field{Name: "Đất đai"}, Level: procedure.Province,
			Duration: sla.WorkingDays(5), Channels: all, OnlineLevel: procedure.Partial,
		},
	)
	if err != nil {
		panic(err)
	}
	return c
}()

type desk struct {
	t   *testing.T
	svc *dossier.Service
	mu  sync.Mutex
	now time.Time
}

func newDesk(t *testing.T, s dossier.Store) *desk { return newDeskOf(t, s, catalog) }

// newDeskOf returns a desk that offers the procedures of cat.
func newDeskOf(t *testing.T, s dossier.Store, cat *procedure.Catalog) *desk {
	d := &desk{t: t}
	svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: cat, Agency: "000.00.01.H26", Now: func() time.Time {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.now
	}})
	require.NoError(t, err)
	d.svc = svc
	return d
}

func at(s string) time.Time {
	t, err := sla.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

// on sets the clock.
func (d *desk) on(s string) *dossier.Service {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = at(s)
	return d.svc
}

func (d *desk) receive(when, proc string, ch procedure.Channel) dossier.Code {
	x, err := d.on(when).Receive(context.Background(), dossier.Intake{Procedure: proc, Applicant: dossier.Applicant{Name: "Phạm Thị Dung"}, Channel: ch, Actor: "một cửa"})
	require.NoError(d.t, err)
	return x.Code
}

func (d *desk) do(when string, act func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error)) {
	_, err := act(d.on(when), context.Background())
	require.NoError(d.t, err, when)
}

const (
	birth = "1.001193" // Hộ tịch, commune, 3 working days
	land  = "2.000635" // Đất đai, province, 5 working days
)

// april fills s with dossiers around April 2025 (Hùng Kings' day is Mon
// 7/4; 30/4 and 1/5 are holidays), each annotated with how April counts
// it.
func april(t *testing.T, s dossier.Store) {
	d := newDesk(t, s)
	// Carried over, overdue at 1/4 (due Thu 27/3 09:00), resolved late.
	c1 := d.receive("2025-03-24 09:00", birth, procedure.Direct)
	d.do("2025-04-03 10:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Resolve(ctx, c1, "B")
	})
	// Carried over (due Wed 2/4 09:00), resolved early on Tue 1/4.
	c2 := d.receive("2025-03-28 09:00", land, procedure.Direct)
	d.do("2025-04-01 10:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Resolve(ctx, c2, "B")
	})
	// Resolved in March, returned in April: not counted.
	c3 := d.receive("2025-03-03 09:00", birth, procedure.Direct)
	d.do("2025-03-04 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Resolve(ctx, c3, "B")
	})
	d.do("2025-04-02 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) { return s.Return(ctx, c3, "A") })
	// Filed online in March, accepted in April: received online in April;
	// due Fri 4/4 08:00, resolved Thu 3/4: early.
	sub, err := d.on("2025-03-31 20:00").Submit(context.Background(), dossier.Intake{Procedure: birth, Applicant: dossier.Applicant{Name: "Lê Văn Em"}})
	require.NoError(t, err)
	d.do("2025-04-01 08:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Accept(ctx, sub.Code, "A")
	})
	d.do("2025-04-03 15:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Resolve(ctx, sub.Code, "B")
	})
	// By post, still open at 1/5 and overdue (due Mon 7/4 is a holiday: Tue 8/4 09:00).
	d.receive("2025-04-03 09:00", birth, procedure.Postal)
	// On time: due Tue 15/4 09:00, resolved that morning.
	c6 := d.receive("2025-04-10 09:00", birth, procedure.Direct)
	d.do("2025-04-15 08:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Resolve(ctx, c6, "B")
	})
	// Open at 1/5 and in time: due Wed 7/5 09:00 across the holidays.
	d.receive("2025-04-28 09:00", land, procedure.Online)
	// The clock stopped in time (due Thu 24/4 09:00, request Tue 22/4): in time.
	c8 := d.receive("2025-04-21 09:00", birth, procedure.Direct)
	d.do("2025-04-22 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.RequestSupplement(ctx, c8, "B", "Thiếu tờ khai")
	})
	// The clock stopped after the due time (Thu 17/4 09:00): overdue.
	c9 := d.receive("2025-04-14 09:00", birth, procedure.Direct)
	d.do("2025-04-18 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.RequestSupplement(ctx, c9, "B", "Thiếu tờ khai")
	})
	// Withdrawn, stopped and refused after receipt.
	c10 := d.receive("2025-04-03 09:00", land, procedure.Direct)
	d.do("2025-04-04 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Withdraw(ctx, c10, "A", "Công dân xin rút")
	})
	c11 := d.receive("2025-04-03 09:30", land, procedure.Direct)
	d.do("2025-04-08 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Stop(ctx, c11, "C", "Có tranh chấp")
	})
	c12 := d.receive("2025-04-03 10:00", birth, procedure.Online)
	d.do("2025-04-03 10:30", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Refuse(ctx, c12, "A", "Không thuộc thẩm quyền")
	})
	// Filed online and refused before receipt: not accepted.
	sub2, err := d.on("2025-04-05 21:00").Submit(context.Background(), dossier.Intake{Procedure: land, Applicant: dossier.Applicant{Name: "Võ Văn Phúc"}})
	require.NoError(t, err)
	d.do("2025-04-08 08:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Refuse(ctx, sub2.Code, "A", "Hồ sơ không hợp lệ")
	})
	// Two supplement requests, resolved before the due time: late.
	c15 := d.receive("2025-04-09 08:00", birth, procedure.Direct)
	for i, when := range []string{"2025-04-09 09:00", "2025-04-09 10:00", "2025-04-09 11:00", "2025-04-09 13:30"} {
		d.do(when, func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
			if i%2 == 0 {
				return s.RequestSupplement(ctx, c15, "B", "Thiếu giấy tờ")
			}
			return s.Supplement(ctx, c15, "A")
		})
	}
	d.do("2025-04-10 09:00", func(s *dossier.Service, ctx context.Context) (*dossier.Dossier, error) {
		return s.Resolve(ctx, c15, "B")
	})
	// Received after the period: not counted.
	d.receive("2025-05-05 09:00", birth, procedure.Direct)
}

var aprilPeriod = report.Period{From: at("2025-04-01 00:00"), To: at("2025-05-01 00:00")}

func TestComputeByField(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	got, err := report.Compute(context.Background(), report.Query{Store: s, Catalog: catalog, Period: aprilPeriod, By: report.ByField})
	require.NoError(t, err)
	civil := report.Counts{ // c1, online, postal, c6, c8, c9, c12, c15
		CarriedOver: 1, Online: 2, DirectOrPostal: 5, Postal: 1,
		Resolved: 4, Early: 1, OnTime: 1, Late: 2,
		Pending: 3, PendingInTime: 1, PendingOverdue: 2,
		Refused: 1,
	}
	landCounts := report.Counts{ // c2, c7, c10, c11, the refused filing
		CarriedOver: 1, Online: 1, DirectOrPostal: 2,
		Resolved: 1, Early: 1,
		Pending: 1, PendingInTime: 1,
		Withdrawn: 1, Stopped: 1, NotAccepted: 1,
	}
	assert.Equal(t, []report.Row{
		{Key: "HT", Name: "Hộ tịch", Counts: civil},
		{Key: "Đất đai", Name: "Đất đai", Counts: landCounts},
	}, got.Rows, "the field's code, or its name when it has none")
	total := civil
	total.CarriedOver, total.Online, total.DirectOrPostal = 2, 3, 7
	total.Resolved, total.Early = 5, 2
	total.Pending, total.PendingInTime = 4, 2
	total.Withdrawn, total.Stopped, total.NotAccepted = 1, 1, 1
	assert.Equal(t, total, got.Total)
	assert.Equal(t, 12, got.Total.Total())
	for _, r := range append(got.Rows, report.Row{Key: "total", Counts: got.Total}) {
		assert.Equal(t, r.Total(), r.Resolved+r.Pending+r.Withdrawn+r.Stopped+r.Refused, "%s balances", r.Key)
	}
}

func TestComputeByLevelProcedureAgency(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	ctx := context.Background()
	keys := func(by report.GroupBy) ([]string, []string) {
		st, err := report.Compute(ctx, report.Query{Store: s, Catalog: catalog, Period: aprilPeriod, By: by})
		require.NoError(t, err)
		var k, n []string
		for _, r := range st.Rows {
			k, n = append(k, r.Key), append(n, r.Name)
		}
		return k, n
	}
	k, n := keys(report.ByLevel)
	assert.Equal(t, []string{"commune", "province"}, k)
	assert.Equal(t, []string{"cấp xã", "cấp tỉnh"}, n)
	k, n = keys(report.ByProcedure)
	assert.Equal(t, []string{birth, land}, k)
	assert.Equal(t, "Thủ tục đăng ký khai sinh", n[0])
	k, _ = keys(report.ByAgency)
	assert.Equal(t, []string{"000.00.01.H26"}, k)
}

// plainStore hides memstore's facts, so that Compute lists dossiers.
type plainStore struct{ dossier.Store }

func TestComputeWithoutFacts(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	ctx := context.Background()
	for _, p := range []report.Period{aprilPeriod, {From: at("2025-03-01 00:00"), To: at("2025-04-10 12:00")}, {From: at("2025-04-18 09:00"), To: at("2025-06-01 00:00")}} {
		fast, err := report.Compute(ctx, report.Query{Store: s, Catalog: catalog, Period: p})
		require.NoError(t, err)
		slow, err := report.Compute(ctx, report.Query{Store: plainStore{s}, Catalog: catalog, Period: p})
		require.NoError(t, err)
		assert.Equal(t, slow, fast, "facts and dossiers agree on %v", p)
	}
}

// Judging a period from the facts of today agrees with judging it from
// the dossiers as they stood at its end (AsOf), for every period end.
func TestComputeAgreesWithAsOf(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	ctx := context.Background()
	var ds []*dossier.Dossier
	for d, err := range s.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		ds = append(ds, d)
	}
	from := at("2025-04-01 00:00")
	for to := at("2025-04-01 12:00"); to.Before(at("2025-05-10 00:00")); to = to.Add(7 * time.Hour) {
		got, err := report.Compute(ctx, report.Query{Store: s, Catalog: catalog, Period: report.Period{From: from, To: to}, By: report.ByAgency})
		require.NoError(t, err)
		pending, overdue := 0, 0
		for _, d := range ds {
			past := d.AsOf(to.Add(-time.Microsecond))
			if past == nil || !past.Status().Open() {
				continue
			}
			if f := past.FinishedAt(); !f.IsZero() {
				continue
			}
			pending++
			if past.Facts().OverdueAt(to) {
				overdue++
			}
		}
		assert.Equal(t, pending, got.Total.Pending, "pending at %s", to)
		assert.Equal(t, overdue, got.Total.PendingOverdue, "overdue at %s", to)
	}
}

func TestComputeErrors(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	for name, q := range map[string]report.Query{
		"no store":              {Catalog: catalog, Period: aprilPeriod},
		"no period":             {Store: s, Catalog: catalog},
		"period backwards":      {Store: s, Catalog: catalog, Period: report.Period{From: aprilPeriod.To, To: aprilPeriod.From}},
		"field with no catalog": {Store: s, Period: aprilPeriod, By: report.ByField},
		"unknown grouping":      {Store: s, Catalog: catalog, Period: aprilPeriod, By: 9},
	} {
		_, err := report.Compute(context.Background(), q)
		assert.ErrorIs(t, err, report.ErrQuery, name)
	}
	failing := failingStore{memstore.New()}
	_, err := report.Compute(context.Background(), report.Query{Store: failing, Catalog: catalog, Period: aprilPeriod})
	assert.ErrorIs(t, err, errDisk)
}

var errDisk = assertError("disk on fire")

type assertError string

func (e assertError) Error() string { return string(e) }

type failingStore struct{ dossier.Store }

func (failingStore) List(context.Context, dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) { yield(nil, errDisk) }
}

func TestWriters(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	april(t, s)
	st, err := report.Compute(context.Background(), report.Query{Store: s, Catalog: catalog, Period: aprilPeriod})
	require.NoError(t, err)

	var text bytes.Buffer
	require.NoError(t, st.WriteText(&text))
	out := text.String()
	assert.Contains(t, out, "Biểu số 06/VPCP/KSTT")
	assert.Contains(t, out, "Kỳ báo cáo: từ 01/04/2025 đến hết 30/04/2025")
	for _, h := range []string{"Số hồ sơ nhận giải quyết", "Đã giải quyết", "Đang giải quyết", "Kỳ trước chuyển qua", "Trước hạn", "Hộ tịch", "Tổng cộng", "Không được tiếp nhận"} {
		assert.Contains(t, out, h)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var table []string
	for _, l := range lines {
		if strings.HasPrefix(l, "STT") || strings.HasPrefix(l, "1 ") || strings.HasPrefix(l, "2 ") || strings.Contains(l, "Tổng cộng") {
			table = append(table, l)
		}
	}
	require.Len(t, table, 4)
	for _, l := range table[1:] {
		assert.Equal(t, len([]rune(table[0])), len([]rune(l)), "aligned: %q", l)
	}

	var c bytes.Buffer
	require.NoError(t, st.WriteCSV(&c))
	require.True(t, bytes.HasPrefix(c.Bytes(), []byte("\xEF\xBB\xBF")), "a byte-order mark for Excel")
	recs, err := csv.NewReader(bytes.NewReader(c.Bytes()[3:])).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 4)
	assert.Equal(t, "Số hồ sơ nhận giải quyết - Tổng số", recs[0][3])
	assert.Equal(t, []string{"", "", "Tổng cộng", "12", "3", "7", "2", "5", "2", "1", "2", "4", "2", "2", "1", "1", "1", "1"}, recs[3])

	var j bytes.Buffer
	require.NoError(t, st.WriteJSON(&j))
	var back struct {
		By    string
		Rows  []map[string]any
		Total map[string]any
	}
	require.NoError(t, json.Unmarshal(j.Bytes(), &back))
	assert.Equal(t, "field", back.By)
	assert.Equal(t, 12.0, back.Total["total"])
	assert.Equal(t, 5.0, back.Total["resolved"])
	assert.Len(t, back.Rows, 2)
}

func TestNumber(t *testing.T) {
	assert.Equal(t, "51.198", report.Number(51198))
	assert.Equal(t, "1.000.000", report.Number(1_000_000))
	assert.Equal(t, "7", report.Number(7))
}
