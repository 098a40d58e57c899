package portal_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/procedure"
)

func TestNewSyncerConfig(t *testing.T) {
	t.Parallel()
	store, cat, sender := memstore.New(), procedure.Sample(), portal.SenderFunc(func(context.Context, []portal.Change) error { return nil })
	good := func() portal.Config { return portal.Config{Store: store, Catalog: cat, Sender: sender} }
	tests := []struct {
		name   string
		change func(*portal.Config)
		is     error
	}{
		{"no store", func(c *portal.Config) { c.Store = nil }, nil},
		{"a store with no outbox", func(c *portal.Config) { c.Store = plainStore{store} }, portal.ErrNoOutbox},
		{"no catalogue", func(c *portal.Config) { c.Catalog = nil }, nil},
		{"no sender", func(c *portal.Config) { c.Sender = nil }, nil},
		{"negative attempts", func(c *portal.Config) { c.MaxAttempts = -1 }, nil},
		{"negative backoff", func(c *portal.Config) { c.MinBackoff = -time.Second }, nil},
		{"negative batch", func(c *portal.Config) { c.BatchSize = -1 }, nil},
		{"negative timeout", func(c *portal.Config) { c.SendTimeout = -1 }, nil},
		{"a cap below the first wait", func(c *portal.Config) { c.MinBackoff, c.MaxBackoff = time.Minute, time.Second }, nil},
		{"a lease no longer than a send", func(c *portal.Config) { c.SendTimeout, c.LeaseTime = time.Minute, time.Minute }, nil},
	}
	for _, tt := range tests {
		cfg := good()
		tt.change(&cfg)
		s, err := portal.NewSyncer(cfg)
		assert.Error(t, err, tt.name)
		assert.Nil(t, s, tt.name)
		if tt.is != nil {
			assert.ErrorIs(t, err, tt.is, tt.name)
		}
	}
	for _, change := range []func(*portal.Config){
		func(*portal.Config) {},
		func(c *portal.Config) { c.MinBackoff = time.Hour },                   // the cap follows
		func(c *portal.Config) { c.SendTimeout = time.Hour },                  // the lease follows
		func(c *portal.Config) { c.MinBackoff, c.MaxBackoff = 1, 1 },          // no jitter room
		func(c *portal.Config) { c.MaxAttempts, c.BatchSize = 1, 1 },          // the least
		func(c *portal.Config) { c.SendTimeout, c.LeaseTime = 1, 2 },          // tight
		func(c *portal.Config) { c.PollInterval = time.Nanosecond },           // eager
		func(c *portal.Config) { c.Now = func() time.Time { return monday } }, // a fixed clock
	} {
		cfg := good()
		change(&cfg)
		_, err := portal.NewSyncer(cfg)
		assert.NoError(t, err)
	}
}

// plainStore hides the outbox of the store it holds.
type plainStore struct{ s *memstore.Store }

func (p plainStore) Create(ctx context.Context, d *dossier.Dossier) error { return p.s.Create(ctx, d) }
func (p plainStore) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	return p.s.Get(ctx, c)
}
func (p plainStore) Append(ctx context.Context, c dossier.Code, v int, e ...dossier.Event) (*dossier.Dossier, error) {
	return p.s.Append(ctx, c, v, e...)
}
func (p plainStore) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return p.s.List(ctx, f)
}

// With a healthy portal, every change arrives once, in order, each with
// the dossier as it stood just after its event.
func TestSyncerDelivers(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := busy(t, d, 60, 1)
	p := newFakePortal()
	require.NoError(t, newSyncer(t, d, p, nil).Drain(timeout(t, 10*time.Second)))
	p.check(t, want)
	for k, n := range p.taken {
		assert.Equal(t, 1, n, "%s taken once", k)
	}

	// Each record is the dossier replayed up to its event.
	for c, keys := range want {
		x, err := d.store.Get(context.Background(), c)
		require.NoError(t, err)
		for i, k := range keys {
			then, err := dossier.Restore(*x, x.Events[:i+1])
			require.NoError(t, err)
			r, err := portal.Record(then, procedure.Sample())
			require.NoError(t, err)
			assert.Equal(t, r, p.records[k], k)
		}
	}
}

