// Package storetest is the conformance suite that every dossier.Store must
// pass. An embedder with a Store of their own runs it in a test:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dossier.Store {
//			s := mystore.Open(…)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// newStore must return an empty store each time it is called. Times in the
// suite are whole seconds, so a store may keep microseconds only, as
// PostgreSQL does, and any location: times are compared as instants. Filter
// bounds are exact to the nanosecond, whatever the store keeps.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// Run runs the suite against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) dossier.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s dossier.Store)
	}{
		{"CreateGet", testCreateGet},
		{"CreateDuplicate", testCreateDuplicate},
		{"GetNotFound", testGetNotFound},
		{"GetReturnsCopy", testGetReturnsCopy},
		{"Update", testUpdate},
		{"UpdateStale", testUpdateStale},
		{"UpdateNotFound", testUpdateNotFound},
		{"EventsPreserved", testEventsPreserved},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"NextSequence", testNextSequence},
		{"NextSequenceConcurrent", testNextSequenceConcurrent},
		{"ConcurrentReceive", testConcurrentReceive},
		{"ListOrder", testListOrder},
		{"ListFilters", testListFilters},
		{"ListStop", testListStop},
		{"CancelledContext", testCancelledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newStore(t))
		})
	}
}

var base = time.Date(2025, time.March, 3, 8, 0, 0, 0, sla.ICT)

// sample returns a dossier received minutes after base, with every field
// set, so that a store that drops one fails.
func sample(seq, minutes int) *dossier.Dossier {
	received := base.Add(time.Duration(minutes) * time.Minute)
	due := received.Add(72 * time.Hour)
	return &dossier.Dossier{
		ID:               uuid.Must(uuid.NewV7()),
		Code:             dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(received), Seq: seq},
		Procedure:        "1.001193",
		ProcedureVersion: sla.Date{Year: 2024, Month: time.July, Day: 1},
		Limit:            sla.WorkingDays(3),
		Regime:           procedure.RestartClock,
		Applicant: dossier.Applicant{
			Name: "Nguyễn Văn An", IDNumber: "001099000123", Phone: "0912345678",
			Email: "an@example.vn", Address: "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội", Organisation: "Công ty TNHH Ánh Dương",
		},
		Channel:       procedure.Online,
		ReturnChannel: procedure.Postal,
		SubmittedAt:   received.Add(-time.Hour),
		ReceivedAt:    received,
		Due:           due.Add(24 * time.Hour),
		OriginalDue:   due,
		Pauses:        []sla.Interval{{Start: received.Add(time.Hour), End: received.Add(3 * time.Hour)}, {Start: received.Add(5 * time.Hour)}},
		Handovers: []dossier.Handover{
			{Step: "Thẩm định", From: "Một cửa", To: "Phòng Tư pháp", At: received, Due: received.Add(8 * time.Hour), Done: received.Add(2 * time.Hour), Timeliness: sla.Early},
			{Step: "Phê duyệt", From: "Phòng Tư pháp", To: "Lãnh đạo UBND", At: received.Add(2 * time.Hour)},
		},
		Status: dossier.AwaitingSupplement,
		Events: []dossier.Event{
			{At: received.Add(-time.Hour), Kind: dossier.KindSubmit, Actor: "công dân", To: dossier.Submitted},
			{At: received, Kind: dossier.KindReceive, Actor: "cán bộ A", From: dossier.Submitted, To: dossier.Received},
			{At: received.Add(5 * time.Hour), Kind: dossier.KindRequestSupplement, Actor: "cán bộ B", From: dossier.InProgress, To: dossier.AwaitingSupplement, Note: "thiếu bản sao giấy khai sinh"},
		},
	}
}

// same asserts that two dossiers are equal, comparing times as instants.
func same(t *testing.T, want, got *dossier.Dossier, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, normal(want), normal(got), msgAndArgs...)
}

func normal(d *dossier.Dossier) *dossier.Dossier {
	c := d.Clone()
	u := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	for _, t := range []*time.Time{&c.SubmittedAt, &c.ReceivedAt, &c.Due, &c.OriginalDue, &c.FinishedAt, &c.ReturnedAt} {
		u(t)
	}
	for i := range c.Pauses {
		u(&c.Pauses[i].Start)
		u(&c.Pauses[i].End)
	}
	for i := range c.Handovers {
		u(&c.Handovers[i].At)
		u(&c.Handovers[i].Due)
		u(&c.Handovers[i].Done)
	}
	for i := range c.Events {
		u(&c.Events[i].At)
	}
	return c
}

