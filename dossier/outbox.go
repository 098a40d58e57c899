package dossier

import (
	"context"
	"errors"
	"iter"
	"time"
)

var (
	// ErrLeaseLost means an outbox entry is no longer leased under the
	// lease the caller names: the lease expired and another deliverer took
	// the entry, or the entry was already acknowledged, failed, released or
	// buried. Nothing was changed.
	ErrLeaseLost = errors.New("dossier: outbox lease lost")
	// ErrNoEntry means the outbox holds no such entry, such as a Retry of a
	// change that is not a dead letter.
	ErrNoEntry = errors.New("dossier: no such outbox entry")
)

// An Outbox is a Store that records, in the same transaction as every
// create and append, one entry per new event: what must be sent to the
// national public service portal. No change is committed without its
// entries and no entry exists without its change, so a deliverer that reads
// the outbox sends every change exactly as it happened, whatever fails in
// between. Package portal's Syncer delivers it; it looks for the interface,
// as report code looks for FactStore.
//
// Each dossier's entries form a queue in event order, and only its head can
// be handed out: Lease never hands out event n+1 of a dossier before event n
// is acknowledged, and never hands one entry to two deliverers at once. A
// lease expires, so the entries of a deliverer that crashed come back. An
// entry that keeps failing becomes a dead letter: it stays at the head of
// its dossier's queue, holding back that dossier's later entries (they
// would overtake it), and no other dossier's, until an officer retries it.
// How many failures make a dead letter is the caller's decision (Bury).
//
// Times are the caller's clock, passed in: a store compares them and never
// reads a clock of its own.
type Outbox interface {
	Store
	// Lease hands out at most max entries that are ready at now, oldest
	// first and at most one per dossier (each its dossier's head), under a
	// new lease that lasts ttl: until now+ttl no other Lease hands them out.
	// An entry is ready when it is not a dead letter, its RetryAt is not
	// after now, and it is not under a lease that lasts beyond now.
	//
	// next is the earliest instant at which an entry that this call did not
	// hand out will be ready: now, or earlier, when more than max were
	// ready; later, when the rest wait for a retry time or for another
	// lease to end. next is zero when nothing is left to wait for: every
	// entry not handed out is a dead letter or queued behind one. A max or
	// ttl that is not positive is ErrInvalid.
	Lease(ctx context.Context, now time.Time, ttl time.Duration, max int) (entries []OutboxEntry, next time.Time, err error)
	// Ack removes entries that were delivered, so that they are never
	// handed out again; each dossier's next entry becomes ready. An entry
	// whose lease is no longer the one it carries (see ErrLeaseLost) is
	// left as it is, and the error, which joins one ErrLeaseLost error per
	// such entry, says so; the others are removed.
	Ack(ctx context.Context, entries ...OutboxEntry) error
	// Release ends the lease of entries that were not delivered, without
	// counting a failed attempt, so that they are ready at once: a
	// deliverer that stops releases what it holds. Entries whose lease is
	// lost are left, as Ack leaves them.
	Release(ctx context.Context, entries ...OutboxEntry) error
	// Fail records a failed delivery of e: it counts the attempt, keeps
	// cause as LastError, and makes e ready again at retryAt. ErrLeaseLost
	// if e's lease is not the one it carries; then nothing changes.
	Fail(ctx context.Context, e OutboxEntry, cause string, retryAt time.Time) error
	// Bury records a failed delivery of e, as Fail does, and makes e a dead
	// letter: it is never handed out again until Retry, and its dossier's
	// later entries wait behind it. ErrLeaseLost as for Fail.
	Bury(ctx context.Context, e OutboxEntry, cause string) error
	// DeadLetters yields the dead letters, by code, with their attempts,
	// last error and how many later entries wait behind each. It stops
	// when the consumer stops, and yields an error (and stops) if reading
	// fails.
	DeadLetters(ctx context.Context) iter.Seq2[OutboxEntry, error]
	// Retry makes the dead letter for event of dossier c ready again at
	// once, with its attempts counted afresh from zero (its LastError is
	// kept until the next attempt): the officer's action once the cause is
	// fixed. ErrNoEntry if that change is not a dead letter.
	Retry(ctx context.Context, c Code, event int) error
	// Pending returns the entries the outbox holds for dossier c, in event
	// order: its head first, with its attempts, last error, retry time and
	// whether it is a dead letter (then with Behind), and after it the
	// entries that wait their turn, which have never been tried. An event
	// of c that has no entry was delivered (acknowledged); a dossier with
	// nothing to deliver, or that the store does not hold, has no entries.
	// The entries carry no LeaseID: only Lease hands out the right to
	// settle one.
	Pending(ctx context.Context, c Code) ([]OutboxEntry, error)
}

// An OutboxEntry is a change waiting in an Outbox: event Event of dossier
// Code.
type OutboxEntry struct {
	Code  Code
	Event int // the event's number, Event.N
	// Attempts counts the failed deliveries (Fail and Bury).
	Attempts int
	// LastError is the cause given to the last Fail or Bury; "" if none.
	LastError string
	// RetryAt is when a failed entry is ready again; zero if it never
	// failed or was retried.
	RetryAt time.Time
	// LeaseID names the lease Lease handed the entry out under; Ack,
	// Release, Fail and Bury need it. "" in a dead letter.
	LeaseID string
	// Dead reports whether the entry is a dead letter.
	Dead bool
	// Behind counts, in a dead letter, the dossier's later entries that
	// wait behind it.
	Behind int
}