// Two events at one instant are two changes with two records: the
// history, not the clock, says what the dossier was after each.
func TestSyncerSameInstant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	x := d.receive(t)
	_, err := d.Transfer(ctx, x.Code, "Bộ phận một cửa", "Công an xã")
	require.NoError(t, err)
	_, err = d.Resolve(ctx, x.Code, "Công an xã")
	require.NoError(t, err)

	p := newFakePortal()
	require.NoError(t, newSyncer(t, d, p, nil).Drain(timeout(t, 5*time.Second)))
	var statuses []int
	var steps []int
	for n := 1; n <= 3; n++ {
		r := p.records[portal.Key(x.Code, n)]
		statuses = append(statuses, r.TrangThaiHoSo)
		steps = append(steps, len(r.QuaTrinhXuLy))
		assert.Equal(t, "20250908080000", r.NgayTiepNhan)
	}
	assert.Equal(t, []int{2, 4, 9}, statuses, "received, in progress, resolved")
	assert.Equal(t, []int{1, 2, 2}, steps, "the control slip as it stood")
	assert.Empty(t, p.records[portal.Key(x.Code, 1)].NgayKetThucXuLy)
	assert.Equal(t, "20250908080000", p.records[portal.Key(x.Code, 3)].NgayKetThucXuLy)
}

// flaky returns a portal that fails 30% of calls, times out on 10% (it
// blocks until the Syncer gives up), takes 5% but loses its answer, is
// down for calls 40 to 80, and always refuses any batch that holds a
// change of one of refused.
func flaky(seed uint64, refused ...dossier.Code) *fakePortal {
	p := newFakePortal()
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, 2))
	p.fail = func(n int, batch []portal.Change) error {
		for _, c := range batch {
			for _, bad := range refused {
				if c.Code == bad {
					return errors.New("portal: 400 MaTTHC không hợp lệ")
				}
			}
		}
		if n >= 40 && n < 80 {
			return errors.New("portal: connection refused")
		}
		mu.Lock()
		x := r.Float64()
		mu.Unlock()
		switch {
		case x < 0.3:
			return errors.New("portal: 503 Service Unavailable")
		case x < 0.4:
			return errBlock
		case x < 0.45:
			return errLost
		}
		return nil
	}
	return p
}

// With a portal that fails, times out and goes down, while officers keep
// working: every change arrives, in order per dossier, duplicates only
// under the same key, and nothing is left but the dead letters of the one
// dossier the portal always refuses.
func TestSyncerFlakyPortal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	poison := d.receive(t)
	p := flaky(7, poison.Code)
	delivering := make(chan struct{})
	var once sync.Once
	fail := p.fail
	p.fail = func(n int, batch []portal.Change) error {
		once.Do(func() { close(delivering) })
		return fail(n, batch)
	}
	s := newSyncer(t, d, p, func(c *portal.Config) { c.MaxAttempts = 12 })

	// The Syncer runs while the desk works.
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- s.Run(runCtx) }()
	want := busy(t, d, 80, 3)
	_, err := d.Transfer(ctx, poison.Code, "Bộ phận một cửa", "Công an xã")
	require.NoError(t, err)
	<-delivering // stopped while it delivers
	stop()
	assert.ErrorIs(t, <-done, context.Canceled, "Run returns its context's error")

	require.NoError(t, s.Drain(timeout(t, 30*time.Second)))
	p.check(t, want)

	dead := deadLetters(t, d.store)
	require.Len(t, dead, 1, "only the refused dossier's first change")
	assert.Equal(t, poison.Code, dead[0].Code)
	assert.Equal(t, 1, dead[0].Event)
	assert.Equal(t, 12, dead[0].Attempts, "MaxAttempts failures")
	assert.Equal(t, "portal: 400 MaTTHC không hợp lệ", dead[0].LastError)
	assert.Equal(t, 1, dead[0].Behind, "its transfer waits behind it")
	p.mu.Lock()
	twice := 0
	for _, n := range p.taken {
		if n > 1 {
			twice++
		}
	}
	assert.Positive(t, twice, "some changes arrived twice (lost answers), each time under its key with its record")
	assert.Equal(t, []int{1}, dedupe(p.sent[poison.Code]), "its transfer is never sent before its receipt")
	assert.Greater(t, p.calls, 80, "the portal was down for a while")
	p.mu.Unlock()
}

func dedupe(xs []int) []int {
	var out []int
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// An officer retries a dead letter once the portal takes it: the dossier's
// changes then go, in order.
func TestSyncerRetryDeadLetter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	x := d.receive(t)
	_, err := d.at(5).Transfer(ctx, x.Code, "Bộ phận một cửa", "Công an xã")
	require.NoError(t, err)
	other := busy(t, d, 5, 9)

	refusing := true
	var mu sync.Mutex
	p := newFakePortal()
	p.fail = func(_ int, batch []portal.Change) error {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range batch {
			if refusing && c.Code == x.Code {
				return errors.New("portal: 422 unknown procedure")
			}
		}
		return nil
	}
	s := newSyncer(t, d, p, func(c *portal.Config) { c.MaxAttempts = 3 })
	require.NoError(t, s.Drain(timeout(t, 10*time.Second)))
	p.check(t, other)
	dead := deadLetters(t, d.store)
	require.Len(t, dead, 1)
	assert.Equal(t, 3, dead[0].Attempts)

	mu.Lock()
	refusing = false
	mu.Unlock()
	require.NoError(t, d.store.Retry(ctx, x.Code, 1))
	require.NoError(t, s.Drain(timeout(t, 10*time.Second)))
	other[x.Code] = []string{portal.Key(x.Code, 1), portal.Key(x.Code, 2)}
	p.check(t, other)
	assert.Empty(t, deadLetters(t, d.store))
}

