package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
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
		s.commit(batch)
	}
}

// commit runs the requests of batch that their callers still wait for in
// one transaction, each inside a savepoint of its own: a request that
// fails (a conflict, a duplicate) rolls back to its savepoint and gets its
// error, and the others go on. The requests that succeeded learn the
// commit's outcome. A request counts as taken once the transaction holds
// the write lock (with Open's BEGIN IMMEDIATE), so that a caller whose
// context ends while another process holds the lock gives up too.
func (s *Store) commit(batch []*request) {
	// The writer's statements must not end with any caller's context: an
	// interrupted statement in SQLite can roll back the whole transaction.
	ctx := context.Background()
	if s.writers != nil {
		s.writers <- struct{}{}
		defer func() { <-s.writers }()
	}
	tx, err := s.db.BeginTx(ctx, nil)
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
	for _, r := range live {
		if r.err == nil && err != nil {
			r.err = err
		}
		close(r.done)
	}
}

// runBatch runs the requests in tx and commits it; it rolls tx back if
// none succeeded or one left it unusable.
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
			if r.err = r.run(ctx, tx); r.err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO request`); err != nil {
					tx.Rollback()
					return fmt.Errorf("undoing a failed write: %w", err)
				}
			}
			// PostgreSQL keeps the savepoints of a transaction nested
			// without harm, and each statement is a round trip to the
			// server that the whole group waits for; SQLite's are free.
			if s.dialect == SQLite {
				if _, err := tx.ExecContext(ctx, `RELEASE request`); err != nil {
					tx.Rollback()
					return err
				}
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
