package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/dossier"
)

// The work queue needs the open dossiers of an agency ordered by their legal
// due time, and counted by what waits on whom. The library's stores list
// dossiers in the order of receipt, with filters on the status, procedure
// and channel only, and each dossier listed costs its whole history (about
// 20 µs on SQLite): the few thousand open dossiers of a centre would take
// longer than a page may. So the desk keeps an index of its own, the table
// desk_queue: one small row per dossier, written after every create and
// append that goes through the server's Services (indexedStore), and
// brought back in line with the store at start (rebuildQueue). The index
// only chooses and orders; a page of the queue reads its dossiers from the
// store, the record, and mends a row it finds behind.

// queuedStatuses are those the desk still has work on: an online filing to
// accept, a dossier being handled or paused, a result to return.
var queuedStatuses = []dossier.Status{
	dossier.Submitted, dossier.Received, dossier.InProgress,
	dossier.AwaitingSupplement, dossier.AwaitingPayment, dossier.Resolved,
}

func queued(st dossier.Status) bool {
	for _, q := range queuedStatuses {
		if st == q {
			return true
		}
	}
	return false
}

// noDue sorts a dossier with no legal due time (an online filing not yet
// accepted) after all others.
const noDue = math.MaxInt64

// A queueEntry is a dossier as the index keeps it.
type queueEntry struct {
	code        string
	agency      string
	version     int
	status      dossier.Status
	holder      string // the username holding the open step, or ""
	legalDue    int64  // Unix µs; noDue for none
	pausedSince int64  // Unix µs; 0 while the clock runs
}