func testCreateGet(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	assert.Equal(t, 1, d.Version, "Create sets Version 1")
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	same(t, d, got)

	bare := &dossier.Dossier{ID: uuid.Must(uuid.NewV7()), Code: dossier.Code{Agency: "000.A0.01.H26", Date: sla.Date{Year: 2025, Month: 3, Day: 3}, Seq: 12345}, Procedure: "2.000635", Status: dossier.Submitted}
	require.NoError(t, s.Create(ctx, bare))
	got, err = s.Get(ctx, bare.Code)
	require.NoError(t, err)
	same(t, bare, got, "a dossier with most fields unset")
}

func testCreateDuplicate(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	sameCode := sample(1, 5)
	assert.ErrorIs(t, s.Create(ctx, sameCode), dossier.ErrExists, "same code")
	sameID := sample(2, 5)
	sameID.ID = d.ID
	assert.ErrorIs(t, s.Create(ctx, sameID), dossier.ErrExists, "same ID")
	_, err := s.Get(ctx, sameID.Code)
	assert.ErrorIs(t, err, dossier.ErrNotFound, "a refused Create stores nothing")
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	same(t, d, got, "the first stays")
}

func testGetNotFound(t *testing.T, s dossier.Store) {
	_, err := s.Get(context.Background(), sample(99, 0).Code)
	assert.ErrorIs(t, err, dossier.ErrNotFound)
}

func testGetReturnsCopy(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	d.Events[0].Note = "changed after Create"
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Empty(t, got.Events[0].Note, "Create keeps its own copy")
	got.Events[0].Note = "changed after Get"
	got.Pauses[0].End = time.Time{}
	got.Applicant.Name = "x"
	again, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Empty(t, again.Events[0].Note, "Get returns a copy")
	assert.False(t, again.Pauses[0].End.IsZero())
	assert.Equal(t, "Nguyễn Văn An", again.Applicant.Name)
}

func testUpdate(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	d.Status = dossier.InProgress
	d.Pauses[1].End = base.Add(7 * time.Hour)
	d.Events = append(d.Events, dossier.Event{At: base.Add(7 * time.Hour), Kind: dossier.KindSupplement, Actor: "cán bộ B", From: dossier.AwaitingSupplement, To: dossier.InProgress})
	d.FinishedAt = base.Add(9 * time.Hour)
	require.NoError(t, s.Update(ctx, d))
	assert.Equal(t, 2, d.Version, "Update bumps the version")
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	same(t, d, got)
}

func testUpdateStale(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	a, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	b, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	a.Status = dossier.Withdrawn
	a.Events = append(a.Events, dossier.Event{At: base.Add(8 * time.Hour), Kind: dossier.KindWithdraw, Actor: "A", From: dossier.AwaitingSupplement, To: dossier.Withdrawn})
	require.NoError(t, s.Update(ctx, a))
	b.Status = dossier.Stopped
	b.Events = append(b.Events, dossier.Event{At: base.Add(8 * time.Hour), Kind: dossier.KindStop, Actor: "B", From: dossier.AwaitingSupplement, To: dossier.Stopped})
	assert.ErrorIs(t, s.Update(ctx, b), dossier.ErrConflict, "b was read before a's write")
	assert.Equal(t, 1, b.Version, "a refused Update leaves the version")
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	same(t, a, got, "the stale write changed nothing")
}

func testUpdateNotFound(t *testing.T, s dossier.Store) {
	d := sample(1, 0)
	d.Version = 1
	err := s.Update(context.Background(), d)
	assert.True(t, errors.Is(err, dossier.ErrNotFound) || errors.Is(err, dossier.ErrConflict), "got %v", err)
}

func testEventsPreserved(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	want := append([]dossier.Event(nil), d.Events...)
	for i := range 20 {
		d, err := s.Get(ctx, d.Code)
		require.NoError(t, err)
		e := dossier.Event{At: base.Add(time.Duration(10+i) * time.Hour), Kind: dossier.KindTransfer, Actor: fmt.Sprintf("cán bộ %d", i), From: dossier.InProgress, To: dossier.InProgress, Note: fmt.Sprintf("bước %d", i)}
		d.Events = append(d.Events, e)
		want = append(want, e)
		require.NoError(t, s.Update(ctx, d))
	}
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	same(t, &dossier.Dossier{Events: want}, &dossier.Dossier{Events: got.Events}, "every event, in order")
	assert.Equal(t, 21, got.Version)
}

