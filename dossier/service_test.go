package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// clock is a settable "now" for a Service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(s string)   { c.mu.Lock(); defer c.mu.Unlock(); c.t = at(s) }

func at(s string) time.Time {
	t, err := sla.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

var testCatalog = func() *procedure.Catalog {
	birth := procedure.Procedure{
		Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Field: procedure.Field{Name: "Hộ tịch"}, Level: procedure.Commune,
		Duration: sla.WorkingDays(3), OnlineDuration: sla.WorkingDays(2),
		Channels: []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}, OnlineLevel: procedure.Full,
		Steps: []procedure.Step{
			{Name: "Tiếp nhận hồ sơ", Responsible: "Bộ phận một cửa", Duration: sla.WorkingHours(2)},
			{Name: "Thẩm định hồ sơ", Responsible: "Công chức tư pháp - hộ tịch", Duration: sla.WorkingDays(1)},
			{Name: "Phê duyệt", Responsible: "Chủ tịch UBND xã", Duration: sla.WorkingHours(4)},
		},
	}
	land := procedure.Procedure{
		Code: "2.000635", Name: "Thủ tục đăng ký biến động đất đai", Field: procedure.Field{Name: "Đất đai"}, Level: procedure.Province,
		Duration: sla.WorkingDays(5), Supplement: procedure.RestartClock, Channels: []procedure.Channel{procedure.Direct},
	}
	c, err := procedure.NewCatalog(birth, land)
	if err != nil {
		panic(err)
	}
	return c
}()

func newService(t *testing.T, now string) (*dossier.Service, *clock, *memstore.Store) {
	t.Helper()
	clk := &clock{}
	clk.Set(now)
	store := memstore.New()
	svc, err := dossier.NewService(dossier.Config{Store: store, Catalog: testCatalog, Agency: "000.00.01.H26", Now: clk.Now})
	require.NoError(t, err)
	return svc, clk, store
}

var citizen = dossier.Applicant{Name: "Trần Thị Bình", IDNumber: "001199000456", Phone: "0987654321", Address: "5 Trần Phú, Ba Đình, Hà Nội"}

