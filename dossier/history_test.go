package dossier_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

func receive(t *testing.T, svc *dossier.Service) *dossier.Dossier {
	t.Helper()
	d, err := svc.Receive(context.Background(), dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct, Actor: "một cửa"})
	require.NoError(t, err)
	return d
}

// The Service keeps times to the microsecond, what every store keeps, so
// that what Receive returns is what Get returns.
func TestTimesToTheMicrosecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")
	clk.mu.Lock()
	clk.t = clk.t.Add(123456789 * time.Nanosecond)
	clk.mu.Unlock()
	d := receive(t, svc)
	assert.Equal(t, 123456000, d.ReceivedAt().Nanosecond())
	assert.Equal(t, 123456000, d.Due().Nanosecond())
	got, err := svc.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, d, got)
}

func TestTimesOutsideTheCalendar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, store := newService(t, "2025-03-03 09:00")
	d := receive(t, svc)
	_, err := svc.Reschedule(ctx, d.Code, "một cửa", "chờ xác minh", time.Date(300000, 1, 3, 9, 0, 0, 0, sla.ICT))
	assert.ErrorIs(t, err, dossier.ErrInvalid, "an appointment in year 300000")

	// Codes carry a two-digit year: 2000–2099.
	for _, now := range []string{"2100-01-04 09:00", "1999-12-29 09:00"} {
		clk.Set(now)
		_, err = svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
		assert.ErrorIs(t, err, dossier.ErrInvalid, "a new dossier with a clock at %s", now)
	}
	// Times, 1900–2199, the calendar's years.
	for _, now := range []time.Time{time.Date(2200, 1, 1, 9, 0, 0, 0, sla.ICT), time.Date(1899, 12, 29, 9, 0, 0, 0, sla.ICT)} {
		clk.mu.Lock()
		clk.t = now
		clk.mu.Unlock()
		_, err = svc.Resolve(ctx, d.Code, "x")
		assert.ErrorIs(t, err, dossier.ErrInvalid, "an action with a clock at %s", now)
	}
	got, err := store.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, 1, got.Version, "nothing was recorded")
}

// A clock that steps back never makes the history run backwards: the
// event is recorded at the previous event's time, with the skew kept.
func TestClockStepsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, _ := newService(t, "2025-03-03 09:00")
	d := receive(t, svc)
	clk.Set("2025-03-03 10:00")
	_, err := svc.RequestSupplement(ctx, d.Code, "chuyên viên", "thiếu giấy tờ")
	require.NoError(t, err)
	clk.Set("2025-03-03 09:50")
	d, err = svc.Supplement(ctx, d.Code, "một cửa")
	require.NoError(t, err, "a paused dossier can be supplemented")
	last := d.Events[len(d.Events)-1]
	assert.Equal(t, at("2025-03-03 10:00"), last.At)
	assert.Equal(t, 10*time.Minute, last.ClockSkew)
	assert.False(t, d.Pauses()[0].Open())

	e := receive(t, svc) // at 09:50
	clk.Set("2025-03-03 08:00")
	e, err = svc.Resolve(ctx, e.Code, "chuyên viên")
	require.NoError(t, err)
	assert.Equal(t, e.ReceivedAt(), e.FinishedAt(), "never resolved before its receipt")
	tl, ok := e.Timeliness(sla.Default())
	assert.True(t, ok)
	assert.Equal(t, sla.Early, tl, "resolved at once, days before the due day")
	for i := 1; i < len(e.Events); i++ {
		assert.False(t, e.Events[i].At.Before(e.Events[i-1].At))
	}
}

