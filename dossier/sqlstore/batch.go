package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A txFunc is one request's writes in a transaction. It must leave the
// transaction usable when it fails (its statements fail without aborting
// the transaction, as SQLite's and PostgreSQL's constraint errors do
// inside a savepoint), and it must not keep ctx.
type txFunc func(ctx context.Context, tx *sql.Tx) error

// ErrClosed means the Store was closed while a write waited for its turn.
var ErrClosed = errors.New("sqlstore: store closed")

// A request is one write waiting for the store's writer.
type request struct {
	run   txFunc
	lock  string       // the sequence row it locks, "" for none; see runBatch
	state atomic.Int32 // queued, then taken by the writer or given up by the caller
	err   error        // set by the writer before done closes
	done  chan struct{}
}

const (
	queued int32 = iota
	taken
	abandoned
)

// maxBatch bounds how many requests one transaction commits: the locks
// (SQLite's write lock, PostgreSQL's sequence rows) are held while they
// run, and other processes wait for them. PostgreSQL keeps 64
// subtransactions of a transaction in shared memory and, past them, makes
// every other session look them up on disk: a group there has one
// savepoint per request, so at most 64.
const (
	maxBatch         = 256
	maxPostgresBatch = 64
)

// writeTx runs f, an append: in the writer's next group commit on SQLite,
// which has one writer anyway, and in a transaction of its own on
// PostgreSQL, whose row locks let appends to different dossiers proceed
// at once.
func (s *Store) writeTx(ctx context.Context, f txFunc) error {
	if s.dialect == PostgreSQL {
		if err := ctx.Err(); err != nil {
			return err
		}
		return s.inTx(ctx, func(tx *sql.Tx) error { return f(ctx, tx) })
	}
	return s.group(ctx, "", f)
}

// group runs f in the writer's next group commit, which lock, the
// sequence row that f locks ("" for none), helps order. It reports f's
// error, or the commit's. The caller gives up, with ctx's error and
// nothing written, if ctx ends while the request is queued; once the
// writer has taken it, the caller waits for the commit, so that an error
// always means nothing was written.
func (s *Store) group(ctx context.Context, lock string, f txFunc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{run: f, lock: lock, done: make(chan struct{})}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stopped:
		return ErrClosed
	}
	giveUp := func(err error) error {
		if r.state.CompareAndSwap(queued, abandoned) {
			return err
		}
		<-r.done
		return r.err
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return giveUp(ctx.Err())
	case <-s.stopped:
		return giveUp(ErrClosed)
	}
}

