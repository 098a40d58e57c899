package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/motcua/motcua/dossier"
)

// Create implements dossier.Store. It replays d's events through
// dossier.Restore first, and refuses with dossier.ErrInvalid what it could
// not read back: no events, a code it cannot issue (an invalid agency, a
// day outside 2000–2099), a time outside 1900–2199. Then, in one
// transaction, it draws the day's number, inserts the row with the facts,
// the outbox entries and the events; a Create that fails, or whose context
// ends before the writer takes it, rolls the number back with the rest.
func (s *Store) Create(ctx context.Context, d *dossier.Dossier) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(d.Events) == 0 {
		return fmt.Errorf("%w: a new dossier needs its first event", dossier.ErrInvalid)
	}
	c, err := dossier.Restore(*d, d.Events)
	if err != nil {
		return err
	}
	if probe := (dossier.Code{Agency: c.Code.Agency, Date: c.Code.Date, Seq: 1}); !probe.Valid() {
		return fmt.Errorf("%w: cannot issue a code for agency %q on %s", dossier.ErrInvalid, c.Code.Agency, c.Code.Date)
	}
	c.SubmittedAt = dossier.Stamp(c.SubmittedAt)
	r, err := s.newRow(c, 0)
	if err != nil {
		return err
	}
	s.prepare(ctx, s.q.nextSequence)
	lock := c.Code.Agency + " " + c.Code.Date.String()
	err = s.group(ctx, lock, func(ctx context.Context, tx *txn) error {
		seq, err := tx.seq(ctx, lock, c.Code.Agency, c.Code.Date)
		if err != nil {
			return err
		}
		c.Code.Seq = seq
		if !c.Code.Valid() {
			return fmt.Errorf("%w: agency %q has issued all the numbers of %s", dossier.ErrInvalid, c.Code.Agency, c.Code.Date)
		}
		tx.insert(dossierTable, s.createArgs(r)...)
		for _, e := range r.events {
			tx.insert(eventTable, e...)
		}
		s.queueOutbox(tx, c.Code.String(), c.Events)
		return nil
	})
	if err != nil {
		return s.fail("creating a dossier for "+c.Code.Agency, err)
	}
	*d = *c.Clone()
	s.cache.put(c)
	return nil
}

// Get implements dossier.Store. It reads the row and its events in one
// statement, and rebuilds the dossier with dossier.Restore.
func (s *Store) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	d, err := s.read(ctx, c)
	if err != nil {
		return nil, err
	}
	s.cache.put(d.Clone())
	return d, nil
}

func (s *Store) read(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	// c.String never fails; an invalid code matches no row.
	st, err := s.prepared(ctx, s.q.selectDossier+` WHERE d.code = $1`)
	if err != nil {
		return nil, s.fail("reading dossier "+c.String(), err)
	}
	rows, err := st.QueryContext(ctx, c.String())
	if err != nil {
		return nil, s.fail("reading dossier "+c.String(), err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, s.fail("reading dossier "+c.String(), err)
		}
		return nil, dossier.ErrNotFound
	}
	d, err := scanDossier(rows)
	if err != nil {
		return nil, s.fail("reading dossier "+c.String(), err)
	}
	return d, rows.Close()
}

// prepared returns the statement of query, prepared on first use (the
// tables must exist first) and kept: parsing a query again on every call
// was most of a lookup's cost, and a third of the SQLite writer's.
// database/sql prepares it again on each connection as needed, and a
// *sql.Stmt is safe for concurrent use. Only the store's fixed queries
// are kept. It takes a connection of the pool: never call it inside a
// transaction, which may hold the pool's only one.
//
// It does not hold the store's lock of statements while it waits for the
// connection: a transaction that holds one of the pool's connections
// looks its statements up under that lock, and the pool may have no other.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmts.Lock()
	st, ok := s.stmts.m[query]
	s.stmts.Unlock()
	if ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err // not migrated yet, or the context ended: try again next time
	}
	s.stmts.Lock()
	defer s.stmts.Unlock()
	if kept, ok := s.stmts.m[query]; ok {
		st.Close() // another call prepared it meanwhile
		return kept, nil
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sql.Stmt{}
	}
	s.stmts.m[query] = st
	return st, nil
}

// prepare prepares queries ahead of a transaction that runs them with
// inTxStmt. A query it cannot prepare runs unprepared, and fails there if
// it must.
func (s *Store) prepare(ctx context.Context, queries ...string) {
	for _, q := range queries {
		if q != "" {
			s.prepared(ctx, q)
		}
	}
}

// inTxStmt returns query's statement for tx: prepared if prepare prepared
// it, else as it is.
func (s *Store) inTxStmt(ctx context.Context, tx *sql.Tx, query string) txStmt {
	s.stmts.Lock()
	st := s.stmts.m[query]
	s.stmts.Unlock()
	if st == nil {
		return unprepared{tx, query}
	}
	return tx.StmtContext(ctx, st)
}

