package dossier_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, store := newService(t, "2025-03-03 09:00")
	receive := func(ch procedure.Channel) dossier.Code {
		d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: ch})
		require.NoError(t, err)
		return d.Code
	}
	// Due Thu 2025-03-06 09:00 (direct, 3 days) or Wed 2025-03-05 09:00 (online, 2 days).
	early, onTime, late := receive(procedure.Direct), receive(procedure.Online), receive(procedure.Direct)
	receive(procedure.Postal) // left open: overdue at Thu 09:30
	rescheduled, paused := receive(procedure.Direct), receive(procedure.Online)
	refused, withdrawn := receive(procedure.Direct), receive(procedure.Direct)
	_, err := svc.Submit(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen}) // not received: not counted
	require.NoError(t, err)

	clk.Set("2025-03-04 10:00")
	_, err = svc.Resolve(ctx, early, "x")
	require.NoError(t, err)
	_, err = svc.RequestSupplement(ctx, paused, "x", "thiếu giấy tờ")
	require.NoError(t, err)
	_, err = svc.Refuse(ctx, refused, "x", "không thuộc thẩm quyền")
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, withdrawn, "x", "xin rút")
	require.NoError(t, err)
	clk.Set("2025-03-05 08:00")
	_, err = svc.Resolve(ctx, onTime, "x")
	require.NoError(t, err)
	clk.Set("2025-03-06 09:01")
	_, err = svc.Resolve(ctx, late, "x")
	require.NoError(t, err)
	_, err = svc.Return(ctx, late, "x")
	require.NoError(t, err)

	// At Thu 09:30 the postal dossier (due Thu 09:00) is overdue, and so is
	// the rescheduled one: it is judged on its original due time. The paused
	// one is in time, its clock stopped.
	_, err = svc.Reschedule(ctx, rescheduled, "x", "chờ xác minh", at("2025-03-12 09:00"))
	require.NoError(t, err)
	all := func(yield func(*dossier.Dossier) bool) {
		for d, err := range store.List(ctx, dossier.Filter{}) {
			require.NoError(t, err)
			if !yield(d) {
				return
			}
		}
	}
	got := dossier.Summarize(sla.Default(), at("2025-03-06 09:30"), all)
	assert.Equal(t, dossier.Summary{
		Received:  8,
		ByChannel: map[procedure.Channel]int{procedure.Direct: 5, procedure.Online: 2, procedure.Postal: 1},
		Resolved:  3, Early: 1, OnTime: 1, Late: 1,
		Open: 3, InTime: 1, Overdue: 2,
		Refused: 1, Withdrawn: 1,
	}, got)
	assert.InDelta(t, 2.0/3, got.OnTimeRate(), 1e-9)

	// Earlier, everything open was in time.
	got = dossier.Summarize(sla.Default(), at("2025-03-04 12:00"), all)
	assert.Equal(t, 3, got.InTime)
	assert.Zero(t, got.Overdue)
}

// A dossier whose clock stopped after it was already overdue stays overdue;
// one stopped in time stays in time, however long the applicant takes.
func TestSummarizePausedDossiers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, clk, store := newService(t, "2025-03-03 09:00")
	a, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	b, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Channel: procedure.Direct})
	require.NoError(t, err)
	clk.Set("2025-03-04 09:00")
	_, err = svc.RequestSupplement(ctx, a.Code, "x", "thiếu giấy tờ")
	require.NoError(t, err)
	clk.Set("2025-03-07 09:00") // b was due Thu 06/03 09:00
	_, err = svc.RequestSupplement(ctx, b.Code, "x", "thiếu giấy tờ")
	require.NoError(t, err)
	var ds []*dossier.Dossier
	for d, err := range store.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		ds = append(ds, d)
	}
	got := dossier.Summarize(sla.Default(), at("2025-04-01 09:00"), slices.Values(ds))
	assert.Equal(t, 1, got.InTime)
	assert.Equal(t, 1, got.Overdue)
}
