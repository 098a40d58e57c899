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

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// A txFunc is one request's writes in a transaction. It may run twice:
// in its group, and alone if something in the group failed, so it must
// set everything it reports afresh each time. It must leave the
// transaction usable when it fails (its statements fail without aborting
// the transaction, as SQLite's and PostgreSQL's constraint errors do
// inside a savepoint), and it must not keep ctx.
type txFunc func(ctx context.Context, tx *txn) error

// ErrClosed means the Store was closed while a write waited for its turn.
var ErrClosed = errors.New("sqlstore: store closed")

// A request is one write waiting for the store's writer.
type request struct {
	run   txFunc
	lock  string       // the sequence row it locks, "" for none; see runBatch
	state atomic.Int32 // queued, then taken by the writer or given up by the caller
	err   error        // set by the writer before done closes
	done  chan struct{}

	// A caller that gives up while the writer holds its request sets
	// gaveUp (cause first): the writer then ends the request with cause
	// instead of queuing it again when the database is busy.
	cause  error
	gaveUp atomic.Bool
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
// every other session look them up on disk: a group that failed runs
// again with one savepoint per request, so at most 64.
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
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			t := s.newTxn(tx, nil)
			if err := f(ctx, t); err != nil {
				return err
			}
			return t.flush(ctx)
		})
		s.prepareCold()
		return err
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
		r.cause = err
		r.gaveUp.Store(true)
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
// one transaction and commits once, so that concurrent writers share one
// sync. The requests that succeeded learn the commit's outcome. A request
// counts as taken once the transaction holds the write lock (with Open's
// BEGIN IMMEDIATE), so that a caller whose context ends while another
// process holds the lock gives up too.
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
			s.prepareCold()
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

// tryAgain returns err, marked with errBusy if it is SQLITE_BUSY.
func tryAgain(err error) error {
	if busy(err) {
		return fmt.Errorf("%w: %w", errBusy, err)
	}
	return err
}

// try begins a transaction, takes the requests of batch whose callers
// still wait, runs them and commits. It returns the requests it took; or,
// with an error that wraps errBusy, the requests to try again, queued
// again with nothing written, when the database was busy.
func (s *Store) try(ctx context.Context, batch []*request) ([]*request, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if busy(err) {
		return batch, tryAgain(err)
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
			if r.gaveUp.Load() {
				// Its caller waits for the outcome: nothing was written.
				r.err = r.cause
				r.state.Store(abandoned)
				close(r.done)
				continue
			}
			r.state.Store(queued) // its caller may give up again
		}
	}
	return live, err
}