// Officers acting on one dossier at once: exactly one write per version wins,
// and no event of a winner is lost.
func testConcurrentUpdates(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := sample(1, 0)
	require.NoError(t, s.Create(ctx, d))
	const n = 10
	var wg sync.WaitGroup
	wins := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			c, err := s.Get(ctx, d.Code)
			if err != nil {
				t.Error(err)
				return
			}
			note := fmt.Sprintf("officer %d", i)
			c.Events = append(c.Events, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindTransfer, Actor: note, From: dossier.InProgress, To: dossier.InProgress, Note: note})
			switch err := s.Update(ctx, c); {
			case err == nil:
				wins <- note
			case !errors.Is(err, dossier.ErrConflict):
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(wins)
	got, err := s.Get(ctx, d.Code)
	require.NoError(t, err)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	require.NotEmpty(t, winners)
	assert.Equal(t, 1+len(winners), got.Version, "one version per winner")
	var notes []string
	for _, e := range got.Events[3:] {
		notes = append(notes, e.Note)
	}
	assert.ElementsMatch(t, winners, notes, "every winner's event is there, and no loser's")
}

func testNextSequence(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	day := sla.Date{Year: 2025, Month: 1, Day: 27}
	for want := 1; want <= 3; want++ {
		n, err := s.NextSequence(ctx, "000.00.01.H26", day)
		require.NoError(t, err)
		assert.Equal(t, want, n)
	}
	n, err := s.NextSequence(ctx, "000.00.02.H26", day)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "another agency has its own sequence")
	n, err = s.NextSequence(ctx, "000.00.01.H26", day.AddDays(1))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the sequence restarts every day")
}

func testNextSequenceConcurrent(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	day := sla.Date{Year: 2025, Month: 1, Day: 27}
	const n = 1000
	got := make([]int, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			v, err := s.NextSequence(ctx, "000.00.01.H26", day)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	seen := make([]bool, n+1)
	for _, v := range got {
		require.True(t, v >= 1 && v <= n, "%d out of 1..%d", v, n)
		require.False(t, seen[v], "%d drawn twice", v)
		seen[v] = true
	}
}

// Fifty officers receiving at once through the Service get unique codes.
func testConcurrentReceive(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	p := procedure.Procedure{
		Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Level: procedure.Commune, Field: procedure.Field{Name: "Hộ tịch"},
		Duration: sla.WorkingDays(1), Channels: []procedure.Channel{procedure.Direct, procedure.Online}, OnlineLevel: procedure.Full,
	}
	cat, err := procedure.NewCatalog(p)
	require.NoError(t, err)
	svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: cat, Agency: "000.00.01.H26",
		Now: func() time.Time { return base.Add(90 * time.Minute) }})
	require.NoError(t, err)
	const n = 50
	codes := make([]dossier.Code, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Channel: procedure.Direct, Applicant: dossier.Applicant{Name: fmt.Sprintf("Công dân %d", i)}, Actor: "một cửa"})
			if err != nil {
				t.Error(err)
				return
			}
			codes[i] = d.Code
		})
	}
	wg.Wait()
	seen := map[dossier.Code]bool{}
	for _, c := range codes {
		assert.False(t, seen[c], "code %s issued twice", c)
		seen[c] = true
		_, err := s.Get(ctx, c)
		assert.NoError(t, err, "code %s stored", c)
	}
	assert.Len(t, seen, n)
}

func collect(t *testing.T, s dossier.Store, f dossier.Filter) []string {
	t.Helper()
	var out []string
	for d, err := range s.List(context.Background(), f) {
		require.NoError(t, err)
		out = append(out, d.Code.String())
	}
	return out
}

