package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
)

// The outbox is the table dossier_outbox (migration 0004): one row per
// event still to be delivered, deleted when it is acknowledged. A
// dossier's rows form its queue in event order, and its head is the row
// with no lower n: only a head is ever leased, so the delivery state is a
// head's. Create and Append insert the rows in the transaction of their
// change, so that one never commits without the other; in the group
// commit, with the rows of the other requests of the group, or, if one
// of them failed, in the savepoint of their request, so that a request
// that fails leaves no row however its neighbours fare.
//
// The writes (Lease, Ack, Release, Fail, Bury, Retry) go through writeTx,
// so that on SQLite they take their turn in the group commit with the
// desk's writes, whose single writer makes each of them atomic. On
// PostgreSQL, Lease locks the heads it takes with FOR UPDATE SKIP LOCKED:
// instances leasing at once skip each other's rows rather than wait for
// them or take them twice, and a head whose lease another instance has
// just committed no longer passes the readiness test when it is
// rechecked.

// heads names, as the table heads (hc, hn), each dossier's head: its
// lowest n. The aggregate reads the primary key (code, n) in order, once,
// which costs far less than asking of every row whether a lower one
// exists.
const heads = `WITH heads (hc, hn) AS (SELECT code, min(n) FROM dossier_outbox GROUP BY code)`

// fromHeads is the heads' rows, as o.
const fromHeads = ` FROM heads JOIN dossier_outbox o ON o.code = heads.hc AND o.n = heads.hn`

// ready is true of a head o that can be leased at $1.
const ready = `o.dead = 0 AND (o.retry_at IS NULL OR o.retry_at <= $1) AND (o.lease_until IS NULL OR o.lease_until <= $1)`

// leaseReturning is what Lease reads of the rows it leases.
const leaseReturning = ` RETURNING code, n, at, attempts, last_error, retry_at`

// Lease's statement: at most $2 heads ready at $1, oldest first, under the
// lease $3 until $4. SQLite has one writer, so the subquery and the update
// see the same rows; PostgreSQL locks the rows it takes, skipping those
// another transaction holds, in a CTE, which it runs once.
const (
	sqliteLease = heads + ` UPDATE dossier_outbox SET lease_id = $3, lease_until = $4
	WHERE (code, n) IN (SELECT o.code, o.n` + fromHeads + ` WHERE ` + ready + `
		ORDER BY o.at, o.code, o.n LIMIT $2)` + leaseReturning
	postgresLease = heads + `, ready (c, k) AS (SELECT o.code, o.n` + fromHeads + ` WHERE ` + ready + `
		ORDER BY o.at, o.code, o.n LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
	UPDATE dossier_outbox SET lease_id = $3, lease_until = $4 FROM ready
	WHERE dossier_outbox.code = ready.c AND dossier_outbox.n = ready.k` + leaseReturning
)

// outboxNext is the earliest time at which a head that the lease $2 does
// not hold is ready, at $1 for one ready now; NULL when every head is a
// dead letter. A head another transaction is leasing at this moment counts
// as ready, which makes the caller look again soon rather than never.
const outboxNext = heads + ` SELECT min(CASE WHEN COALESCE(o.retry_at, $1) > COALESCE(o.lease_until, $1)
		THEN COALESCE(o.retry_at, $1) ELSE COALESCE(o.lease_until, $1) END)` + fromHeads + `
	WHERE o.dead = 0 AND (o.lease_id IS NULL OR o.lease_id <> $2)`

const (
	insertOutbox = `INSERT INTO dossier_outbox (code, n, at) VALUES `
	outboxEach   = 3 // values per row of insertOutbox
	// ackOutbox and releaseOutbox take the entries as a VALUES list of
	// (code, n, lease_id) and return those that were still held.
	ackOutbox     = `DELETE FROM dossier_outbox WHERE (code, n, lease_id) IN (VALUES `
	releaseOutbox = `UPDATE dossier_outbox SET lease_id = NULL, lease_until = NULL WHERE (code, n, lease_id) IN (VALUES `
	heldReturning = `) RETURNING code, n`
	failOutbox    = `UPDATE dossier_outbox SET attempts = attempts + 1, last_error = $1, retry_at = $2, lease_id = NULL, lease_until = NULL
	WHERE code = $3 AND n = $4 AND lease_id = $5`
	buryOutbox = `UPDATE dossier_outbox SET attempts = attempts + 1, last_error = $1, dead = 1, lease_id = NULL, lease_until = NULL
	WHERE code = $2 AND n = $3 AND lease_id = $4`
	retryOutbox   = `UPDATE dossier_outbox SET dead = 0, attempts = 0, retry_at = NULL WHERE code = $1 AND n = $2 AND dead = 1`
	pendingOutbox = `SELECT n, attempts, last_error, retry_at, dead FROM dossier_outbox WHERE code = $1 ORDER BY n`
	// deadLetters orders by code as dossier.Code.Compare does, from the
	// dossier's row.
	deadLetters = `SELECT o.code, o.n, o.attempts, o.last_error, o.retry_at,
		(SELECT count(*) FROM dossier_outbox b WHERE b.code = o.code AND b.n > o.n)
	FROM dossier_outbox o LEFT JOIN dossiers d ON d.code = o.code
	WHERE o.dead = 1 ORDER BY d.agency, d.day, d.seq, o.code`
)