// runBatch runs the requests in tx and commits it. It runs them together
// first, their rows inserted in one statement per table; if any of them
// fails, it rolls that back and runs them again one by one, each inside a
// savepoint of its own, so that a request that fails (a conflict, a
// duplicate) gets its own error and the others are committed. It rolls tx
// back if none succeeded, one left it unusable or one found the database
// busy.
func (s *Store) runBatch(ctx context.Context, tx *sql.Tx, live []*request) error {
	if len(live) > 1 {
		err := s.together(ctx, s.newTxn(tx, live), live)
		if err == nil {
			return tx.Commit()
		}
		tx.Rollback()
		if busy(err) {
			return tryAgain(err)
		}
		if tx, err = s.db.BeginTx(ctx, nil); err != nil {
			return tryAgain(err)
		}
	}
	ok := 0
	for _, r := range live {
		if r.err = s.alone(ctx, tx, r, len(live) > 1); busy(r.err) {
			tx.Rollback()
			return tryAgain(r.err)
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

// together runs the requests of t's group, then inserts their rows.
func (s *Store) together(ctx context.Context, t *txn, live []*request) error {
	for _, r := range live {
		if err := r.run(ctx, t); err != nil {
			return err
		}
	}
	return t.flush(ctx)
}

// alone runs r in tx, inside a savepoint if others share tx: one that
// fails rolls back to it, and the others go on.
func (s *Store) alone(ctx context.Context, tx *sql.Tx, r *request, savepoint bool) error {
	t := s.newTxn(tx, []*request{r})
	if !savepoint {
		if err := r.run(ctx, t); err != nil {
			return err
		}
		return t.flush(ctx)
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT request`); err != nil {
		return err
	}
	err := r.run(ctx, t)
	if err == nil {
		err = t.flush(ctx)
	}
	if err != nil && !busy(err) {
		if _, e := tx.ExecContext(ctx, `ROLLBACK TO request`); e != nil {
			return fmt.Errorf("undoing a failed write: %w", e)
		}
	}
	// PostgreSQL keeps the savepoints of a transaction nested without
	// harm, and each statement is a round trip to the server that the
	// whole group waits for; SQLite's are free.
	if s.dialect == SQLite && !busy(err) {
		if _, e := tx.ExecContext(ctx, `RELEASE request`); e != nil {
			return e
		}
	}
	return err
}

// A txn is the transaction as the requests of a group see it. Their
// statements that answer run at once, in Tx; the rows they insert wait in
// rows, to go in one statement per table when the group is done, and
// their day's numbers are drawn for the whole group in one statement.
type txn struct {
	*sql.Tx
	s    *Store
	rows [len(tables)][][]any // each table's rows, in the order of tables
	want map[string]int       // the requests of the group for each sequence row
	seqs map[string][2]int    // for each sequence row, the next number drawn and how many are left
}

// newTxn returns the txn of tx for the requests live.
func (s *Store) newTxn(tx *sql.Tx, live []*request) *txn {
	t := &txn{Tx: tx, s: s, want: map[string]int{}, seqs: map[string][2]int{}}
	for _, r := range live {
		if r.lock != "" {
			t.want[r.lock]++
		}
	}
	return t
}

// A table is what inserts rows into one of the tables a group writes.
type table struct {
	insert, suffix string // the statement before and after its VALUES lists
	each           int    // values per row
}

// The tables a group writes, in the order it inserts them, as their
// foreign keys require.
const (
	dossierTable = iota
	eventTable
	outboxTable
)

var tables = [...]table{
	dossierTable: {insertDossier, ` ON CONFLICT DO NOTHING`, dossierEach},
	eventTable:   {insertEvents, ``, eventsEach},
	outboxTable:  {insertOutbox, ``, outboxEach},
}

// insert adds a row of values to those of table tb that t inserts when
// its group is done.
func (t *txn) insert(tb int, values ...any) { t.rows[tb] = append(t.rows[tb], values) }

// flush inserts the rows waiting in t. A dossier's row that is not
// inserted (ON CONFLICT DO NOTHING: a duplicate id or code) is ErrExists.
func (t *txn) flush(ctx context.Context) error {
	for i, rows := range t.rows {
		n, err := t.s.insertRows(ctx, t.Tx, tables[i], rows)
		if err != nil {
			return err
		}
		if i == dossierTable && n != int64(len(rows)) {
			return dossier.ErrExists
		}
		t.rows[i] = rows[:0]
	}
	return nil
}

// seq draws the next number of the sequence row of agency and day, which
// lock names. Its first draw in a group takes a number for each request of
// the group that locks the row, so that they all commit without a gap.
func (t *txn) seq(ctx context.Context, lock, agency string, day sla.Date) (int, error) {
	b := t.seqs[lock]
	if b[1] == 0 {
		k := max(t.want[lock], 1)
		var last int
		if err := t.s.inTxStmt(ctx, t.Tx, t.s.q.nextSequence).QueryRowContext(ctx, agency, day.String(), int64(k)).Scan(&last); err != nil {
			return 0, err
		}
		b = [2]int{last - k + 1, k}
	}
	t.seqs[lock] = [2]int{b[0] + 1, b[1] - 1}
	return b[0], nil
}

// maxPreparedRows bounds the inserts the store prepares and keeps: those
// of as many rows as a group of concurrent requests writes, not every
// size a large group or a long history makes.
const maxPreparedRows = 32

// insertRows inserts rows of tb through db, in statements under the
// dialects' limits on parameters, and returns how many rows they
// inserted. In a transaction, it runs the statements prepared if they
// are, and leaves those of at most maxPreparedRows rows that are not for
// prepareCold.
func (s *Store) insertRows(ctx context.Context, db execQuerier, tb table, rows [][]any) (int64, error) {
	var inserted int64
	for len(rows) > 0 {
		k := min(len(rows), maxRowsPerInsert)
		args := make([]any, 0, k*tb.each)
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		query := s.insertText(tb, k)
		var (
			res sql.Result
			err error
		)
		if tx, ok := db.(*sql.Tx); ok {
			st := s.inTxStmt(ctx, tx, query)
			if _, ok := st.(unprepared); ok && k <= maxPreparedRows {
				s.stmts.Lock()
				s.stmts.cold = append(s.stmts.cold, query)
				s.stmts.Unlock()
			}
			res, err = st.ExecContext(ctx, args...)
		} else {
			res, err = db.ExecContext(ctx, query, args...)
		}
		if err != nil {
			return inserted, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return inserted, err
		}
		inserted += n
		rows = rows[k:]
	}
	return inserted, nil
}

// insertText returns the insert of k rows of tb, made once for the sizes
// the store prepares.
func (s *Store) insertText(tb table, k int) string {
	if k > maxPreparedRows {
		return tb.insert + s.valuesList(k, tb.each) + tb.suffix
	}
	key := insertKey{tb.insert, k}
	s.stmts.Lock()
	defer s.stmts.Unlock()
	q, ok := s.stmts.texts[key]
	if !ok {
		q = tb.insert + s.valuesList(k, tb.each) + tb.suffix
		if s.stmts.texts == nil {
			s.stmts.texts = map[insertKey]string{}
		}
		s.stmts.texts[key] = q
	}
	return q
}

// prepareCold prepares the inserts that insertRows ran unprepared, after
// the transaction: prepared takes a connection of the pool.
func (s *Store) prepareCold() {
	s.stmts.Lock()
	cold := s.stmts.cold
	s.stmts.cold = nil
	s.stmts.Unlock()
	s.prepare(context.Background(), cold...)
}

// An insertKey names the text of an insert: its table's, of so many rows.
type insertKey struct {
	insert string
	rows   int
}
