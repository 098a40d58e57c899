package storetest

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
	"github.com/motcua/motcua/procedure"
)

// outboxTests check a store that is also a dossier.Outbox; each skips
// otherwise.
var outboxTests = []struct {
	name string
	run  func(t *testing.T, s dossier.Store, o dossier.Outbox)
}{
	{"OutboxEveryChange", testOutboxEveryChange},
	{"OutboxOrder", testOutboxOrder},
	{"OutboxAck", testOutboxAck},
	{"OutboxFailedChanges", testOutboxFailedChanges},
	{"OutboxFail", testOutboxFail},
	{"OutboxDeadLetters", testOutboxDeadLetters},
	{"OutboxRetry", testOutboxRetry},
	{"OutboxRelease", testOutboxRelease},
	{"OutboxLeaseExpiry", testOutboxLeaseExpiry},
	{"OutboxConcurrentLeasers", testOutboxConcurrentLeasers},
	{"OutboxPending", testOutboxPending},
	{"OutboxInvalid", testOutboxInvalid},
}

// outboxed adapts an outbox test to the suite's table.
func outboxed(run func(t *testing.T, s dossier.Store, o dossier.Outbox)) func(t *testing.T, s dossier.Store) {
	return func(t *testing.T, s dossier.Store) {
		o, ok := s.(dossier.Outbox)
		if !ok {
			t.Skip("not a dossier.Outbox")
		}
		run(t, s, o)
	}
}

// ttl is a lease long enough that no test outlives it unless it means to.
const ttl = time.Hour

// lease leases at most max entries at now and requires it to work.
func lease(t *testing.T, o dossier.Outbox, now time.Time, max int) ([]dossier.OutboxEntry, time.Time) {
	t.Helper()
	got, next, err := o.Lease(context.Background(), now, ttl, max)
	require.NoError(t, err)
	return got, next
}

// drain leases and acknowledges everything ready at now, one lease after
// another, and returns the event numbers acknowledged per dossier.
func drain(t *testing.T, o dossier.Outbox, now time.Time) map[dossier.Code][]int {
	t.Helper()
	out := map[dossier.Code][]int{}
	for range 10_000 {
		got, _ := lease(t, o, now, 100)
		if len(got) == 0 {
			return out
		}
		for _, e := range got {
			out[e.Code] = append(out[e.Code], e.Event)
		}
		require.NoError(t, o.Ack(context.Background(), got...))
	}
	t.Fatal("the outbox never emptied")
	return nil
}

func keys(entries []dossier.OutboxEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, fmt.Sprintf("%s#%d", e.Code, e.Event))
	}
	return out
}

func key(c dossier.Code, n int) string { return fmt.Sprintf("%s#%d", c, n) }

// Every create and every append leaves one entry per event, numbered as
// the events are.
func testOutboxEveryChange(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	d := newDesk(t, s)
	online := rich(t, d) // a submission, then six actions
	x := d.receive(t, 0, "1.001193", procedure.Direct)
	x, err := d.at(10).Transfer(ctx, x.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)
	_, err = s.Append(ctx, x.Code, x.Version,
		dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "B"},
		dossier.Event{At: base.Add(2 * time.Hour), Kind: dossier.KindReturn, Actor: "A"})
	require.NoError(t, err)
	direct := newDossier(t, agency, base)
	require.NoError(t, s.Create(ctx, direct))

	assert.Equal(t, map[dossier.Code][]int{
		online.Code: {1, 2, 3, 4, 5, 6, 7},
		x.Code:      {1, 2, 3, 4},
		direct.Code: {1},
	}, drain(t, o, base), "one entry per event of every create and append, in order")
	got, next := lease(t, o, base.Add(1000*time.Hour), 100)
	assert.Empty(t, got, "acknowledged entries are gone")
	assert.True(t, next.IsZero(), "nothing left to wait for")
}