func TestIntakeText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newService(t, "2025-03-03 09:00")
	nfd := "Nguye\u0302\u0303n Va\u0306n An" // "Nguyễn Văn An" decomposed
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: dossier.Applicant{Name: nfd, Address: " Hoa\u0300n Kie\u0302\u0301m "}, Channel: procedure.Direct})
	require.NoError(t, err)
	assert.Equal(t, "Nguyễn Văn An", d.Applicant.Name, "stored in NFC")
	assert.Equal(t, "Hoàn Kiếm", d.Applicant.Address)
	for _, name := range []string{"Nguyễn\u200bVăn\u200bAn", "Nguyễn\u2060Văn An", "\u202eNguyễn Văn An", "Nguyễn\x00An", "Nguy\xffn"} {
		_, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: dossier.Applicant{Name: name}, Channel: procedure.Direct})
		assert.ErrorIs(t, err, dossier.ErrInvalid, "%q", name)
	}
	_, err = svc.RequestSupplement(ctx, d.Code, "chuyên viên", "thiếu\u200b giấy tờ")
	assert.ErrorIs(t, err, dossier.ErrInvalid, "invisible characters in a reason")
	d, err = svc.RequestSupplement(ctx, d.Code, "chuyên viên", "Thiếu:\n- giấy chu\u031bng sinh")
	require.NoError(t, err)
	assert.Equal(t, "Thiếu:\n- giấy chưng sinh", d.Events[1].Reason, "multi-line reasons keep their lines, in NFC")
}

// Only a dossier with a result is early, on time or late.
func TestNoTimelinessWithoutResult(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newService(t, "2025-03-03 09:00")
	tests := []struct {
		name string
		end  func(c dossier.Code) (*dossier.Dossier, error)
	}{
		{"refused", func(c dossier.Code) (*dossier.Dossier, error) { return svc.Refuse(ctx, c, "x", "không hợp lệ") }},
		{"withdrawn", func(c dossier.Code) (*dossier.Dossier, error) { return svc.Withdraw(ctx, c, "x", "xin rút") }},
		{"stopped", func(c dossier.Code) (*dossier.Dossier, error) { return svc.Stop(ctx, c, "x", "có tranh chấp") }},
	}
	for _, tt := range tests {
		d, err := tt.end(receive(t, svc).Code)
		require.NoError(t, err, tt.name)
		_, ok := d.Timeliness(sla.Default())
		assert.False(t, ok, tt.name)
	}
}

func TestRescheduleInWorkingTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newService(t, "2025-03-03 09:00") // due Thu 06/03 09:00
	d := receive(t, svc)
	for _, when := range []string{"2025-03-08 09:00", "2025-03-10 03:00", "2025-03-10 12:00", "2025-03-10 17:00:01", "2025-04-07 09:00", "2025-05-02 09:00"} {
		_, err := svc.Reschedule(ctx, d.Code, "lãnh đạo", "chờ xác minh", at(when))
		assert.ErrorIs(t, err, dossier.ErrInvalid, "%s is not working time", when)
	}
	for _, when := range []string{"2025-03-10 07:30", "2025-03-10 11:30", "2025-03-11 17:00", "2025-04-26 09:00"} {
		got, err := svc.Reschedule(ctx, d.Code, "lãnh đạo", "chờ xác minh", at(when))
		require.NoError(t, err, when)
		assert.Equal(t, at(when), got.Due())
	}
}

// A pause that starts after the legal due time does not move it: a late
// dossier stays late, under either regime.
func TestSupplementAfterTheDueTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, proc := range []string{"1.001193", "2.000635"} {
		svc, clk, _ := newService(t, "2025-03-03 09:00")
		d, err := svc.Receive(ctx, dossier.Intake{Procedure: proc, Applicant: citizen, Channel: procedure.Direct})
		require.NoError(t, err)
		due := d.OriginalDue()
		clk.Set("2025-03-17 09:00")
		_, err = svc.RequestSupplement(ctx, d.Code, "chuyên viên", "thiếu giấy tờ")
		require.NoError(t, err)
		clk.Set("2025-03-19 09:00")
		d, err = svc.Supplement(ctx, d.Code, "một cửa")
		require.NoError(t, err)
		assert.Equal(t, due, d.OriginalDue(), "%s: the legal due time stays", proc)
		d, err = svc.Resolve(ctx, d.Code, "chuyên viên")
		require.NoError(t, err)
		tl, _ := d.Timeliness(sla.Default())
		assert.Equal(t, sla.Late, tl, proc)
	}
}