// maxEntriesPerStatement bounds the entries of one Ack or Release
// statement, under the dialects' limits on parameters.
const maxEntriesPerStatement = 1000

// SetOutbox turns on (the default) or off the outbox entries that Create
// and Append record. While it is off, the changes they commit have no
// entry, so no Syncer ever delivers them, now or later: that is for
// measuring what the outbox costs, and for an embedder that sends the
// changes to the portal some other way. Lease and the other methods of
// dossier.Outbox still work on the entries already recorded. A write
// records as the setting stands when its transaction runs. SetOutbox is
// safe for concurrent use.
func (s *Store) SetOutbox(on bool) { s.noOutbox.Store(!on) }

// queueOutbox adds to t the entries of events, the new events of the
// dossier with code c.
func (s *Store) queueOutbox(t *txn, code string, events []dossier.Event) {
	if s.noOutbox.Load() {
		return
	}
	for _, e := range events {
		t.insert(outboxTable, code, int64(e.N), s.timeArg(e.At))
	}
}

// Lease implements dossier.Outbox. The lease is a random UUID, so that
// instances sharing the database never issue the same one.
func (s *Store) Lease(ctx context.Context, now time.Time, ttl time.Duration, max int) ([]dossier.OutboxEntry, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, err
	}
	if max <= 0 || ttl <= 0 {
		return nil, time.Time{}, fmt.Errorf("%w: lease at most %d entries for %s", dossier.ErrInvalid, max, ttl)
	}
	id := uuid.NewString()
	// Stored times are whole microseconds: the lease's end rounds up, so
	// that nobody takes the entries before now+ttl, and now rounds down.
	at, until := s.timeArg(now), s.boundArg(now.Add(ttl))
	var (
		out  []dossier.OutboxEntry
		next time.Time
	)
	err := s.writeTx(ctx, func(ctx context.Context, tx *txn) error {
		out, next = nil, time.Time{}
		rows, err := tx.QueryContext(ctx, s.q.leaseOutbox, at, int64(max), id, until)
		if err != nil {
			return err
		}
		var ats []time.Time
		for rows.Next() {
			var (
				code string
				e    dossier.OutboxEntry
				t    time.Time
			)
			if err := rows.Scan(&code, &e.Event, ScanTime(&t), &e.Attempts, &e.LastError, ScanTime(&e.RetryAt)); err != nil {
				rows.Close()
				return err
			}
			if e.Code, err = dossier.ParseCode(code); err != nil {
				rows.Close()
				return fmt.Errorf("outbox entry %s#%d: %w", code, e.Event, err)
			}
			e.LeaseID = id
			out, ats = append(out, e), append(ats, t)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// RETURNING has no order: put the entries back in Lease's.
		idx := make([]int, len(out))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(i, j int) int {
			return cmp.Or(ats[i].Compare(ats[j]), out[i].Code.Compare(out[j].Code), cmp.Compare(out[i].Event, out[j].Event))
		})
		sorted := make([]dossier.OutboxEntry, len(out))
		for i, k := range idx {
			sorted[i] = out[k]
		}
		out = sorted
		return tx.QueryRowContext(ctx, outboxNext, at, id).Scan(ScanTime(&next))
	})
	if err != nil {
		return nil, time.Time{}, s.fail("leasing from the outbox", err)
	}
	return out, next, nil
}

// Ack implements dossier.Outbox.
func (s *Store) Ack(ctx context.Context, entries ...dossier.OutboxEntry) error {
	return s.settle(ctx, "acknowledging", ackOutbox, entries)
}

// Release implements dossier.Outbox.
func (s *Store) Release(ctx context.Context, entries ...dossier.OutboxEntry) error {
	return s.settle(ctx, "releasing", releaseOutbox, entries)
}

// settle runs stmt, Ack's or Release's, on the entries still held under
// their leases, in one transaction, and joins an ErrLeaseLost error for
// each of the others.
func (s *Store) settle(ctx context.Context, doing, stmt string, entries []dossier.OutboxEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var held map[string]int // how many times each entry was settled
	err := s.writeTx(ctx, func(ctx context.Context, tx *txn) error {
		held = map[string]int{}
		for rest := entries; len(rest) > 0; {
			k := min(len(rest), maxEntriesPerStatement)
			args := make([]any, 0, 3*k)
			for _, e := range rest[:k] {
				args = append(args, e.Code.String(), int64(e.Event), e.LeaseID)
			}
			rows, err := tx.QueryContext(ctx, stmt+s.entryList(k)+heldReturning, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var (
					code string
					n    int
				)
				if err := rows.Scan(&code, &n); err != nil {
					rows.Close()
					return err
				}
				held[code+"#"+strconv.Itoa(n)]++
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rest = rest[k:]
		}
		return nil
	})
	if err != nil {
		return s.fail(doing+" outbox entries", err)
	}
	var lost []error
	for _, e := range entries {
		k := e.Code.String() + "#" + strconv.Itoa(e.Event)
		if e.LeaseID != "" && held[k] > 0 {
			held[k]-- // an entry named twice is settled once
			continue
		}
		lost = append(lost, fmt.Errorf("%w: %s", dossier.ErrLeaseLost, k))
	}
	return errors.Join(lost...)
}

// entryList returns the VALUES list of n (code, n, lease_id) triples: the
// event's number is cast, as PostgreSQL would otherwise take it for text.
func (s *Store) entryList(n int) string {
	var b strings.Builder
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if s.dialect == SQLite {
			b.WriteString("(?, CAST(? AS INTEGER), ?)")
			continue
		}
		fmt.Fprintf(&b, "($%d, CAST($%d AS integer), $%d)", p, p+1, p+2)
		p += 3
	}
	return b.String()
}