// A dossier's entries come one at a time, in order: never event n+1 before
// n is acknowledged. Other dossiers' come beside it, oldest first.
func testOutboxOrder(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	d := newDesk(t, s)
	a := d.receive(t, 0, "1.001193", procedure.Direct)
	b := d.receive(t, 1, "1.001193", procedure.Direct)
	_, err := d.at(2).Transfer(ctx, a.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)
	_, err = d.at(3).Transfer(ctx, b.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)
	_, err = d.at(4).Resolve(ctx, a.Code, "Phòng Tư pháp")
	require.NoError(t, err)

	first, next := lease(t, o, base, 1)
	assert.Equal(t, []string{key(a.Code, 1)}, keys(first), "the oldest entry first")
	assert.False(t, next.After(base), "more entries are ready")
	second, _ := lease(t, o, base, 100)
	assert.Equal(t, []string{key(b.Code, 1)}, keys(second), "one entry per dossier: a's second waits for its first")
	none, next := lease(t, o, base, 100)
	assert.Empty(t, none, "both heads are leased")
	assert.True(t, next.Equal(base.Add(ttl)), "next is when the first lease ends: %s", next)

	require.NoError(t, o.Ack(ctx, first...))
	got, _ := lease(t, o, base, 100)
	assert.Equal(t, []string{key(a.Code, 2)}, keys(got), "a's next event once its first is acknowledged")
	require.NoError(t, o.Ack(ctx, append(got, second...)...))
	assert.Equal(t, map[dossier.Code][]int{a.Code: {3}, b.Code: {2}}, drain(t, o, base))
}

// Ack removes an entry for good; a second Ack of it is ErrLeaseLost.
func testOutboxAck(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	got, _ := lease(t, o, base, 10)
	require.Equal(t, []string{key(x.Code, 1)}, keys(got))
	assert.NotEmpty(t, got[0].LeaseID, "a leased entry names its lease")
	require.NoError(t, o.Ack(ctx, got...))
	assert.ErrorIs(t, o.Ack(ctx, got...), dossier.ErrLeaseLost, "acknowledged twice")
	assert.ErrorIs(t, o.Fail(ctx, got[0], "late", base), dossier.ErrLeaseLost, "failed after its ack")
	again, next := lease(t, o, base.Add(2*ttl), 10)
	assert.Empty(t, again, "never handed out again, even after its lease would have ended")
	assert.True(t, next.IsZero())

	// An entry with a made-up lease is refused, and stays.
	y := newDesk(t, s).receive(t, 5, "1.001193", procedure.Direct)
	forged := dossier.OutboxEntry{Code: y.Code, Event: 1, LeaseID: "forged"}
	assert.ErrorIs(t, o.Ack(ctx, forged), dossier.ErrLeaseLost)
	assert.Equal(t, []string{key(y.Code, 1)}, keys(first(t, o, base)), "a refused ack removes nothing")
}

func first(t *testing.T, o dossier.Outbox, now time.Time) []dossier.OutboxEntry {
	t.Helper()
	got, _ := lease(t, o, now, 100)
	return got
}