func testListOrder(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	// Created out of order; two share a receipt time.
	for _, x := range []struct{ seq, min int }{{3, 30}, {1, 10}, {4, 10}, {2, 20}} {
		require.NoError(t, s.Create(ctx, sample(x.seq, x.min)))
	}
	unreceived := sample(5, 0)
	unreceived.ReceivedAt = time.Time{}
	unreceived.Status = dossier.Submitted
	require.NoError(t, s.Create(ctx, unreceived))
	assert.Equal(t, []string{
		"000.00.01.H26-250303-0005",                              // not yet received: first
		"000.00.01.H26-250303-0001", "000.00.01.H26-250303-0004", // 08:10, by code
		"000.00.01.H26-250303-0002", "000.00.01.H26-250303-0003",
	}, collect(t, s, dossier.Filter{}))
	// An update that sets the receipt time moves the dossier.
	d, err := s.Get(ctx, unreceived.Code)
	require.NoError(t, err)
	d.ReceivedAt = base.Add(25 * time.Minute)
	d.Status = dossier.Received
	require.NoError(t, s.Update(ctx, d))
	assert.Equal(t, []string{
		"000.00.01.H26-250303-0001", "000.00.01.H26-250303-0004", "000.00.01.H26-250303-0002",
		"000.00.01.H26-250303-0005", "000.00.01.H26-250303-0003",
	}, collect(t, s, dossier.Filter{}))
}

func testListFilters(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	for i := 1; i <= 6; i++ {
		d := sample(i, i*10)
		if i%2 == 0 {
			d.Channel = procedure.Direct
			d.Procedure = "2.000635"
		}
		if i == 3 {
			d.Status = dossier.Returned
		}
		require.NoError(t, s.Create(ctx, d))
	}
	code := func(i int) string { return sample(i, 0).Code.String() }
	tests := []struct {
		name string
		f    dossier.Filter
		want []string
	}{
		{"all", dossier.Filter{}, []string{code(1), code(2), code(3), code(4), code(5), code(6)}},
		{"received from (inclusive)", dossier.Filter{ReceivedFrom: base.Add(30 * time.Minute)}, []string{code(3), code(4), code(5), code(6)}},
		{"received to (exclusive)", dossier.Filter{ReceivedTo: base.Add(30 * time.Minute)}, []string{code(1), code(2)}},
		{"period", dossier.Filter{ReceivedFrom: base.Add(20 * time.Minute), ReceivedTo: base.Add(50 * time.Minute)}, []string{code(2), code(3), code(4)}},
		{"from a nanosecond-precise bound just after a receipt", dossier.Filter{ReceivedFrom: base.Add(20*time.Minute + 500)}, []string{code(3), code(4), code(5), code(6)}},
		{"to a nanosecond-precise bound just after a receipt", dossier.Filter{ReceivedTo: base.Add(20*time.Minute + 500)}, []string{code(1), code(2)}},
		{"period in another zone", dossier.Filter{ReceivedFrom: base.Add(20 * time.Minute).UTC(), ReceivedTo: base.Add(50 * time.Minute).UTC()}, []string{code(2), code(3), code(4)}},
		{"status", dossier.Filter{Status: dossier.Returned}, []string{code(3)}},
		{"procedure", dossier.Filter{Procedure: "2.000635"}, []string{code(2), code(4), code(6)}},
		{"channel", dossier.Filter{Channel: procedure.Online}, []string{code(1), code(3), code(5)}},
		{"all at once", dossier.Filter{ReceivedFrom: base, Channel: procedure.Online, Procedure: "1.001193", Status: dossier.AwaitingSupplement}, []string{code(1), code(5)}},
		{"nothing", dossier.Filter{Procedure: "9.999999"}, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, collect(t, s, tt.f), tt.name)
	}
}

func testListStop(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	for i := 1; i <= 10; i++ {
		require.NoError(t, s.Create(ctx, sample(i, i)))
	}
	n := 0
	for _, err := range s.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	// The store still works after an abandoned listing.
	_, err := s.NextSequence(ctx, "000.00.01.H26", sla.Date{Year: 2025, Month: 3, Day: 3})
	require.NoError(t, err)
	assert.Len(t, collect(t, s, dossier.Filter{}), 10)
}

func testCancelledContext(t *testing.T, s dossier.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := sample(1, 0)
	assert.Error(t, s.Create(ctx, d), "Create")
	_, err := s.Get(context.Background(), d.Code)
	assert.ErrorIs(t, err, dossier.ErrNotFound, "a cancelled Create stores nothing")
	_, err = s.Get(ctx, d.Code)
	assert.Error(t, err, "Get")
	_, err = s.NextSequence(ctx, "000.00.01.H26", sla.Date{Year: 2025, Month: 3, Day: 3})
	assert.Error(t, err, "NextSequence")
	var listErr error
	for _, err := range s.List(ctx, dossier.Filter{}) {
		listErr = err
		break
	}
	assert.Error(t, listErr, "List")
}