// Apply is the one state machine: it refuses what the lifecycle forbids
// and changes nothing.
func TestApplyRefusesAndChangesNothing(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "2025-03-03 09:00")
	d := receive(t, svc)
	before := d.Clone()
	for name, e := range map[string]dossier.Event{
		"return before the result":  {At: at("2025-03-03 10:00"), Kind: dossier.KindReturn},
		"earlier than the last":     {At: at("2025-03-03 08:00"), Kind: dossier.KindResolve},
		"no time":                   {Kind: dossier.KindResolve},
		"a wrong number":            {N: 5, At: at("2025-03-03 10:00"), Kind: dossier.KindResolve},
		"a supplement with no due":  {At: at("2025-03-03 10:00"), Kind: dossier.KindSupplement},
		"a transfer to no one":      {At: at("2025-03-03 10:00"), Kind: dossier.KindTransfer},
		"a reschedule no later":     {At: at("2025-03-03 10:00"), Kind: dossier.KindReschedule, Reason: "x", Due: d.Due()},
		"a refusal with no reason":  {At: at("2025-03-03 10:00"), Kind: dossier.KindRefuse},
		"a time in year 2200":       {At: time.Date(2200, 1, 1, 9, 0, 0, 0, sla.ICT), Kind: dossier.KindResolve},
		"an unknown kind of event":  {At: at("2025-03-03 10:00"), Kind: 99},
		"a second receipt":          {At: at("2025-03-03 10:00"), Kind: dossier.KindReceive},
		"a request with no reason":  {At: at("2025-03-03 10:00"), Kind: dossier.KindRequestSupplement},
		"a payment with no request": {At: at("2025-03-03 10:00"), Kind: dossier.KindPay, Due: d.Due(), LegalDue: d.Due()},
	} {
		assert.Error(t, d.Apply(e), name)
		assert.Equal(t, before, d, "%s changed nothing", name)
	}
	require.NoError(t, d.Apply(dossier.Event{At: at("2025-03-03 10:00"), Kind: dossier.KindResolve, Actor: "x"}))
	assert.Equal(t, 2, d.Events[1].N)
	assert.Equal(t, dossier.Received, d.Events[1].From)
	assert.Equal(t, dossier.Resolved, d.Events[1].To)
	assert.Equal(t, 2, d.Version)
}

// A supplement request may say by when to bring what is missing: it is
// kept on the event, must come after the request, and only a supplement
// request has one.
func TestSupplementBy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, store := newService(t, "2025-03-03 09:00")
	d := receive(t, svc)
	_, err := svc.RequestSupplementBy(ctx, d.Code, "chuyên viên", "thiếu giấy tờ", at("2025-03-03 08:00"))
	assert.ErrorIs(t, err, dossier.ErrInvalid, "a time before the request")
	_, err = svc.RequestSupplementBy(ctx, d.Code, "chuyên viên", "thiếu giấy tờ", at("2025-03-03 09:00"))
	assert.ErrorIs(t, err, dossier.ErrInvalid, "the time of the request itself")
	by := at("2025-03-10 17:00").Add(123456789 * time.Nanosecond)
	d, err = svc.RequestSupplementBy(ctx, d.Code, "chuyên viên", "thiếu giấy tờ", by)
	require.NoError(t, err)
	assert.Equal(t, dossier.Stamp(by), d.Events[1].SupplementBy, "kept to the microsecond")
	got, err := store.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, d.Events[1].SupplementBy, got.Events[1].SupplementBy)

	e := dossier.Event{At: at("2025-03-04 09:00"), Kind: dossier.KindSupplement, Actor: "một cửa",
		Due: at("2025-03-06 09:00"), LegalDue: at("2025-03-06 09:00"), SupplementBy: at("2025-03-10 17:00")}
	assert.ErrorIs(t, got.Apply(e), dossier.ErrInvalid, "only a supplement request has one")
}
