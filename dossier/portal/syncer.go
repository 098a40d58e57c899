package portal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
)

// A Change is one event of a dossier, as the portal must learn it.
type Change struct {
	// Key identifies the change for the portal's idempotency: the
	// dossier's code and the event's number, such as
	// "000.00.01.H26-250303-0001#3". A change delivered twice carries the
	// same key both times.
	Key    string
	Code   dossier.Code
	Event  int     // the event's number, from 1
	Record Dossier // the dossier as it stood just after the event
}

// Key returns the key of event n of dossier c, as Change.Key holds it.
func Key(c dossier.Code, n int) string { return c.String() + "#" + strconv.Itoa(n) }

// A Sender delivers changes to the portal. Send returns nil only when the
// portal has taken every change of the batch; any error means none of them
// counts as delivered, and they are sent again. A batch holds at most one
// change per dossier. Send must return when ctx ends, with an error that
// wraps ctx's error: the Syncer bounds each call with Config.SendTimeout,
// and only such an error, from a call that outlived it, counts as no
// answer; any other error is the portal's refusal, even one that comes
// as the time runs out. The portal must treat a change whose Key it has
// seen as already done.
type Sender interface {
	Send(ctx context.Context, batch []Change) error
}

// SenderFunc adapts a function to a Sender.
type SenderFunc func(ctx context.Context, batch []Change) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, batch []Change) error { return f(ctx, batch) }

// ErrNoOutbox means the Store given to NewSyncer is not a dossier.Outbox,
// so it keeps no record of what to send.
var ErrNoOutbox = errors.New("portal: the store is not a dossier.Outbox")

// Config configures a Syncer. Zero durations and counts take their
// defaults; negative ones are an error.
type Config struct {
	// Store holds the dossiers and their outbox; it must be a
	// dossier.Outbox. Required.
	Store dossier.Store
	// Catalog holds the procedures the records name. Required.
	Catalog *procedure.Catalog
	// Sender delivers the changes. Required.
	Sender Sender
	// MaxAttempts is how many failed deliveries make a change a dead
	// letter. Defaults to 20: with the default backoffs, about two hours of
	// retries.
	MaxAttempts int
	// MinBackoff is the longest wait before the first retry of a failed
	// change; each further failure doubles it, up to MaxBackoff, and the
	// wait is drawn between half of that and all of it (equal jitter), so
	// that deliverers that failed together do not retry together. Defaults
	// to one second.
	MinBackoff time.Duration
	// MaxBackoff caps the wait between two attempts. Defaults to 1,024
	// times MinBackoff (eleven doublings), but no more than 15 minutes and
	// no less than MinBackoff: with the default MinBackoff, 15 minutes. It
	// must not be below MinBackoff.
	MaxBackoff time.Duration
	// BatchSize is the most changes sent in one call to the Sender.
	// Defaults to 100.
	BatchSize int
	// SendTimeout bounds each call to the Sender; a call that outlives it
	// counts as a failed attempt for every change in it. Defaults to 30
	// seconds.
	SendTimeout time.Duration
	// LeaseTime is how long the changes a Syncer takes from the outbox are
	// its own: another deliverer takes them over once it has passed, so a
	// crashed Syncer's changes come back. It must exceed SendTimeout, and
	// a batch that is split after a failure is sent only while its lease
	// can cover one more call. Defaults to five minutes.
	LeaseTime time.Duration
	// PollInterval is how often Run and Drain look for new changes when
	// none is ready. Defaults to one second.
	PollInterval time.Duration
	// Now tells the time of leases and retries. Defaults to time.Now; a
	// clock that does not move makes retry times never come.
	Now func() time.Time
	// Logger receives a record of each failed delivery and dead letter, and
	// of store errors. Defaults to discarding them.
	Logger *slog.Logger
}

// maxBackoffFactor is how far MaxBackoff lies above MinBackoff by
// default.
const maxBackoffFactor = 1024