func timeliness(h dossier.Handover) sla.Timeliness {
	t, _ := h.Timeliness(sla.Default())
	return t
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")

	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct, ReturnChannel: procedure.Postal, Actor: "một cửa"})
	require.NoError(t, err)
	assert.Equal(t, "000.00.01.H26-250303-0001", d.Code.String())
	assert.Equal(t, dossier.Received, d.Status())
	assert.Equal(t, at("2025-03-06 09:00"), d.Due(), "3 working days")
	assert.Equal(t, d.Due(), d.OriginalDue())
	assert.Equal(t, procedure.Postal, d.ReturnChannel)
	assert.Equal(t, 1, d.Version)
	require.Len(t, d.Handovers(), 1, "the receiving desk's row opens at receipt")
	assert.Equal(t, dossier.Handover{Step: "Tiếp nhận hồ sơ", To: "một cửa", At: at("2025-03-03 09:00"), Due: at("2025-03-03 11:00")}, d.Handovers()[0])

	clk.Set("2025-03-03 10:00")
	d, err = svc.Transfer(ctx, d.Code, "một cửa", "Công chức tư pháp")
	require.NoError(t, err)
	require.Len(t, d.Handovers(), 2)
	assert.Equal(t, sla.OnTime, timeliness(d.Handovers()[0]), "received and passed on within the desk's 2 hours")
	assert.Equal(t, "Thẩm định hồ sơ", d.Handovers()[1].Step)
	assert.Equal(t, at("2025-03-04 10:00"), d.Handovers()[1].Due, "the step's own limit, 1 working day")

	clk.Set("2025-03-04 09:00")
	d, err = svc.RequestSupplement(ctx, d.Code, "Công chức tư pháp", "thiếu giấy chứng sinh")
	require.NoError(t, err)
	assert.Equal(t, dossier.AwaitingSupplement, d.Status())
	assert.Equal(t, 5, d.Status().Portal())

	clk.Set("2025-03-06 09:00")
	d, err = svc.Supplement(ctx, d.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, dossier.InProgress, d.Status())
	assert.Equal(t, at("2025-03-10 09:00"), d.OriginalDue(), "16 working hours paused push the due time back")
	assert.Equal(t, d.OriginalDue(), d.Due())
	assert.Equal(t, at("2025-03-06 10:00"), d.Handovers()[1].Due, "the pause pushes the open step's due time back too")

	clk.Set("2025-03-06 10:30")
	d, err = svc.Transfer(ctx, d.Code, "Công chức tư pháp", "Chủ tịch UBND xã")
	require.NoError(t, err)
	require.Len(t, d.Handovers(), 3)
	assert.Equal(t, sla.Late, timeliness(d.Handovers()[1]), "the appraisal step took past its own due time")
	assert.Equal(t, "Phê duyệt", d.Handovers()[2].Step)

	clk.Set("2025-03-06 14:00")
	d, err = svc.Resolve(ctx, d.Code, "Chủ tịch UBND xã")
	require.NoError(t, err)
	assert.Equal(t, dossier.Resolved, d.Status())
	assert.Equal(t, at("2025-03-06 14:00"), d.FinishedAt())
	assert.Equal(t, sla.OnTime, timeliness(d.Handovers()[2]))
	tl, ok := d.Timeliness(sla.Default())
	assert.True(t, ok)
	assert.Equal(t, sla.Early, tl, "finished the working day before the due day")

	clk.Set("2025-03-07 08:00")
	d, err = svc.Return(ctx, d.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, dossier.Returned, d.Status())
	assert.Equal(t, at("2025-03-07 08:00"), d.ReturnedAt())

	var kinds []string
	for _, e := range d.Events {
		kinds = append(kinds, fmt.Sprintf("%s→%s", e.Kind, e.To))
	}
	assert.Equal(t, []string{
		"tiếp nhận→Được tiếp nhận", "chuyển xử lý→Đang xử lý", "yêu cầu bổ sung→Yêu cầu bổ sung giấy tờ",
		"nhận bổ sung→Đang xử lý", "chuyển xử lý→Đang xử lý", "có kết quả→Đã xử lý xong", "trả kết quả→Đã trả kết quả",
	}, kinds)
	assert.Equal(t, 7, d.Version)

	stored, err := svc.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, d, stored)
}

func TestOnlineSubmissionAndRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 20:00")
	d, err := svc.Submit(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen})
	require.NoError(t, err)
	assert.Equal(t, dossier.Submitted, d.Status())
	assert.True(t, d.ReceivedAt().IsZero(), "the clock starts at receipt, not at submission")
	assert.True(t, d.Due().IsZero())

	clk.Set("2025-03-04 08:00")
	d, err = svc.Accept(ctx, d.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, dossier.Received, d.Status())
	assert.Equal(t, at("2025-03-03 20:00"), d.SubmittedAt)
	assert.Equal(t, at("2025-03-06 08:00"), d.Due(), "the online limit, 2 working days")

	// The restart regime: the full limit counts again from the supplement.
	clk.Set("2025-03-04 09:00")
	land, err := svc.Receive(ctx, dossier.Intake{Procedure: "2.000635", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	assert.Equal(t, "000.00.01.H26-250304-0001", land.Code.String(), "the sequence restarts every day")
	clk.Set("2025-03-06 09:00")
	_, err = svc.RequestSupplement(ctx, land.Code, "chuyên viên", "thiếu trích lục bản đồ")
	require.NoError(t, err)
	clk.Set("2025-03-10 15:00")
	land, err = svc.Supplement(ctx, land.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, at("2025-03-17 15:00"), land.OriginalDue(), "5 working days from the supplement")
}

func TestRescheduleAndTimeliness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)

	clk.Set("2025-03-05 16:00")
	_, err = svc.Reschedule(ctx, d.Code, "một cửa", "chờ xác minh", at("2025-03-06 08:00"))
	assert.ErrorIs(t, err, dossier.ErrInvalid, "a reschedule only moves the appointment later")
	d, err = svc.Reschedule(ctx, d.Code, "một cửa", "chờ xác minh", at("2025-03-10 09:00"))
	require.NoError(t, err)
	assert.Equal(t, at("2025-03-10 09:00"), d.Due())
	assert.Equal(t, at("2025-03-06 09:00"), d.OriginalDue(), "the original due time stays")

	clk.Set("2025-03-07 09:00")
	d, err = svc.Resolve(ctx, d.Code, "chuyên viên")
	require.NoError(t, err)
	tl, _ := d.Timeliness(sla.Default())
	assert.Equal(t, sla.Late, tl, "judged against the original due time, not the new appointment")
}