// A create or append that fails leaves no entry.
func testOutboxFailedChanges(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fails := []struct {
		name string
		run  func() error
	}{
		{"an invalid transition", func() error {
			_, err := s.Append(ctx, x.Code, x.Version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindReturn, Actor: "A"})
			return err
		}},
		{"a good event, then a bad one", func() error {
			_, err := s.Append(ctx, x.Code, x.Version,
				dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"},
				dossier.Event{At: base.Add(2 * time.Hour), Kind: dossier.KindResolve, Actor: "A"})
			return err
		}},
		{"a stale version", func() error {
			_, err := s.Append(ctx, x.Code, x.Version-1, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"})
			return err
		}},
		{"an unknown dossier", func() error {
			c := x.Code
			c.Seq = 99
			_, err := s.Append(ctx, c, 1, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"})
			return err
		}},
		{"a cancelled append", func() error {
			_, err := s.Append(cancelled, x.Code, x.Version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"})
			return err
		}},
		{"a duplicate create", func() error {
			dup := newDossier(t, agency, base)
			dup.ID = x.ID
			return s.Create(ctx, dup)
		}},
		{"a cancelled create", func() error { return s.Create(cancelled, newDossier(t, agency, base)) }},
		{"a create with no events", func() error {
			d := newDossier(t, agency, base)
			d.Events = nil
			return s.Create(ctx, d)
		}},
	}
	for _, f := range fails {
		assert.Error(t, f.run(), f.name)
	}
	assert.Equal(t, map[dossier.Code][]int{x.Code: {1}}, drain(t, o, base), "only the receipt has an entry")
}

// Fail counts the attempt, keeps the error, and holds the entry back until
// its retry time; the other dossiers go on.
func testOutboxFail(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	d := newDesk(t, s)
	x := d.receive(t, 0, "1.001193", procedure.Direct)
	_, err := d.at(1).Transfer(ctx, x.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)

	got := first(t, o, base)
	require.Len(t, got, 1)
	assert.Zero(t, got[0].Attempts)
	retry := base.Add(time.Minute)
	require.NoError(t, o.Fail(ctx, got[0], "portal: 503 Service Unavailable", retry))
	assert.ErrorIs(t, o.Fail(ctx, got[0], "again", retry), dossier.ErrLeaseLost, "a failed entry's lease has ended")

	y := d.receive(t, 2, "1.001193", procedure.Direct)
	others, next := lease(t, o, base, 100)
	assert.Equal(t, []string{key(y.Code, 1)}, keys(others), "a failing dossier holds back no other")
	assert.True(t, next.Equal(retry), "next is the retry time: %s", next)
	none, _ := lease(t, o, retry.Add(-time.Microsecond), 100)
	assert.Empty(t, none, "not before its retry time")

	again, _ := lease(t, o, retry, 100)
	require.Equal(t, []string{key(x.Code, 1)}, keys(again), "the same event again, not the next")
	assert.Equal(t, 1, again[0].Attempts)
	assert.Equal(t, "portal: 503 Service Unavailable", again[0].LastError)
	assert.True(t, again[0].RetryAt.Equal(retry))
	require.NoError(t, o.Fail(ctx, again[0], "timeout", retry.Add(time.Minute)))
	third, _ := lease(t, o, retry.Add(time.Minute), 100)
	require.Len(t, third, 1)
	assert.Equal(t, 2, third[0].Attempts, "attempts add up")
	require.NoError(t, o.Ack(ctx, third...))
	fourth, _ := lease(t, o, retry.Add(time.Minute), 100)
	require.Equal(t, []string{key(x.Code, 2)}, keys(fourth))
	assert.Zero(t, fourth[0].Attempts, "the next event starts afresh")
	assert.Empty(t, fourth[0].LastError)
}

// resolvedAndNext receives x, hands it on and resolves it (three
// events), then receives y.
func resolvedAndNext(t *testing.T, d *desk) (x, y *dossier.Dossier) {
	t.Helper()
	ctx := context.Background()
	x = d.receive(t, 0, "1.001193", procedure.Direct)
	_, err := d.at(1).Transfer(ctx, x.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)
	_, err = d.at(2).Resolve(ctx, x.Code, "Phòng Tư pháp")
	require.NoError(t, err)
	return x, d.receive(t, 3, "1.001193", procedure.Direct)
}

// Bury makes a dead letter, listed with its error, that holds back its
// own dossier's later entries and no other dossier's.
func testOutboxDeadLetters(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	d := newDesk(t, s)
	x, y := resolvedAndNext(t, d)

	got := first(t, o, base)
	require.Equal(t, []string{key(x.Code, 1), key(y.Code, 1)}, keys(got))
	require.NoError(t, o.Fail(ctx, got[0], "first", base))
	again := first(t, o, base)
	require.Equal(t, []string{key(x.Code, 1)}, keys(again))
	require.NoError(t, o.Bury(ctx, again[0], "portal: 400 MaTTHC không tồn tại"))
	assert.ErrorIs(t, o.Bury(ctx, again[0], "twice"), dossier.ErrLeaseLost)
	require.NoError(t, o.Ack(ctx, got[1]))

	_, err := d.at(4).Transfer(ctx, y.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)
	rest, next := lease(t, o, base.Add(1000*time.Hour), 100)
	assert.Equal(t, []string{key(y.Code, 2)}, keys(rest), "a dead letter holds back no other dossier")
	require.NoError(t, o.Ack(ctx, rest...))
	none, next := lease(t, o, base.Add(1000*time.Hour), 100)
	assert.Empty(t, none, "a dead letter and what waits behind it are never handed out")
	assert.True(t, next.IsZero(), "and nothing is left to wait for: %s", next)

	var dead []dossier.OutboxEntry
	for e, err := range o.DeadLetters(ctx) {
		require.NoError(t, err)
		dead = append(dead, e)
	}
	require.Len(t, dead, 1)
	assert.Equal(t, x.Code, dead[0].Code)
	assert.Equal(t, 1, dead[0].Event)
	assert.True(t, dead[0].Dead)
	assert.Equal(t, 2, dead[0].Attempts, "the burial counts as an attempt")
	assert.Equal(t, "portal: 400 MaTTHC không tồn tại", dead[0].LastError, "the last error is kept")
	assert.Equal(t, 2, dead[0].Behind, "the transfer and the resolution wait behind it")
}

// Retry makes a dead letter ready again with fresh attempts; then its
// dossier's queue goes on.
func testOutboxRetry(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	d := newDesk(t, s)
	x := d.receive(t, 0, "1.001193", procedure.Direct)
	_, err := d.at(1).Transfer(ctx, x.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)

	assert.ErrorIs(t, o.Retry(ctx, x.Code, 1), dossier.ErrNoEntry, "not a dead letter yet")
	got := first(t, o, base)
	require.Len(t, got, 1)
	require.NoError(t, o.Bury(ctx, got[0], "refused"))
	assert.ErrorIs(t, o.Retry(ctx, x.Code, 2), dossier.ErrNoEntry, "the event behind the dead letter is not one")
	other := x.Code
	other.Seq = 42
	assert.ErrorIs(t, o.Retry(ctx, other, 1), dossier.ErrNoEntry, "an unknown dossier")

	require.NoError(t, o.Retry(ctx, x.Code, 1))
	assert.ErrorIs(t, o.Retry(ctx, x.Code, 1), dossier.ErrNoEntry, "retried already")
	for range o.DeadLetters(ctx) {
		t.Error("a retried entry is no longer a dead letter")
	}
	again := first(t, o, base)
	require.Equal(t, []string{key(x.Code, 1)}, keys(again), "ready at once")
	assert.Zero(t, again[0].Attempts, "attempts count afresh")
	assert.False(t, again[0].Dead)
	require.NoError(t, o.Ack(ctx, again...))
	assert.Equal(t, map[dossier.Code][]int{x.Code: {2}}, drain(t, o, base), "the queue goes on")
}

// Release gives an entry back at once without counting an attempt.
func testOutboxRelease(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	got := first(t, o, base)
	require.Len(t, got, 1)
	require.NoError(t, o.Release(ctx, got...))
	assert.ErrorIs(t, o.Release(ctx, got...), dossier.ErrLeaseLost, "released twice")
	again := first(t, o, base)
	require.Equal(t, []string{key(x.Code, 1)}, keys(again), "ready at once")
	assert.Zero(t, again[0].Attempts, "a release is no failed attempt")
	assert.NotEqual(t, got[0].LeaseID, again[0].LeaseID, "a new lease")
	assert.ErrorIs(t, o.Ack(ctx, got...), dossier.ErrLeaseLost, "the old lease is gone")
	require.NoError(t, o.Ack(ctx, again...))
}

// A lease expires: a crashed deliverer's entries come back, under a new
// lease, and the old lease can no longer acknowledge them.
func testOutboxLeaseExpiry(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	crashed, _, err := o.Lease(ctx, base, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, crashed, 1)

	during, next, err := o.Lease(ctx, base.Add(59*time.Second), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, during, "not while the lease lasts")
	assert.True(t, next.Equal(base.Add(time.Minute)), "next is when it ends: %s", next)

	after, _, err := o.Lease(ctx, base.Add(time.Minute), time.Minute, 10)
	require.NoError(t, err)
	require.Equal(t, []string{key(x.Code, 1)}, keys(after), "the entry comes back when the lease ends")
	assert.Zero(t, after[0].Attempts, "an expired lease is no failed attempt")
	assert.NotEqual(t, crashed[0].LeaseID, after[0].LeaseID)
	assert.ErrorIs(t, o.Ack(ctx, crashed...), dossier.ErrLeaseLost, "the crashed deliverer's lease is lost")
	assert.ErrorIs(t, o.Fail(ctx, crashed[0], "late", base), dossier.ErrLeaseLost)
	require.NoError(t, o.Ack(ctx, after...))

	// An expired lease that nobody took over still acknowledges.
	y := newDesk(t, s).receive(t, 5, "1.001193", procedure.Direct)
	slow, _, err := o.Lease(ctx, base, time.Minute, 10)
	require.NoError(t, err)
	require.Equal(t, []string{key(y.Code, 1)}, keys(slow))
	require.NoError(t, o.Ack(ctx, slow...), "acknowledged after its lease ended, before anyone took it")
	assert.Empty(t, drain(t, o, base.Add(time.Hour)))
}

// Deliverers leasing at once never get the same entry: while it is leased,
// an entry has exactly one leaser, and every entry is delivered once.
func testOutboxConcurrentLeasers(t *testing.T, s dossier.Store, o dossier.Outbox) {
	concurrentLeasers(t, s, []dossier.Outbox{o})
}

// concurrentLeasers checks testOutboxConcurrentLeasers with deliverers
// spread over outboxes, which share their entries; the dossiers are
// received through s.
func concurrentLeasers(t *testing.T, s dossier.Store, outboxes []dossier.Outbox) {
	ctx := context.Background()
	d := newDesk(t, s)
	const dossiers, events = 40, 3
	for i := range dossiers {
		x := d.receive(t, i, "1.001193", procedure.Direct)
		for j := 1; j < events; j++ {
			var err error
			x, err = d.at(100+i*events+j).Transfer(ctx, x.Code, "A", fmt.Sprintf("B%d", j))
			require.NoError(t, err)
		}
	}

	// Many leasers at one instant, no acknowledgement: each head once.
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		o := outboxes[w%len(outboxes)]
		wg.Go(func() {
			for range 10 {
				got, _, err := o.Lease(ctx, base, ttl, 3)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, k := range keys(got) {
					seen[k]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, dossiers, "every dossier's head, and only its head")
	for k, n := range seen {
		assert.Equal(t, 1, n, "%s was leased %d times at once", k, n)
	}

	// Many deliverers leasing and acknowledging until nothing is left:
	// every entry is delivered exactly once, in order per dossier.
	later := base.Add(2 * ttl)
	delivered := map[dossier.Code][]int{}
	var lost int
	for w := range 8 {
		o := outboxes[w%len(outboxes)]
		wg.Go(func() {
			for range 1000 {
				got, next, err := o.Lease(ctx, later, ttl, 4)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					if next.IsZero() {
						return
					}
					time.Sleep(time.Millisecond)
					continue
				}
				mu.Lock()
				for _, e := range got {
					delivered[e.Code] = append(delivered[e.Code], e.Event)
				}
				mu.Unlock()
				// A deliverer retries an acknowledgement that failed for
				// another reason (a busy database); only a lost lease
				// counts against the store.
				err = o.Ack(ctx, got...)
				for try := 0; err != nil && !errors.Is(err, dossier.ErrLeaseLost) && try < 5; try++ {
					time.Sleep(50 * time.Millisecond)
					err = o.Ack(ctx, got...)
				}
				switch {
				case errors.Is(err, dossier.ErrLeaseLost):
					mu.Lock()
					lost++
					mu.Unlock()
				case err != nil:
					t.Errorf("acknowledging: %v", err)
				}
			}
		})
	}
	wg.Wait()
	assert.Zero(t, lost, "no deliverer lost a lease it held")
	require.Len(t, delivered, dossiers)
	for c, got := range delivered {
		assert.Equal(t, []int{1, 2, 3}, got, "%s: each event once, in order", c)
	}
	for _, o := range outboxes {
		none, next := lease(t, o, later.Add(2*ttl), 100)
		assert.Empty(t, none, "nothing left")
		assert.True(t, next.IsZero())
	}
}

// Pending shows what is left to deliver of one dossier: its head with its
// delivery state, then what waits behind it; an acknowledged event is gone
// from it, and a dossier with nothing left has no entries.
func testOutboxPending(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	x, y := resolvedAndNext(t, newDesk(t, s))
	pending := func(c dossier.Code) []dossier.OutboxEntry {
		t.Helper()
		got, err := o.Pending(ctx, c)
		require.NoError(t, err)
		return got
	}
	events := func(entries []dossier.OutboxEntry) []int {
		var out []int
		for _, e := range entries {
			out = append(out, e.Event)
		}
		return out
	}

	got := pending(x.Code)
	assert.Equal(t, []int{1, 2, 3}, events(got), "every event, in order")
	for _, e := range got {
		assert.Equal(t, x.Code, e.Code)
		assert.Zero(t, e.Attempts)
		assert.False(t, e.Dead)
	}
	assert.Equal(t, []int{1}, events(pending(y.Code)), "each dossier its own")
	unknown := x.Code
	unknown.Seq = 99
	assert.Empty(t, pending(unknown), "a dossier the store does not hold")

	leased := first(t, o, base)
	require.Equal(t, []string{key(x.Code, 1), key(y.Code, 1)}, keys(leased))
	for _, e := range pending(x.Code) {
		assert.Empty(t, e.LeaseID, "Pending hands out no lease")
	}
	retry := base.Add(time.Minute)
	require.NoError(t, o.Fail(ctx, leased[0], "portal: 502 Bad Gateway", retry))
	require.NoError(t, o.Ack(ctx, leased[1]))
	got = pending(x.Code)
	require.Equal(t, []int{1, 2, 3}, events(got))
	assert.Equal(t, 1, got[0].Attempts, "the head's failed attempt")
	assert.Equal(t, "portal: 502 Bad Gateway", got[0].LastError)
	assert.True(t, got[0].RetryAt.Equal(retry), "its retry time: %s", got[0].RetryAt)
	assert.Zero(t, got[1].Attempts, "what waits behind it was never tried")
	assert.Empty(t, pending(y.Code), "an acknowledged event is gone")

	again := first(t, o, retry)
	require.Equal(t, []string{key(x.Code, 1)}, keys(again))
	require.NoError(t, o.Ack(ctx, again...))
	next := first(t, o, retry)
	require.Equal(t, []string{key(x.Code, 2)}, keys(next))
	require.NoError(t, o.Bury(ctx, next[0], "portal: 400 MaTTHC không tồn tại"))
	got = pending(x.Code)
	require.Equal(t, []int{2, 3}, events(got), "the delivered event is gone")
	assert.True(t, got[0].Dead, "the head is a dead letter")
	assert.Equal(t, 1, got[0].Behind, "with one entry behind it")
	assert.Equal(t, 1, got[0].Attempts)
	assert.False(t, got[1].Dead, "only the head is dead")
}

// Leases that make no sense are refused; a cancelled context fails.
func testOutboxInvalid(t *testing.T, s dossier.Store, o dossier.Outbox) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	for _, tt := range []struct {
		name string
		ttl  time.Duration
		max  int
	}{
		{"no entries", ttl, 0},
		{"negative entries", ttl, -1},
		{"no time", 0, 10},
		{"negative time", -time.Second, 10},
	} {
		_, _, err := o.Lease(ctx, base, tt.ttl, tt.max)
		assert.ErrorIs(t, err, dossier.ErrInvalid, tt.name)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err := o.Lease(cancelled, base, ttl, 10)
	assert.Error(t, err, "Lease")
	got := first(t, o, base)
	require.Len(t, got, 1)
	for name, err := range map[string]error{
		"Ack":     o.Ack(cancelled, got...),
		"Release": o.Release(cancelled, got...),
		"Fail":    o.Fail(cancelled, got[0], "x", base),
		"Bury":    o.Bury(cancelled, got[0], "x"),
		"Retry":   o.Retry(cancelled, x.Code, 1),
		"Pending": func() error { _, err := o.Pending(cancelled, x.Code); return err }(),
	} {
		assert.Error(t, err, name)
		assert.False(t, errors.Is(err, dossier.ErrLeaseLost), "%s: the context's error, not a lost lease", name)
	}
	var listErr error
	for _, err := range o.DeadLetters(cancelled) {
		listErr = err
	}
	assert.Error(t, listErr, "DeadLetters")
	require.NoError(t, o.Ack(ctx, got...), "a cancelled call changed nothing")
}