// Defaults of Config.
const (
	// DefaultMaxAttempts is Config.MaxAttempts's default.
	DefaultMaxAttempts = 20
	// DefaultMinBackoff is Config.MinBackoff's default.
	DefaultMinBackoff = time.Second
	// DefaultMaxBackoff is the most Config.MaxBackoff's default can be.
	DefaultMaxBackoff = 15 * time.Minute
	// DefaultBatchSize is Config.BatchSize's default.
	DefaultBatchSize = 100
	// DefaultSendTimeout is Config.SendTimeout's default.
	DefaultSendTimeout = 30 * time.Second
	// DefaultLeaseTime is Config.LeaseTime's default.
	DefaultLeaseTime = 5 * time.Minute
	// DefaultPollInterval is Config.PollInterval's default.
	DefaultPollInterval = time.Second
)

// settleTimeout bounds the store calls that record a delivery's outcome,
// which run even after the Syncer's context ends, so that what the portal
// took is acknowledged and what it did not is released.
const settleTimeout = 10 * time.Second

// maxCause bounds the error text kept with a failed change.
const maxCause = 1000

// A Syncer delivers a store's outbox to the portal: every change, in order
// per dossier, at least once. See the package documentation for its
// guarantees. Run and Drain may be called from any number of goroutines,
// and Syncers in any number of processes may share a store: leases keep
// them from sending one change at the same time.
type Syncer struct {
	store       dossier.Store
	outbox      dossier.Outbox
	catalog     *procedure.Catalog
	sender      Sender
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	batch       int
	timeout     time.Duration
	lease       time.Duration
	poll        time.Duration
	now         func() time.Time
	log         *slog.Logger
}