// A change whose record cannot be written is a dead letter at once.
func TestSyncerUnwritable(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	busy(t, d, 3, 4)
	p := newFakePortal()
	other, err := procedure.NewCatalog()
	require.NoError(t, err)
	s := newSyncer(t, d, p, func(c *portal.Config) { c.Catalog = other })
	require.NoError(t, s.Drain(timeout(t, 5*time.Second)))
	dead := deadLetters(t, d.store)
	require.Len(t, dead, 3)
	for _, e := range dead {
		assert.Equal(t, 1, e.Attempts, "buried on the first try")
		assert.Contains(t, e.LastError, "1.004222")
	}
	assert.Zero(t, p.calls, "nothing was sent")
}

// A new Syncer on the same store never sends what an earlier one
// delivered.
func TestSyncerRestart(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	first := busy(t, d, 20, 5)
	p := newFakePortal()
	require.NoError(t, newSyncer(t, d, p, nil).Drain(timeout(t, 10*time.Second)))
	p.check(t, first)

	again := newFakePortal()
	require.NoError(t, newSyncer(t, d, again, nil).Drain(timeout(t, 10*time.Second)))
	assert.Zero(t, again.calls, "a restarted Syncer sends nothing that was acknowledged")

	more := busy(t, d, 5, 6)
	require.NoError(t, newSyncer(t, d, again, nil).Drain(timeout(t, 10*time.Second)))
	again.check(t, more)
}

// A Syncer stopped in the middle of a send releases what it holds: a new
// one takes it at once, without waiting for the lease to end.
func TestSyncerStopReleases(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := busy(t, d, 10, 8)
	hang := newFakePortal()
	started := make(chan struct{}, 1)
	hang.fail = func(int, []portal.Change) error {
		select {
		case started <- struct{}{}:
		default:
		}
		return errBlock
	}
	s := newSyncer(t, d, hang, func(c *portal.Config) { c.SendTimeout, c.LeaseTime = time.Hour, 2*time.Hour })
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-started
	stop()
	require.ErrorIs(t, <-done, context.Canceled)

	// Had the leases been kept, Drain would wait two hours for them: it
	// would not return within its context's ten seconds.
	p := newFakePortal()
	require.NoError(t, newSyncer(t, d, p, nil).Drain(timeout(t, 10*time.Second)), "no wait for the lease")
	p.check(t, want)
	for _, e := range deadLetters(t, d.store) {
		t.Errorf("dead letter %s#%d", e.Code, e.Event)
	}
}

// Two Syncers on one store never send one change at the same time, and
// together deliver everything.
func TestSyncerTwoDeliverers(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := busy(t, d, 60, 10)
	p := flaky(11)
	var wg sync.WaitGroup
	for range 2 {
		s := newSyncer(t, d, p, nil)
		wg.Go(func() { assert.NoError(t, s.Drain(timeout(t, 30*time.Second))) })
	}
	wg.Wait()
	p.check(t, want)
}

// A batch the portal refuses is split, so that the change it refuses
// delays no other: the others arrive in the same round, with no failed
// attempt counted.
func TestSyncerSplitsRefusedBatch(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := busy(t, d, 15, 12)
	bad := d.receive(t)
	p := newFakePortal()
	p.fail = func(_ int, batch []portal.Change) error {
		for _, c := range batch {
			if c.Code == bad.Code {
				return errors.New("refused")
			}
		}
		return nil
	}
	var sizes []int
	var mu sync.Mutex
	s := newSyncer(t, d, portal.SenderFunc(func(ctx context.Context, batch []portal.Change) error {
		mu.Lock()
		sizes = append(sizes, len(batch))
		mu.Unlock()
		return p.Send(ctx, batch)
	}), func(c *portal.Config) {
		c.MaxAttempts, c.BatchSize, c.MinBackoff, c.MaxBackoff = 1, 16, time.Hour, time.Hour
		c.SendTimeout = time.Hour // however slow the machine, every call answers in time
	})
	require.NoError(t, s.Drain(timeout(t, 10*time.Second)))
	p.check(t, want)
	require.NotEmpty(t, sizes)
	assert.Equal(t, 16, sizes[0], "the first batch is whole")
	assert.Contains(t, sizes, 1, "split down to the refused change")
	dead := deadLetters(t, d.store)
	require.Len(t, dead, 1)
	assert.Equal(t, bad.Code, dead[0].Code)
}