// A txStmt is a *sql.Stmt of a transaction, or a query that it runs as
// it is.
type txStmt interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

type unprepared struct {
	tx    *sql.Tx
	query string
}

func (u unprepared) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return u.tx.ExecContext(ctx, u.query, args...)
}

func (u unprepared) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return u.tx.QueryRowContext(ctx, u.query, args...)
}

// Append implements dossier.Store. It applies the events to the dossier at
// version, taken from the store's cache of the dossiers it read and wrote
// last, or read from the database when the cache does not hold that
// version, so that an action on a dossier just read costs its new events
// only, whatever the length of its history. Then, in one transaction, it
// updates the row's facts on condition that the row is still at version,
// and inserts the new events and their outbox entries. A row at another
// version is ErrConflict: the condition is what makes the cached or read
// history the stored one, as events are append-only.
func (s *Store) Append(ctx context.Context, c dossier.Code, version int, events ...dossier.Event) (*dossier.Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cur := s.cache.get(c)
	if cur == nil || cur.Version < version || len(events) == 0 {
		var err error
		if cur, err = s.read(ctx, c); err != nil {
			return nil, err
		}
	}
	if cur.Version != version {
		return nil, dossier.ErrConflict
	}
	d := cur.Clone()
	for _, e := range events {
		if err := d.Apply(e); err != nil {
			return nil, err
		}
	}
	if len(events) == 0 {
		return d, nil
	}
	r, err := s.newRow(d, version)
	if err != nil {
		return nil, err
	}
	s.prepare(ctx, s.q.updateDossier)
	err = s.writeTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := s.inTxStmt(ctx, tx.Tx, s.q.updateDossier).ExecContext(ctx, append([]any{d.ID, int64(version)}, s.factArgs(d)...)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return dossier.ErrConflict
		}
		for _, e := range r.events {
			tx.insert(eventTable, e...)
		}
		s.queueOutbox(tx, c.String(), d.Events[version:])
		return nil
	})
	if err != nil {
		if errors.Is(err, dossier.ErrConflict) {
			s.cache.drop(c, version)
		}
		return nil, s.fail("appending to dossier "+c.String(), err)
	}
	s.cache.put(d.Clone())
	return d, nil
}

// List implements dossier.Store. It streams: one query, whose rows are read
// as the consumer asks for them, each dossier with its events, and closed
// when the consumer stops. The listing is one statement, so it sees one
// snapshot of the database however long the consumer takes (SQLite keeps
// that snapshot by holding back checkpoints of its write-ahead log).
func (s *Store) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		query, args := s.listQuery(f)
		s.stream(ctx, "listing dossiers", query, args, func(rows *sql.Rows) bool {
			d, err := scanDossier(rows)
			if err != nil {
				yield(nil, s.fail("listing dossiers", err))
				return false
			}
			return yield(d, nil)
		}, func(err error) { yield(nil, err) })
	}
}

// stream runs query and calls row for each row until it returns false,
// and fail on an error of the query; it ends the query when row stops.
func (s *Store) stream(ctx context.Context, doing, query string, args []any, row func(*sql.Rows) bool, fail func(error)) {
	// Cancelling when the consumer stops ends the query: closing the rows
	// alone would make pgx read the rest of the result first.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		fail(s.fail(doing, err))
		return
	}
	defer func() {
		cancel()
		rows.Close()
	}()
	for rows.Next() {
		if !row(rows) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		fail(s.fail(doing, err))
	}
}

// listQuery translates f into SQL with the semantics of dossier.Filter.Match:
// [ReceivedFrom, ReceivedTo), and with either bound the dossiers not yet
// received are left out, as comparing NULL leaves them out.
func (s *Store) listQuery(f dossier.Filter) (string, []any) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1))
	}
	if !f.ReceivedFrom.IsZero() {
		add("d.received_at >= ?", s.boundArg(f.ReceivedFrom))
	}
	if !f.ReceivedTo.IsZero() {
		add("d.received_at < ?", s.boundArg(f.ReceivedTo))
	}
	if f.Status != 0 {
		add("d.status = ?", int64(f.Status))
	}
	if f.Procedure != "" {
		add("d.procedure_code = ?", f.Procedure)
	}
	if f.Channel != 0 {
		add("d.channel = ?", int64(f.Channel))
	}
	if f.Codes != nil {
		add(s.codesCond(f.Codes))
	}
	query := s.q.selectDossier
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return query + s.q.orderBy, args
}

// inTx runs f in a transaction and commits it, or rolls it back if f fails.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// fail returns the dossier sentinels and context errors as they are, so that
// callers can compare them, and wraps anything else with what was being done.
func (s *Store) fail(doing string, err error) error {
	switch {
	case errors.Is(err, dossier.ErrExists), errors.Is(err, dossier.ErrNotFound), errors.Is(err, dossier.ErrConflict),
		errors.Is(err, dossier.ErrInvalid), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrClosed):
		return err
	}
	return fmt.Errorf("sqlstore: %s: %w", doing, err)
}