func entryOf(d *dossier.Dossier) queueEntry {
	f := d.Facts()
	e := queueEntry{
		code: d.Code.String(), agency: d.Code.Agency, version: d.Version, status: d.Status(),
		legalDue: noDue, pausedSince: micros(f.PausedSince),
	}
	if !f.LegalDue.IsZero() {
		e.legalDue = micros(f.LegalDue)
	}
	if hs := d.Handovers(); len(hs) > 0 && hs[len(hs)-1].Done.IsZero() {
		e.holder = holderOf(hs[len(hs)-1].To)
	}
	return e
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// putEntry writes an entry unless the index holds a later version of the
// dossier already: of two writes out of order, the later version stays.
func putEntry(ctx context.Context, db execer, e queueEntry) error {
	_, err := db.ExecContext(ctx, `INSERT INTO desk_queue (code, agency, version, status, queued, holder, legal_due, paused_since)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (code) DO UPDATE SET version = excluded.version, status = excluded.status, queued = excluded.queued,
			holder = excluded.holder, legal_due = excluded.legal_due, paused_since = excluded.paused_since
		WHERE desk_queue.version < excluded.version`,
		e.code, e.agency, e.version, int(e.status), flag01(queued(e.status)), e.holder, e.legalDue, e.pausedSince)
	return err
}

// index has the dossier's entry written, in the background (see indexer).
func (ds *deskStore) index(d *dossier.Dossier) { ds.indexer.put(entryOf(d)) }

// flush waits until the entries handed to index before it are written, so
// that a reader sees the writes it follows.
func (ds *deskStore) flush() { ds.indexer.flush() }

// An indexer writes the queue's entries in the background, in batches, each
// batch in one transaction; a later version of a dossier replaces an
// earlier one still waiting. Writing the index in the request, once per
// dossier written, took SQLite's write lock as often as the store's own
// writes, outside the store's queue of writers, and cut the rate of
// receipts by more than half (BENCHMARKS.md). An entry that fails to be
// written is logged; the index is mended at the next start, or by the page
// that shows the dossier.
type indexer struct {
	ds      *deskStore
	mu      sync.Mutex
	cond    *sync.Cond // signalled when written grows
	pending map[string]queueEntry
	taken   uint64 // entries handed in
	written uint64 // of them, written (or failed)
	stopped bool   // no more writes: what comes now is left to the next start
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

func startIndexer(ds *deskStore) *indexer {
	ix := &indexer{ds: ds, pending: map[string]queueEntry{}, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	ix.cond = sync.NewCond(&ix.mu)
	go ix.loop()
	return ix
}

func (ix *indexer) put(e queueEntry) {
	ix.mu.Lock()
	if ix.stopped {
		ix.mu.Unlock()
		return
	}
	if old, ok := ix.pending[e.code]; !ok || old.version < e.version {
		ix.pending[e.code] = e
	}
	ix.taken++
	ix.mu.Unlock()
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

func (ix *indexer) flush() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for want := ix.taken; ix.written < want && !ix.stopped; {
		ix.cond.Wait()
	}
}

func (ix *indexer) loop() {
	defer close(ix.done)
	for {
		select {
		case <-ix.wake:
		case <-ix.quit:
			ix.write()
			return
		}
		ix.write()
	}
}

// write writes what is pending, in one transaction.
func (ix *indexer) write() {
	ix.mu.Lock()
	batch, upTo := ix.pending, ix.taken
	ix.pending = map[string]queueEntry{}
	ix.mu.Unlock()
	if len(batch) > 0 {
		ctx := context.Background()
		err := ix.ds.inTx(ctx, func(tx *sql.Tx) error {
			for _, e := range batch {
				if err := putEntry(ctx, tx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			ix.ds.logger().Error("indexing the work queue", "dossiers", len(batch), "err", err)
		}
	}
	ix.mu.Lock()
	ix.written = max(ix.written, upTo)
	ix.cond.Broadcast()
	ix.mu.Unlock()
}

// stop writes what is pending and ends the indexer; entries handed in
// after it are dropped, and flush no longer waits.
func (ix *indexer) stop() {
	close(ix.quit)
	<-ix.done
	ix.mu.Lock()
	ix.stopped = true
	ix.cond.Broadcast()
	ix.mu.Unlock()
}

// rebuildQueue brings the index in line with the store: every dossier the
// store has in a queued status is indexed at its version, and a row the
// index holds as queued that the store does not (a write the server did not
// live to index) is read again. It returns how many rows it wrote.
func (ds *deskStore) rebuildQueue(ctx context.Context, st dossier.Store) (int, error) {
	indexed := map[string]int{}
	rows, err := ds.db.QueryContext(ctx, `SELECT code, version FROM desk_queue WHERE queued = 1`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var code string
		var v int
		if err := rows.Scan(&code, &v); err != nil {
			rows.Close()
			return 0, err
		}
		indexed[code] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var writes []queueEntry
	live := map[string]bool{}
	for _, status := range queuedStatuses {
		for d, err := range st.List(ctx, dossier.Filter{Status: status}) {
			if err != nil {
				return 0, err
			}
			code := d.Code.String()
			live[code] = true
			if indexed[code] != d.Version {
				writes = append(writes, entryOf(d))
			}
		}
	}
	var gone []string
	for code := range indexed {
		if live[code] {
			continue
		}
		c, err := dossier.ParseCode(code)
		if err != nil {
			gone = append(gone, code)
			continue
		}
		d, err := st.Get(ctx, c)
		switch {
		case errors.Is(err, dossier.ErrNotFound):
			gone = append(gone, code)
		case err != nil:
			return 0, err
		default:
			writes = append(writes, entryOf(d))
		}
	}
	if len(writes) == 0 && len(gone) == 0 {
		return 0, nil
	}
	err = ds.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range writes {
			if err := putEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		for _, code := range gone {
			if _, err := tx.ExecContext(ctx, `DELETE FROM desk_queue WHERE code = $1`, code); err != nil {
				return err
			}
		}
		return nil
	})
	return len(writes) + len(gone), err
}

// A queueFilter is one of the queue's views.
type queueFilter uint8

const (
	allOpen  queueFilter = iota
	mine                 // the officer holds the open step
	dueToday             // the clock runs and the legal due time is later today
	overdue              // past the legal due time, as Facts.OverdueAt says
	awaitingSupplement
	awaitingPayment
	queueFilters // how many
)

// queueQuery selects the queue of an agency ("" for every agency's), for
// the officer with the username, at now; tomorrow is the start of the next
// day.
type queueQuery struct {
	agency, holder string
	now, tomorrow  time.Time
}

// queryArgs builds a query's numbered arguments.
type queryArgs []any

func (a *queryArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// where is the condition of the queue, with its arguments.
func (q queueQuery) where(args *queryArgs) string {
	if q.agency == "" {
		return "queued = 1"
	}
	return "queued = 1 AND agency = " + args.add(q.agency)
}

// cond is the condition of a filter. Each adds the arguments it uses only:
// PostgreSQL cannot type a parameter that no condition uses.
func (q queueQuery) cond(f queueFilter, args *queryArgs) string {
	switch f {
	case mine:
		return "holder = " + args.add(q.holder)
	case dueToday:
		return fmt.Sprintf("status IN (2, 4) AND legal_due >= %s AND legal_due < %s", args.add(micros(q.now)), args.add(micros(q.tomorrow)))
	case overdue:
		return fmt.Sprintf("(status IN (2, 4) AND legal_due < %s OR status IN (5, 6) AND paused_since > legal_due)", args.add(micros(q.now)))
	case awaitingSupplement:
		return "status = 5"
	case awaitingPayment:
		return "status = 6"
	}
	return "1 = 1"
}

// counts counts the queue under each filter, in one pass over the index.
func (ds *deskStore) counts(ctx context.Context, q queueQuery) ([queueFilters]int, error) {
	var args queryArgs
	sums := make([]string, queueFilters)
	for f := range queueFilters {
		sums[f] = "COALESCE(SUM(CASE WHEN " + q.cond(f, &args) + " THEN 1 ELSE 0 END), 0)"
	}
	var out [queueFilters]int
	dest := make([]any, len(out))
	for i := range out {
		dest[i] = &out[i]
	}
	err := ds.db.QueryRowContext(ctx, "SELECT "+strings.Join(sums, ", ")+" FROM desk_queue WHERE "+q.where(&args), args...).Scan(dest...)
	return out, err
}

// A queueItem is a code on a page of the queue, and the version the index
// holds of it.
type queueItem struct {
	code    string
	version int
}

// page returns the codes of a page of the queue under the filter, by legal
// due time, then code.
func (ds *deskStore) page(ctx context.Context, q queueQuery, f queueFilter, limit, offset int) ([]queueItem, error) {
	var args queryArgs
	query := "SELECT code, version FROM desk_queue WHERE " + q.where(&args) + " AND " + q.cond(f, &args) +
		" ORDER BY legal_due, code LIMIT " + args.add(limit) + " OFFSET " + args.add(offset)
	rows, err := ds.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []queueItem
	for rows.Next() {
		var it queueItem
		if err := rows.Scan(&it.code, &it.version); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// indexedStore is the store the server's Services write through: after
// every create and append it hands the dossier's entry to the queue's
// index (see indexer).
type indexedStore struct {
	dossier.Store
	desk *deskStore
}

func (s indexedStore) Create(ctx context.Context, d *dossier.Dossier) error {
	if err := s.Store.Create(ctx, d); err != nil {
		return err
	}
	s.desk.index(d)
	return nil
}

func (s indexedStore) Append(ctx context.Context, c dossier.Code, version int, events ...dossier.Event) (*dossier.Dossier, error) {
	d, err := s.Store.Append(ctx, c, version, events...)
	if err != nil {
		return nil, err
	}
	s.desk.index(d)
	return d, nil
}

// newServices makes one dossier.Service per agency, all on the same store,
// catalogue, calendar and clock: a Service issues codes under one agency.
func newServices(cfg config, agencies *agencyList) (map[string]*dossier.Service, error) {
	st := indexedStore{Store: cfg.Backend, desk: cfg.Backend.Desk()}
	st.desk.setLogger(cfg.Logger)
	out := make(map[string]*dossier.Service, len(agencies.all()))
	for _, a := range agencies.all() {
		svc, err := dossier.NewService(dossier.Config{Store: st, Catalog: cfg.Catalog, Calendar: cfg.Calendar, Agency: a.ID, Now: cfg.Now})
		if err != nil {
			return nil, err
		}
		out[a.ID] = svc
	}
	return out, nil
}