// Only the deadline is no answer. A call whose Sender gives up as its time
// runs out, with an error that wraps the context's, fails its whole batch,
// which is not split; a refusal that comes back just as the time runs out
// is an answer all the same, and the batch is split as for any refusal.
func TestSyncerLateAnswer(t *testing.T) {
	t.Parallel()
	const refusal = "portal: 400 MaTTHC không hợp lệ"
	tests := []struct {
		name string
		// answer is what a call that holds the refused change returns,
		// once its context has ended.
		answer func(ctx context.Context) error
		split  bool
	}{
		{"the deadline", func(ctx context.Context) error { return fmt.Errorf("portal: posting: %w", ctx.Err()) }, false},
		{"a refusal at the deadline", func(context.Context) error { return errors.New(refusal) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			want := busy(t, d, 15, 16)
			bad := d.receive(t)
			p := newFakePortal()
			var sizes []int
			s := newSyncer(t, d, portal.SenderFunc(func(ctx context.Context, batch []portal.Change) error {
				sizes = append(sizes, len(batch))
				for _, c := range batch {
					if c.Code == bad.Code {
						<-ctx.Done()
						return tt.answer(ctx)
					}
				}
				return p.Send(ctx, batch)
			}), func(c *portal.Config) {
				c.MaxAttempts, c.BatchSize, c.SendTimeout = 1, 16, 10*time.Millisecond
			})
			require.NoError(t, s.Drain(timeout(t, 10*time.Second)))
			dead := deadLetters(t, d.store)
			if !tt.split {
				assert.Equal(t, []int{16}, sizes, "one call, not split")
				assert.Len(t, dead, 16, "every change of it counted a failed attempt")
				for _, e := range dead {
					assert.Contains(t, e.LastError, "no answer within 10ms")
				}
				return
			}
			p.check(t, want)
			assert.Contains(t, sizes, 1, "split down to the refused change")
			require.Len(t, dead, 1)
			assert.Equal(t, bad.Code, dead[0].Code)
			assert.Equal(t, refusal, dead[0].LastError)
		})
	}
}

// A portal that does not answer within SendTimeout fails the whole batch,
// which is not split.
func TestSyncerTimeout(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := busy(t, d, 8, 13)
	p := newFakePortal()
	p.fail = func(n int, _ []portal.Change) error {
		if n == 1 {
			return errBlock
		}
		return nil
	}
	var sizes []int
	var errs []error
	s := newSyncer(t, d, portal.SenderFunc(func(ctx context.Context, batch []portal.Change) error {
		sizes = append(sizes, len(batch))
		err := p.Send(ctx, batch)
		errs = append(errs, err)
		return err
	}), func(c *portal.Config) {
		c.SendTimeout, c.BatchSize = 20*time.Millisecond, 100
		// A clock that moves on by more than MaxBackoff at each reading:
		// every change that failed is due again at the next lease,
		// however long the Syncer took to record the failures one by one.
		var mu sync.Mutex
		now := monday
		c.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Second)
			return now
		}
	})
	require.NoError(t, s.Drain(timeout(t, 10*time.Second)))
	p.check(t, want)
	require.GreaterOrEqual(t, len(sizes), 2)
	assert.ErrorIs(t, errs[0], context.DeadlineExceeded, "the first call ended at SendTimeout")
	assert.Equal(t, sizes[0], sizes[1], "the batch that timed out went again whole")
}

// A logger hears of every failure and dead letter, never a token.
func TestSyncerLogs(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	busy(t, d, 2, 14)
	var log strings.Builder
	var mu sync.Mutex
	s := newSyncer(t, d, portal.SenderFunc(func(context.Context, []portal.Change) error {
		return errors.New("portal: 500 Internal Server Error")
	}), func(c *portal.Config) {
		c.MaxAttempts = 2
		c.Logger = newLogger(&log, &mu)
	})
	require.NoError(t, s.Drain(timeout(t, 5*time.Second)))
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, log.String(), "delivery failed")
	assert.Contains(t, log.String(), "dead letter")
	assert.Contains(t, log.String(), "000.00.01.H26-250908-0001#1")
}

// Drain returns its context's error when it ends first.
func TestSyncerDrainCancelled(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	busy(t, d, 3, 15)
	s := newSyncer(t, d, portal.SenderFunc(func(context.Context, []portal.Change) error { return errors.New("down") }),
		func(c *portal.Config) { c.MinBackoff, c.MaxBackoff = time.Hour, time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, s.Drain(ctx), context.DeadlineExceeded)
	assert.Empty(t, deadLetters(t, d.store), "a failure is not a dead letter yet")
}