// TestStepDueOutOfRange: a step whose due time the calendar cannot give,
// past 2199, is an error that wraps sla.ErrOutOfRange, and nothing is
// recorded; it is not a step without a due time.
func TestStepDueOutOfRange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2099-12-28 09:00")
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)

	clk.Set("2199-12-31 16:00") // the appraisal's working day would end in 2200
	got, err := svc.Transfer(ctx, d.Code, "một cửa", "Công chức tư pháp")
	require.ErrorIs(t, err, sla.ErrOutOfRange)
	assert.Nil(t, got)
	assert.Contains(t, err.Error(), "Thẩm định hồ sơ", "the error names the step")
	after, err := svc.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, d, after, "nothing recorded")
}

func TestTwoSupplementRequestsAreLate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	for _, step := range []string{"2025-03-03 10:00", "2025-03-03 11:00", "2025-03-03 14:00", "2025-03-03 15:00"} {
		clk.Set(step)
		if d.Status() == dossier.AwaitingSupplement {
			d, err = svc.Supplement(ctx, d.Code, "một cửa")
		} else {
			d, err = svc.RequestSupplement(ctx, d.Code, "chuyên viên", "thiếu giấy tờ")
		}
		require.NoError(t, err)
	}
	assert.Equal(t, 2, d.SupplementRequests())
	clk.Set("2025-03-03 16:00")
	d, err = svc.Resolve(ctx, d.Code, "chuyên viên")
	require.NoError(t, err)
	tl, ok := d.Timeliness(sla.Default())
	assert.True(t, ok)
	assert.Equal(t, sla.Late, tl, "the national index counts a second request as late")
}

func TestWithdrawUntilResultReady(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")
	a, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	_, err = svc.RequestSupplement(ctx, a.Code, "chuyên viên", "thiếu giấy tờ")
	require.NoError(t, err)
	clk.Set("2025-03-04 09:00")
	a, err = svc.Withdraw(ctx, a.Code, "một cửa", "công dân xin rút")
	require.NoError(t, err)
	assert.Equal(t, dossier.Withdrawn, a.Status())
	assert.False(t, a.Pauses()[0].Open(), "withdrawal ends the pause")

	b, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	_, err = svc.Resolve(ctx, b.Code, "chuyên viên")
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, b.Code, "một cửa", "quá muộn")
	assert.ErrorIs(t, err, dossier.ErrInvalidTransition, "no withdrawal once the result is ready")
}

func TestBadInputStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, store := newService(t, "2025-03-03 09:00")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		in   dossier.Intake
		want error
	}{
		{"unknown procedure", ctx, dossier.Intake{Procedure: "9.999999", Applicant: citizen, Channel: procedure.Direct}, dossier.ErrInvalid},
		{"channel not allowed", ctx, dossier.Intake{Procedure: "2.000635", Applicant: citizen, Channel: procedure.Online}, dossier.ErrInvalid},
		{"return channel not allowed", ctx, dossier.Intake{Procedure: "2.000635", Applicant: citizen, Channel: procedure.Direct, ReturnChannel: procedure.Postal}, dossier.ErrInvalid},
		{"no channel", ctx, dossier.Intake{Procedure: "2.000635", Applicant: citizen}, dossier.ErrInvalid},
		{"empty applicant name", ctx, dossier.Intake{Procedure: "1.001193", Applicant: dossier.Applicant{Name: "  "}, Channel: procedure.Direct}, dossier.ErrInvalid},
		{"submitted in the future", ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct, SubmittedAt: at("2025-03-04 09:00")}, dossier.ErrInvalid},
		{"cancelled context", cancelled, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct}, context.Canceled},
	}
	for _, tt := range tests {
		d, err := svc.Receive(tt.ctx, tt.in)
		assert.ErrorIs(t, err, tt.want, tt.name)
		assert.Nil(t, d, tt.name)
	}
	n := 0
	for range store.List(ctx, dossier.Filter{}) {
		n++
	}
	assert.Zero(t, n, "nothing stored")
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	assert.Equal(t, 1, d.Code.Seq, "no code was spent on rejected input")
	actionTests := []struct {
		name string
		do   func() (*dossier.Dossier, error)
		want error
	}{
		{"return before the result is ready", func() (*dossier.Dossier, error) { return svc.Return(ctx, d.Code, "x") }, dossier.ErrInvalidTransition},
		{"supplement without a request", func() (*dossier.Dossier, error) { return svc.Supplement(ctx, d.Code, "x") }, dossier.ErrInvalidTransition},
		{"refuse without a reason", func() (*dossier.Dossier, error) { return svc.Refuse(ctx, d.Code, "x", "") }, dossier.ErrInvalid},
		{"request without saying what is missing", func() (*dossier.Dossier, error) { return svc.RequestSupplement(ctx, d.Code, "x", " ") }, dossier.ErrInvalid},
		{"malformed code", func() (*dossier.Dossier, error) {
			return svc.Resolve(ctx, dossier.Code{Agency: "x y", Seq: 1}, "x")
		}, dossier.ErrInvalidCode},
		{"unknown code", func() (*dossier.Dossier, error) {
			return svc.Resolve(ctx, dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 3, Day: 3}, Seq: 77}, "x")
		}, dossier.ErrNotFound},
		{"cancelled context", func() (*dossier.Dossier, error) { return svc.Resolve(cancelled, d.Code, "x") }, context.Canceled},
	}
	for _, tt := range actionTests {
		got, err := tt.do()
		assert.ErrorIs(t, err, tt.want, tt.name)
		assert.Nil(t, got, tt.name)
	}
	var te *dossier.TransitionError
	_, err = svc.Return(ctx, d.Code, "x")
	require.True(t, errors.As(err, &te))
	assert.Equal(t, dossier.Received, te.From)
	assert.Equal(t, "dossier: invalid transition: cannot return a dossier that is received", err.Error())

	after, err := svc.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, d, after, "failed actions changed nothing")
}

// Two officers acting on one dossier at once: one succeeds, the other gets
// ErrConflict, and the history has exactly the winner's event.
func TestConcurrentActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for range 20 {
		svc, _, _ := newService(t, "2025-03-03 09:00")
		d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
		require.NoError(t, err)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() { _, errs[0] = svc.Resolve(ctx, d.Code, "A") })
		wg.Go(func() { _, errs[1] = svc.Withdraw(ctx, d.Code, "B", "xin rút") })
		wg.Wait()
		after, err := svc.Get(ctx, d.Code)
		require.NoError(t, err)
		switch {
		case errs[0] == nil && errs[1] == nil:
			t.Fatal("both actions succeeded")
		case errs[0] == nil:
			assert.Equal(t, dossier.Resolved, after.Status())
			assert.True(t, errors.Is(errs[1], dossier.ErrConflict) || errors.Is(errs[1], dossier.ErrInvalidTransition), "%v", errs[1])
		case errs[1] == nil:
			assert.Equal(t, dossier.Withdrawn, after.Status())
			assert.True(t, errors.Is(errs[0], dossier.ErrConflict) || errors.Is(errs[0], dossier.ErrInvalidTransition), "%v", errs[0])
		default:
			t.Fatalf("both failed: %v, %v", errs[0], errs[1])
		}
		assert.Len(t, after.Events, 2, "the receipt and the winner's event")
	}
}