// writeLoop is the store's writer: it takes the requests queued while the
// previous commit waited for the disk and commits them together, so that
// concurrent writers share one transaction and one sync instead of taking
// turns for theirs. It returns when quit closes.
func (s *Store) writeLoop(quit <-chan struct{}) {
	defer close(s.stopped)
	limit := maxBatch
	if s.dialect == PostgreSQL {
		limit = maxPostgresBatch
	}
	batch := make([]*request, 0, limit)
	for {
		batch = batch[:0]
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
		case <-quit:
			return
		}
	more:
		for len(batch) < limit {
			select {
			case r := <-s.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.commit(batch, quit)
	}
}

// commit runs the requests of batch that their callers still wait for in
// one transaction, each inside a savepoint of its own: a request that
// fails (a conflict, a duplicate) rolls back to its savepoint and gets its
// error, and the others go on. The requests that succeeded learn the
// commit's outcome. A request counts as taken once the transaction holds
// the write lock (with Open's BEGIN IMMEDIATE), so that a caller whose
// context ends while another process holds the lock gives up too.
//
// SQLite's write lock is not fair: a process waiting for it looks again
// after longer and longer sleeps, up to 100 ms, while a busy writer of
// another process takes it back within microseconds of each commit, so a
// wait can outlast any busy timeout although nobody holds the lock long.
// When SQLite reports the database busy, the writer rolls back and tries
// again, after a pause, for as long as some caller still waits: callers
// bound the wait with their contexts, and Close ends it with ErrClosed.
func (s *Store) commit(batch []*request, quit <-chan struct{}) {
	// The writer's statements must not end with any caller's context: an
	// interrupted statement in SQLite can roll back the whole transaction.
	ctx := context.Background()
	if s.writers != nil {
		s.writers <- struct{}{}
		defer func() { <-s.writers }()
	}
	for pause := time.Millisecond; ; pause = min(2*pause, maxBusyPause) {
		live, err := s.try(ctx, batch)
		if !errors.Is(err, errBusy) {
			for _, r := range live {
				if r.err == nil && err != nil {
					r.err = err
				}
				close(r.done)
			}
			return
		}
		batch = slices.DeleteFunc(live, func(r *request) bool { return r.state.Load() == abandoned })
		if len(batch) == 0 {
			return
		}
		select {
		case <-time.After(pause):
		case <-quit:
			for _, r := range batch {
				if r.state.CompareAndSwap(queued, taken) {
					r.err = ErrClosed
					close(r.done)
				}
			}
			return
		}
	}
}

// maxBusyPause bounds the writer's pause before it tries again a group
// that found the database busy.
const maxBusyPause = 100 * time.Millisecond

// errBusy marks a group that found SQLite's database locked by another
// connection, and rolled back to try again.
var errBusy = errors.New("database busy")

// busy reports whether err is SQLite's SQLITE_BUSY, with any extended
// code (SQLITE_BUSY_SNAPSHOT: a deferred transaction that read an older
// snapshot cannot write).
func busy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// try begins a transaction, takes the requests of batch whose callers
// still wait, runs them and commits. It returns the requests it took; or,
// with an error that wraps errBusy, the requests to try again, queued
// again with nothing written, when the database was busy.
func (s *Store) try(ctx context.Context, batch []*request) ([]*request, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if busy(err) {
		return batch, fmt.Errorf("%w: %w", errBusy, err)
	}
	live := batch[:0]
	for _, r := range batch {
		if r.state.CompareAndSwap(queued, taken) {
			live = append(live, r)
		}
	}
	// Every store takes the sequence rows in the same order, so that two
	// instances' groups on PostgreSQL never wait for each other in a
	// circle.
	slices.SortStableFunc(live, func(a, b *request) int { return strings.Compare(a.lock, b.lock) })
	if err == nil {
		err = s.runBatch(ctx, tx, live)
	}
	if errors.Is(err, errBusy) {
		for _, r := range live {
			r.err = nil
			r.state.Store(queued) // its caller may give up again
		}
	}
	return live, err
}

// runBatch runs the requests in tx and commits it; it rolls tx back if
// none succeeded, one left it unusable or one found the database busy.
func (s *Store) runBatch(ctx context.Context, tx *sql.Tx, live []*request) error {
	ok := 0
	for _, r := range live {
		if len(live) == 1 {
			r.err = r.run(ctx, tx)
		} else {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT request`); err != nil {
				tx.Rollback()
				return err
			}
			if r.err = r.run(ctx, tx); r.err != nil && !busy(r.err) {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO request`); err != nil {
					tx.Rollback()
					return fmt.Errorf("undoing a failed write: %w", err)
				}
			}
		}
		if busy(r.err) {
			tx.Rollback()
			return fmt.Errorf("%w: %w", errBusy, r.err)
		}
		// PostgreSQL keeps the savepoints of a transaction nested without
		// harm, and each statement is a round trip to the server that the
		// whole group waits for; SQLite's are free.
		if len(live) > 1 && s.dialect == SQLite {
			if _, err := tx.ExecContext(ctx, `RELEASE request`); err != nil {
				tx.Rollback()
				return err
			}
		}
		if r.err == nil {
			ok++
		}
	}
	if ok == 0 {
		return tx.Rollback()
	}
	return tx.Commit()
}