// Fail implements dossier.Outbox.
func (s *Store) Fail(ctx context.Context, e dossier.OutboxEntry, cause string, retryAt time.Time) error {
	// The retry time rounds up, so that the entry is never ready before it.
	return s.change(ctx, "recording a failed delivery of", e, failOutbox, cause, s.boundArg(retryAt))
}

// Bury implements dossier.Outbox.
func (s *Store) Bury(ctx context.Context, e dossier.OutboxEntry, cause string) error {
	return s.change(ctx, "burying", e, buryOutbox, cause)
}

// change runs stmt on e if it is still held under its lease, with args
// before e's code, number and lease; ErrLeaseLost if it is not.
func (s *Store) change(ctx context.Context, doing string, e dossier.OutboxEntry, stmt string, args ...any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := e.Code.String() + "#" + strconv.Itoa(e.Event)
	if e.LeaseID == "" {
		return fmt.Errorf("%w: %s", dossier.ErrLeaseLost, k)
	}
	args = append(args, e.Code.String(), int64(e.Event), e.LeaseID)
	err := s.writeTx(ctx, func(ctx context.Context, tx *txn) error {
		return affected(tx.ExecContext(ctx, stmt, args...))
	})
	if errors.Is(err, errNoRow) {
		return fmt.Errorf("%w: %s", dossier.ErrLeaseLost, k)
	}
	if err != nil {
		return s.fail(doing+" outbox entry "+k, err)
	}
	return nil
}

// errNoRow is a statement that changed no row.
var errNoRow = errors.New("no row")

// affected returns errNoRow if res changed no row, and err otherwise.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errNoRow
	}
	return nil
}

// Retry implements dossier.Outbox.
func (s *Store) Retry(ctx context.Context, c dossier.Code, event int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.writeTx(ctx, func(ctx context.Context, tx *txn) error {
		return affected(tx.ExecContext(ctx, retryOutbox, c.String(), int64(event)))
	})
	if errors.Is(err, errNoRow) {
		return fmt.Errorf("%w: %s#%d is not a dead letter", dossier.ErrNoEntry, c, event)
	}
	if err != nil {
		return s.fail(fmt.Sprintf("retrying outbox entry %s#%d", c, event), err)
	}
	return nil
}

// Pending implements dossier.Outbox. It reads the dossier's queue in one
// statement, prepared once.
func (s *Store) Pending(ctx context.Context, c dossier.Code) ([]dossier.OutboxEntry, error) {
	doing := "reading the outbox entries of " + c.String()
	st, err := s.prepared(ctx, pendingOutbox)
	if err != nil {
		return nil, s.fail(doing, err)
	}
	rows, err := st.QueryContext(ctx, c.String())
	if err != nil {
		return nil, s.fail(doing, err)
	}
	defer rows.Close()
	var out []dossier.OutboxEntry
	for rows.Next() {
		e := dossier.OutboxEntry{Code: c}
		var dead int
		if err := rows.Scan(&e.Event, &e.Attempts, &e.LastError, ScanTime(&e.RetryAt), &dead); err != nil {
			return nil, s.fail(doing, err)
		}
		e.Dead = dead == 1
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(doing, err)
	}
	if len(out) > 0 && out[0].Dead {
		out[0].Behind = len(out) - 1
	}
	return out, nil
}

// DeadLetters implements dossier.Outbox. It streams one query, whose
// rows are read as the consumer asks for them.
func (s *Store) DeadLetters(ctx context.Context) iter.Seq2[dossier.OutboxEntry, error] {
	return func(yield func(dossier.OutboxEntry, error) bool) {
		const doing = "listing the dead letters"
		s.stream(ctx, doing, deadLetters, nil, func(rows *sql.Rows) bool {
			e := dossier.OutboxEntry{Dead: true}
			var code string
			err := rows.Scan(&code, &e.Event, &e.Attempts, &e.LastError, ScanTime(&e.RetryAt), &e.Behind)
			if err == nil {
				e.Code, err = dossier.ParseCode(code)
			}
			if err != nil {
				yield(dossier.OutboxEntry{}, s.fail(doing, err))
				return false
			}
			return yield(e, nil)
		}, func(err error) { yield(dossier.OutboxEntry{}, err) })
	}
}

var _ dossier.Outbox = (*Store)(nil)