func TestNewServiceErrors(t *testing.T) {
	t.Parallel()
	_, err := dossier.NewService(dossier.Config{Catalog: testCatalog, Agency: "000.00.01.H26"})
	assert.ErrorContains(t, err, "Store")
	_, err = dossier.NewService(dossier.Config{Store: memstore.New(), Agency: "000.00.01.H26"})
	assert.ErrorContains(t, err, "Catalog")
	_, err = dossier.NewService(dossier.Config{Store: memstore.New(), Catalog: testCatalog, Agency: "Sở Tư pháp"})
	assert.ErrorContains(t, err, "Agency")
}

func TestStatusPortal(t *testing.T) {
	t.Parallel()
	want := []string{"Mới đăng ký", "Được tiếp nhận", "Không được tiếp nhận", "Đang xử lý", "Yêu cầu bổ sung giấy tờ",
		"Yêu cầu thực hiện nghĩa vụ tài chính", "Công dân yêu cầu rút hồ sơ", "Dừng xử lý", "Đã xử lý xong", "Đã trả kết quả"}
	for i, name := range want {
		s := dossier.Status(i + 1)
		assert.Equal(t, i+1, s.Portal())
		assert.Equal(t, name, s.String())
	}
	assert.False(t, dossier.Status(0).Valid())
	assert.False(t, dossier.Status(11).Valid())
}

// Under the restart regime, a payment pause after a supplement pushes the
// due time back from the restarted clock, not from receipt.
func TestRestartThenPayment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "2.000635", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	clk.Set("2025-03-04 09:00")
	_, err = svc.RequestSupplement(ctx, d.Code, "chuyên viên", "thiếu trích lục bản đồ")
	require.NoError(t, err)
	clk.Set("2025-03-17 09:00")
	d, err = svc.Supplement(ctx, d.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, at("2025-03-24 09:00"), d.OriginalDue())
	clk.Set("2025-03-18 09:00")
	_, err = svc.RequestPayment(ctx, d.Code, "chuyên viên", "nộp lệ phí")
	require.NoError(t, err)
	clk.Set("2025-03-18 10:00")
	d, err = svc.Pay(ctx, d.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, at("2025-03-24 10:00"), d.OriginalDue(), "one paused hour after the restarted clock")
	assert.Equal(t, d.OriginalDue(), d.Due())

	// Withdrawn while paused: the pause still counts.
	clk.Set("2025-03-19 09:00")
	_, err = svc.RequestPayment(ctx, d.Code, "chuyên viên", "nộp phí bổ sung")
	require.NoError(t, err)
	clk.Set("2025-03-20 09:00")
	d, err = svc.Withdraw(ctx, d.Code, "một cửa", "xin rút")
	require.NoError(t, err)
	assert.Equal(t, at("2025-03-25 10:00"), d.OriginalDue())
}

func TestUnreceivedHasNoTimeliness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newService(t, "2025-03-03 09:00")
	d, err := svc.Submit(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen})
	require.NoError(t, err)
	d, err = svc.Refuse(ctx, d.Code, "một cửa", "hồ sơ không đúng thẩm quyền")
	require.NoError(t, err)
	_, ok := d.Timeliness(sla.Default())
	assert.False(t, ok, "refused before receipt: no timeliness")
}
