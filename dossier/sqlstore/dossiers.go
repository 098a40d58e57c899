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
	"github.com/motcua/motcua/sla"
)

// Create implements dossier.Store: it writes the dossier and its events in
// one transaction.
func (s *Store) Create(ctx context.Context, d *dossier.Dossier) error {
	old := d.Version
	d.Version = 1
	args, err := s.dossierArgs(d)
	if err != nil {
		d.Version = old
		return err
	}
	err = s.write(ctx, func() error {
		return s.inTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, s.q.insertDossier, args...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return dossier.ErrExists
			}
			return s.insertEvents(ctx, tx, d, 0, d.Events)
		})
	})
	if err != nil {
		d.Version = old
		return s.fail("creating dossier "+d.Code.String(), err)
	}
	return nil
}

// Get implements dossier.Store.
func (s *Store) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	// c.String never fails; an invalid code matches no row.
	st, err := s.getStmt(ctx)
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

// getStmt returns Get's statement, prepared on first use (the tables must
// exist first) and kept: parsing the query again on every call was most of
// a lookup's cost. database/sql prepares it again on each connection as
// needed, and a *sql.Stmt is safe for concurrent use.
func (s *Store) getStmt(ctx context.Context) (*sql.Stmt, error) {
	if st := s.get.Load(); st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.q.selectDossier+` WHERE d.code = $1`)
	if err != nil {
		return nil, err // not migrated yet, or the context ended: try again next time
	}
	if !s.get.CompareAndSwap(nil, st) {
		st.Close()
	}
	return s.get.Load(), nil
}

// Update implements dossier.Store: in one transaction it writes the row if
// the stored version is d.Version, and inserts the events past those
// stored. Stored events are never rewritten: changes to them in d are
// ignored, and a d with fewer events than are stored is ErrConflict.
func (s *Store) Update(ctx context.Context, d *dossier.Dossier) error {
	args, err := s.dossierArgs(d)
	if err != nil {
		return err
	}
	// updateDossier takes id, code and the version read, then the
	// changeable columns, from procedure_code to status.
	args = append([]any{args[0], args[1], int64(d.Version)}, args[5:21]...)
	err = s.write(ctx, func() error {
		return s.inTx(ctx, func(tx *sql.Tx) error {
			var stored int
			switch err := tx.QueryRowContext(ctx, s.q.updateDossier, args...).Scan(&stored); {
			case errors.Is(err, sql.ErrNoRows):
				return s.missing(ctx, tx, d.Code)
			case err != nil:
				return err
			case len(d.Events) < stored:
				return dossier.ErrConflict // it would drop stored events
			}
			return s.insertEvents(ctx, tx, d, stored, d.Events[stored:])
		})
	})
	if err != nil {
		return s.fail("updating dossier "+d.Code.String(), err)
	}
	d.Version++
	return nil
}

// missing tells why an update matched no row: the dossier is not stored
// (ErrNotFound), or it is at another version or has another ID
// (ErrConflict).
func (s *Store) missing(ctx context.Context, tx *sql.Tx, c dossier.Code) error {
	var one int
	switch err := tx.QueryRowContext(ctx, s.q.existsDossier, c.String()).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return dossier.ErrNotFound
	case err != nil:
		return err
	}
	return dossier.ErrConflict
}

// insertEvents appends events as rows n, n+1, … of d's history.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, n int, events []dossier.Event) error {
	for len(events) > 0 {
		k := min(len(events), maxEventsPerInsert)
		query := s.q.insertEvents + valuesList(k, eventsEach)
		if _, err := tx.ExecContext(ctx, query, s.eventArgs(d, n, events[:k])...); err != nil {
			return err
		}
		events, n = events[k:], n+k
	}
	return nil
}

// List implements dossier.Store. It streams: one query, whose rows are read
// as the consumer asks for them, each dossier with its events, and closed
// when the consumer stops. The listing is one statement, so it sees one
// snapshot of the database however long the consumer takes (SQLite keeps
// that snapshot by holding back checkpoints of its write-ahead log).
func (s *Store) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		// Cancelling when the consumer stops ends the query: closing the
		// rows alone would make pgx read the rest of the result first.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		query, args := s.listQuery(f)
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(nil, s.fail("listing dossiers", err))
			return
		}
		defer func() {
			cancel()
			rows.Close()
		}()
		for rows.Next() {
			d, err := scanDossier(rows)
			if err != nil {
				yield(nil, s.fail("listing dossiers", err))
				return
			}
			if !yield(d, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, s.fail("listing dossiers", err))
		}
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
	query := s.q.selectDossier
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return query + s.q.orderBy, args
}

// NextSequence implements dossier.Store with one atomic upsert, so numbers
// are neither repeated nor skipped across connections and processes.
func (s *Store) NextSequence(ctx context.Context, agency string, day sla.Date) (int, error) {
	if !day.Valid() {
		return 0, fmt.Errorf("sqlstore: NextSequence: invalid day %v", day)
	}
	var n int
	err := s.write(ctx, func() error {
		return s.seqDB.QueryRowContext(ctx, s.q.nextSequence, agency, day.String()).Scan(&n)
	})
	if err != nil {
		return 0, s.fail("drawing a sequence number", err)
	}
	return n, nil
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
	case errors.Is(err, dossier.ErrExists), errors.Is(err, dossier.ErrNotFound), errors.Is(err, dossier.ErrConflict):
		return err
	}
	return fmt.Errorf("sqlstore: %s: %w", doing, err)
}
