package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/motcua/motcua/dossier"
)

// outbox is the Store's dossier.Outbox: a queue of event numbers per
// dossier. Create and Append add to it while they hold the Store's lock,
// in the same critical section as the change, and only once the change is
// sure to be committed; the outbox's own lock, always taken after the
// Store's, lets deliverers lease and acknowledge without holding up the
// desk.
type outbox struct {
	mu     sync.Mutex
	queues map[dossier.Code]*queue
	seq    uint64 // numbers entries in commit order
	leases uint64 // numbers leases
	off    bool   // records nothing: only for measuring the outbox's cost
}

// A queue is one dossier's pending entries, head first. Only the head can
// have been tried, so the delivery state is the head's.
type queue struct {
	code     dossier.Code
	entries  []queued
	buf      [4]queued // entries' first array: most dossiers wait with few events
	attempts int
	lastErr  string
	retryAt  time.Time
	lease    string    // "" when not leased
	until    time.Time // the lease's end
	dead     bool
}

type queued struct {
	event int
	seq   uint64
}

func newOutbox() *outbox { return &outbox{queues: map[dossier.Code]*queue{}} }

// add records events from to through to of dossier c. The caller holds the
// Store's lock and has committed the change.
func (o *outbox) add(c dossier.Code, from, to int) {
	if o.off || from > to {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	q := o.queues[c]
	if q == nil {
		q = &queue{code: c}
		q.entries = q.buf[:0]
		o.queues[c] = q
	}
	for n := from; n <= to; n++ {
		o.seq++
		q.entries = append(q.entries, queued{event: n, seq: o.seq})
	}
}

// readyAt returns when q's head can be leased.
func (q *queue) readyAt() time.Time {
	if q.lease != "" && q.until.After(q.retryAt) {
		return q.until
	}
	return q.retryAt
}

func (q *queue) entry() dossier.OutboxEntry {
	return dossier.OutboxEntry{
		Code: q.code, Event: q.entries[0].event, Attempts: q.attempts, LastError: q.lastErr,
		RetryAt: q.retryAt, LeaseID: q.lease, Dead: q.dead,
	}
}

// Lease implements dossier.Outbox.
func (s *Store) Lease(ctx context.Context, now time.Time, ttl time.Duration, max int) ([]dossier.OutboxEntry, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, err
	}
	if max <= 0 || ttl <= 0 {
		return nil, time.Time{}, fmt.Errorf("%w: lease at most %d entries for %s", dossier.ErrInvalid, max, ttl)
	}
	o := s.ob
	o.mu.Lock()
	defer o.mu.Unlock()
	var ready []*queue
	var next time.Time
	later := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for _, q := range o.queues {
		switch at := q.readyAt(); {
		case q.dead:
		case at.After(now):
			later(at)
		default:
			ready = append(ready, q)
		}
	}
	slices.SortFunc(ready, func(a, b *queue) int { return cmp.Compare(a.entries[0].seq, b.entries[0].seq) })
	if len(ready) > max {
		later(now)
		ready = ready[:max]
	}
	o.leases++
	id := strconv.FormatUint(o.leases, 10)
	out := make([]dossier.OutboxEntry, len(ready))
	for i, q := range ready {
		q.lease, q.until = id, now.Add(ttl)
		out[i] = q.entry()
	}
	return out, next, nil
}

// held returns the queue whose head e is, under e's lease, or an error
// matching dossier.ErrLeaseLost. The caller holds o.mu.
func (o *outbox) held(e dossier.OutboxEntry) (*queue, error) {
	q := o.queues[e.Code]
	if q == nil || e.LeaseID == "" || q.lease != e.LeaseID || q.entries[0].event != e.Event {
		return nil, fmt.Errorf("%w: %s#%d", dossier.ErrLeaseLost, e.Code, e.Event)
	}
	return q, nil
}

// each applies f to the queue of every entry still held under its lease,
// and joins the errors of the others.
func (s *Store) each(ctx context.Context, entries []dossier.OutboxEntry, f func(*queue)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := s.ob
	o.mu.Lock()
	defer o.mu.Unlock()
	var errs []error
	for _, e := range entries {
		q, err := o.held(e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f(q)
	}
	return errors.Join(errs...)
}

// Ack implements dossier.Outbox.
func (s *Store) Ack(ctx context.Context, entries ...dossier.OutboxEntry) error {
	return s.each(ctx, entries, func(q *queue) {
		q.entries = q.entries[1:]
		if len(q.entries) == 0 {
			delete(s.ob.queues, q.code)
			return
		}
		q.attempts, q.lastErr, q.retryAt, q.lease, q.until = 0, "", time.Time{}, "", time.Time{}
	})
}

// Release implements dossier.Outbox.
func (s *Store) Release(ctx context.Context, entries ...dossier.OutboxEntry) error {
	return s.each(ctx, entries, func(q *queue) { q.lease, q.until = "", time.Time{} })
}

// Fail implements dossier.Outbox.
func (s *Store) Fail(ctx context.Context, e dossier.OutboxEntry, cause string, retryAt time.Time) error {
	return s.each(ctx, []dossier.OutboxEntry{e}, func(q *queue) {
		q.attempts++
		q.lastErr, q.retryAt, q.lease, q.until = cause, retryAt, "", time.Time{}
	})
}

// Bury implements dossier.Outbox.
func (s *Store) Bury(ctx context.Context, e dossier.OutboxEntry, cause string) error {
	return s.each(ctx, []dossier.OutboxEntry{e}, func(q *queue) {
		q.attempts++
		q.lastErr, q.dead, q.lease, q.until = cause, true, "", time.Time{}
	})
}

// DeadLetters implements dossier.Outbox. It yields from a snapshot taken
// under the lock.
func (s *Store) DeadLetters(ctx context.Context) iter.Seq2[dossier.OutboxEntry, error] {
	return func(yield func(dossier.OutboxEntry, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(dossier.OutboxEntry{}, err)
			return
		}
		o := s.ob
		o.mu.Lock()
		var dead []dossier.OutboxEntry
		for _, q := range o.queues {
			if q.dead {
				e := q.entry()
				e.Behind = len(q.entries) - 1
				dead = append(dead, e)
			}
		}
		o.mu.Unlock()
		slices.SortFunc(dead, func(a, b dossier.OutboxEntry) int { return a.Code.Compare(b.Code) })
		for _, e := range dead {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Retry implements dossier.Outbox.
func (s *Store) Retry(ctx context.Context, c dossier.Code, event int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := s.ob
	o.mu.Lock()
	defer o.mu.Unlock()
	q := o.queues[c]
	if q == nil || !q.dead || q.entries[0].event != event {
		return fmt.Errorf("%w: %s#%d is not a dead letter", dossier.ErrNoEntry, c, event)
	}
	q.dead, q.attempts, q.retryAt = false, 0, time.Time{}
	return nil
}

// Pending implements dossier.Outbox.
func (s *Store) Pending(ctx context.Context, c dossier.Code) ([]dossier.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := s.ob
	o.mu.Lock()
	defer o.mu.Unlock()
	q := o.queues[c]
	if q == nil {
		return nil, nil
	}
	out := make([]dossier.OutboxEntry, len(q.entries))
	for i, e := range q.entries {
		out[i] = dossier.OutboxEntry{Code: c, Event: e.event}
	}
	out[0] = q.entry()
	out[0].LeaseID = ""
	if q.dead {
		out[0].Behind = len(q.entries) - 1
	}
	return out, nil
}

var _ dossier.Outbox = (*Store)(nil)