// NewSyncer checks cfg and returns its Syncer. It fails with ErrNoOutbox if
// cfg.Store is not a dossier.Outbox.
func NewSyncer(cfg Config) (*Syncer, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("portal: Config.Store is required")
	case cfg.Catalog == nil:
		return nil, errors.New("portal: Config.Catalog is required")
	case cfg.Sender == nil:
		return nil, errors.New("portal: Config.Sender is required")
	}
	ob, ok := cfg.Store.(dossier.Outbox)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrNoOutbox, cfg.Store)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"MaxAttempts", int64(cfg.MaxAttempts)}, {"MinBackoff", int64(cfg.MinBackoff)}, {"MaxBackoff", int64(cfg.MaxBackoff)},
		{"BatchSize", int64(cfg.BatchSize)}, {"SendTimeout", int64(cfg.SendTimeout)}, {"LeaseTime", int64(cfg.LeaseTime)},
		{"PollInterval", int64(cfg.PollInterval)},
	} {
		if f.v < 0 {
			return nil, fmt.Errorf("portal: Config.%s is negative", f.name)
		}
	}
	s := &Syncer{
		store: cfg.Store, outbox: ob, catalog: cfg.Catalog, sender: cfg.Sender,
		maxAttempts: or(cfg.MaxAttempts, DefaultMaxAttempts),
		minBackoff:  or(cfg.MinBackoff, DefaultMinBackoff),
		maxBackoff:  or(cfg.MaxBackoff, DefaultMaxBackoff),
		batch:       or(cfg.BatchSize, DefaultBatchSize),
		timeout:     or(cfg.SendTimeout, DefaultSendTimeout),
		lease:       or(cfg.LeaseTime, DefaultLeaseTime),
		poll:        or(cfg.PollInterval, DefaultPollInterval),
		now:         cfg.Now,
		log:         cfg.Logger,
	}
	if cfg.MaxBackoff == 0 && s.minBackoff < DefaultMaxBackoff/maxBackoffFactor {
		s.maxBackoff = maxBackoffFactor * s.minBackoff
	}
	if cfg.MaxBackoff == 0 {
		s.maxBackoff = max(s.maxBackoff, s.minBackoff)
	}
	if cfg.LeaseTime == 0 && s.lease <= s.timeout {
		s.lease = 2 * s.timeout
	}
	switch {
	case s.maxBackoff < s.minBackoff:
		return nil, fmt.Errorf("portal: Config.MaxBackoff %s is below MinBackoff %s", s.maxBackoff, s.minBackoff)
	case s.lease <= s.timeout:
		return nil, fmt.Errorf("portal: Config.LeaseTime %s must exceed SendTimeout %s", s.lease, s.timeout)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

func or[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Run delivers changes as they come until ctx ends, then returns ctx's
// error. A failure of the Sender or of the store never stops it: failed
// changes are retried after their backoff, and store errors are logged and
// tried again at the next poll. When ctx ends it releases the changes it
// holds, so that another Syncer takes them at once.
func (s *Syncer) Run(ctx context.Context) error {
	for {
		n, next, err := s.round(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			s.log.Warn("portal: cannot lease from the outbox", "error", err)
			next = time.Time{}
		}
		if n > 0 {
			continue
		}
		if err := s.wait(ctx, next); err != nil {
			return err
		}
	}
}

// Drain delivers until the outbox holds nothing it could deliver, only dead
// letters and the changes that wait behind them, and returns nil. It waits
// for retry times to come and for other deliverers' leases to end or be
// acknowledged; Sender failures are retried, not returned. It returns a
// store error as it happens, and ctx's error if ctx ends first.
func (s *Syncer) Drain(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, next, err := s.round(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return err
		case n > 0:
			continue
		case next.IsZero():
			return nil
		}
		if err := s.wait(ctx, next); err != nil {
			return err
		}
	}
}

// wait waits until next, or PollInterval if that is sooner, or until ctx
// ends.
func (s *Syncer) wait(ctx context.Context, next time.Time) error {
	d := s.poll
	if !next.IsZero() {
		d = min(d, max(next.Sub(s.now()), time.Millisecond))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// An item is a leased entry and its change.
type item struct {
	entry  dossier.OutboxEntry
	change Change
}

// round leases a batch and delivers it. It returns how many entries it
// leased and when the next will be ready (see dossier.Outbox.Lease).
func (s *Syncer) round(ctx context.Context) (int, time.Time, error) {
	now := s.now()
	entries, next, err := s.outbox.Lease(ctx, now, s.lease, s.batch)
	if err != nil || len(entries) == 0 {
		return 0, next, err
	}
	s.deliver(ctx, now.Add(s.lease), s.prepare(ctx, entries))
	return len(entries), next, nil
}

// prepare builds the change of each entry. An entry whose change cannot be
// built is settled here: buried when building it again could not succeed,
// failed (or released, if ctx ended) when reading the store failed.
func (s *Syncer) prepare(ctx context.Context, entries []dossier.OutboxEntry) []item {
	items := make([]item, 0, len(entries))
	for _, e := range entries {
		c, err := s.change(ctx, e)
		switch {
		case err == nil:
			items = append(items, item{e, c})
		case ctx.Err() != nil:
			s.release(ctx, []item{{entry: e}})
		case errors.Is(err, ErrRecord) || errors.Is(err, dossier.ErrNotFound):
			s.bury(ctx, e, err)
		default:
			s.fail(ctx, item{entry: e}, err)
		}
	}
	return items
}

// change returns the change of entry e: its dossier replayed up to the
// event, as a record. A dossier that is missing, or shorter than the
// event, is ErrRecord: the outbox promised it.
func (s *Syncer) change(ctx context.Context, e dossier.OutboxEntry) (Change, error) {
	d, err := s.store.Get(ctx, e.Code)
	if errors.Is(err, dossier.ErrNotFound) {
		return Change{}, fmt.Errorf("%w: %s is not in the store", ErrRecord, e.Code)
	}
	if err != nil {
		return Change{}, err
	}
	if e.Event < 1 || e.Event > len(d.Events) {
		return Change{}, fmt.Errorf("%w: %s has no event %d", ErrRecord, e.Code, e.Event)
	}
	then, err := dossier.Restore(*d, d.Events[:e.Event])
	if err != nil {
		return Change{}, fmt.Errorf("%w: %w", ErrRecord, err)
	}
	r, err := Record(then, s.catalog)
	if err != nil {
		return Change{}, err
	}
	return Change{Key: Key(e.Code, e.Event), Code: e.Code, Event: e.Event, Record: r}, nil
}

// deliver sends items and settles each. A batch the Sender refuses is split
// in two, and each half sent again at once, down to single changes: only a
// change refused on its own counts a failed attempt, so that one change
// the portal keeps refusing delays no other. A call that timed out is not
// split (the portal did not answer, which says nothing of the changes), and
// nothing is sent once the lease could end during the call: those changes
// are released for the next round.
func (s *Syncer) deliver(ctx context.Context, leaseEnd time.Time, items []item) {
	if len(items) == 0 {
		return
	}
	if ctx.Err() != nil || s.now().Add(s.timeout).After(leaseEnd) {
		s.release(ctx, items)
		return
	}
	err := s.send(ctx, items)
	switch {
	case err == nil:
		s.ack(ctx, items)
	case ctx.Err() != nil:
		s.release(ctx, items)
	case errors.Is(err, errNoAnswer) || len(items) == 1:
		for _, it := range items {
			s.fail(ctx, it, err)
		}
	default:
		half := len(items) / 2
		s.deliver(ctx, leaseEnd, items[:half])
		s.deliver(ctx, leaseEnd, items[half:])
	}
}

// errNoAnswer marks a call to the Sender that outlived SendTimeout without
// an answer.
var errNoAnswer = errors.New("portal: no answer")

// send calls the Sender under SendTimeout. The error of a call that
// outlived it matches errNoAnswer if it is the deadline's: an answer that
// came as the deadline passed (a refusal read just in time, then a busy
// machine) still says what the portal made of the changes.
func (s *Syncer) send(ctx context.Context, items []item) error {
	sctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	batch := make([]Change, len(items))
	for i, it := range items {
		batch[i] = it.change
	}
	err := s.sender.Send(sctx, batch)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && errors.Is(sctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w within %s: %w", errNoAnswer, s.timeout, err)
	}
	return err
}

// settle returns a context for recording outcomes that outlives ctx's
// cancellation, so that the outbox learns what the portal took.
func settle(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
}

func entries(items []item) []dossier.OutboxEntry {
	out := make([]dossier.OutboxEntry, len(items))
	for i, it := range items {
		out[i] = it.entry
	}
	return out
}

func (s *Syncer) ack(ctx context.Context, items []item) {
	sctx, cancel := settle(ctx)
	defer cancel()
	if err := s.outbox.Ack(sctx, entries(items)...); err != nil {
		// The portal has them; the outbox will hand them out again, and
		// the portal knows their keys.
		s.log.Warn("portal: delivered, but cannot acknowledge", "error", err)
	}
}

func (s *Syncer) release(ctx context.Context, items []item) {
	sctx, cancel := settle(ctx)
	defer cancel()
	if err := s.outbox.Release(sctx, entries(items)...); err != nil {
		s.log.Warn("portal: cannot release", "error", err)
	}
}

// fail records a failed attempt of it: a retry after its backoff, or a dead
// letter once it has failed MaxAttempts times.
func (s *Syncer) fail(ctx context.Context, it item, cause error) {
	attempt := it.entry.Attempts + 1
	if attempt >= s.maxAttempts {
		s.bury(ctx, it.entry, cause)
		return
	}
	sctx, cancel := settle(ctx)
	defer cancel()
	retryAt := s.now().Add(s.backoff(attempt))
	key := Key(it.entry.Code, it.entry.Event)
	s.log.Warn("portal: delivery failed", "key", key, "attempt", attempt, "retry_at", retryAt, "error", cause)
	if err := s.outbox.Fail(sctx, it.entry, text(cause), retryAt); err != nil {
		s.log.Warn("portal: cannot record a failed delivery", "key", key, "error", err)
	}
}

func (s *Syncer) bury(ctx context.Context, e dossier.OutboxEntry, cause error) {
	sctx, cancel := settle(ctx)
	defer cancel()
	key := Key(e.Code, e.Event)
	s.log.Error("portal: dead letter", "key", key, "attempts", e.Attempts+1, "error", cause)
	if err := s.outbox.Bury(sctx, e, text(cause)); err != nil {
		s.log.Warn("portal: cannot record a dead letter", "key", key, "error", err)
	}
}

// backoff returns the wait before the retry that follows failed attempt
// number attempt (from 1): MinBackoff doubled attempt-1 times, capped at
// MaxBackoff, and drawn between half of that and all of it.
func (s *Syncer) backoff(attempt int) time.Duration {
	d := s.maxBackoff
	if shift := attempt - 1; shift < 62 {
		if b := s.minBackoff << shift; b > 0 && b>>shift == s.minBackoff && b < d {
			d = b
		}
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// text returns err's text, cut to at most maxCause bytes of whole
// characters.
func text(err error) string {
	t := err.Error()
	if len(t) <= maxCause {
		return t
	}
	n := maxCause
	for n > 0 && !utf8.RuneStart(t[n]) {
		n--
	}
	return t[:n]
}
