package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/sla"
)

// A deskStore keeps what the server adds to the library's tables, in the
// same database: the officers' accounts, their sessions and API tokens,
// the failed sign-ins, and the work queue's index of open dossiers. On
// SQLite and PostgreSQL it uses the store's connection pool; with -db memory
// it has an SQLite database of its own in memory.
//
// Its tables are created by migrations of its own (deskMigrations), which
// Migrate runs at start as dossier/sqlstore's Migrate runs the library's:
// each once, all in one transaction, under a PostgreSQL advisory lock or
// SQLite's write lock, recorded in desk_migrations. They are written in the
// SQL both dialects take; times are Unix microseconds in BIGINT columns, and
// flags are 0 or 1.
type deskStore struct {
	db         *sql.DB
	dialect    sqlstore.Dialect
	owned      bool         // Close closes db
	pruned     atomic.Int64 // when pruneSessions last pruned, Unix µs
	prunedKeys atomic.Int64 // when pruneKeys last pruned, Unix µs
	indexer    *indexer
	log        atomic.Pointer[slog.Logger]
	stmts      sync.Map // query → *sql.Stmt, see prepared
}

// newDeskStore uses the database of a SQL store, whose owner closes it
// after Close.
func newDeskStore(db *sql.DB, d sqlstore.Dialect) *deskStore {
	ds := &deskStore{db: db, dialect: d}
	ds.indexer = startIndexer(ds)
	return ds
}

// setLogger sets where the desk's background work reports failures.
// Defaults to slog.Default().
func (ds *deskStore) setLogger(l *slog.Logger) { ds.log.Store(l) }

func (ds *deskStore) logger() *slog.Logger {
	if l := ds.log.Load(); l != nil {
		return l
	}
	return slog.Default()
}

// newMemoryDeskStore opens an SQLite database in memory, on one connection
// (each connection of a pool would get a database of its own), migrated.
func newMemoryDeskStore(ctx context.Context) (*deskStore, error) {
	var name [8]byte
	if _, err := rand.Read(name[:]); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:desk-"+hex.EncodeToString(name[:])+"?mode=memory&_txlock=immediate&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	ds := &deskStore{db: db, dialect: sqlstore.SQLite, owned: true}
	if err := ds.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	ds.indexer = startIndexer(ds)
	return ds, nil
}

// Close writes the queue's pending entries, and closes the database if the
// desk opened it.
func (ds *deskStore) Close() error {
	ds.indexer.stop()
	ds.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if ds.owned {
		return ds.db.Close()
	}
	return nil
}

// prepared returns the query prepared, once: for the queries of almost
// every request (an API token's or a session's officer, an idempotency
// key's claim and answer), which SQLite otherwise parses anew each time,
// some 0.1 ms, half the cost of checking a token. A statement of the pool prepares itself again on each
// connection it runs on.
func (ds *deskStore) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := ds.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := ds.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := ds.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// A deskMigration is one version of the desk's schema. A version, once
// released, never changes: a change of schema is a new version.
type deskMigration struct {
	version int
	name    string
	stmts   []string
}

var deskMigrations = []deskMigration{
	{1, "officers", []string{
		// The accounts. roles holds role keys separated by commas
		// ("one-stop,specialist"); password is an argon2id hash in the PHC
		// string format.
		`CREATE TABLE desk_officers (
			username    TEXT PRIMARY KEY,
			full_name   TEXT NOT NULL,
			agency      TEXT NOT NULL,
			roles       TEXT NOT NULL,
			centre_wide INTEGER NOT NULL,
			disabled    INTEGER NOT NULL,
			password    TEXT NOT NULL,
			created_at  BIGINT NOT NULL
		)`,
		// Signed-in browsers. id is the SHA-256 of the cookie's value, so
		// that the table does not hold what would let one sign in; csrf is
		// the session's token for its forms.
		`CREATE TABLE desk_sessions (
			id         TEXT PRIMARY KEY,
			username   TEXT NOT NULL REFERENCES desk_officers (username),
			csrf       TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			seen_at    BIGINT NOT NULL
		)`,
		`CREATE INDEX desk_sessions_officer ON desk_sessions (username)`,
		// Programs' bearer tokens: the SHA-256 of the token, never the
		// token, which is shown once when it is made.
		`CREATE TABLE desk_tokens (
			id         TEXT PRIMARY KEY,
			hash       TEXT NOT NULL UNIQUE,
			username   TEXT NOT NULL REFERENCES desk_officers (username),
			name       TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			used_at    BIGINT NOT NULL,
			revoked_at BIGINT NOT NULL
		)`,
		`CREATE INDEX desk_tokens_officer ON desk_tokens (username)`,
		// Failed sign-ins in a row, per username typed (existing or not, so
		// that throttling does not tell which exist).
		`CREATE TABLE desk_signin_failures (
			username TEXT PRIMARY KEY,
			failures INTEGER NOT NULL,
			last_at  BIGINT NOT NULL
		)`,
	}},
	{2, "queue", []string{
		// The work queue's index: one row per dossier the server has seen,
		// its agency, its version when indexed, its status, whether the desk
		// has work on it (queued), the username holding its open step, its
		// legal due time (math.MaxInt64 when it has none) and the start of
		// the pause under way (0 when none). It is derived from the
		// dossiers' histories, which stay the record.
		`CREATE TABLE desk_queue (
			code         TEXT PRIMARY KEY,
			agency       TEXT NOT NULL,
			version      INTEGER NOT NULL,
			status       INTEGER NOT NULL,
			queued       INTEGER NOT NULL,
			holder       TEXT NOT NULL,
			legal_due    BIGINT NOT NULL,
			paused_since BIGINT NOT NULL
		)`,
		// The queue of one agency and of all, in their order; each index
		// holds every column the queue's counts and pages read, so that
		// they read the index alone.
		`CREATE INDEX desk_queue_agency ON desk_queue (queued, agency, legal_due, code, status, holder, paused_since, version)`,
		`CREATE INDEX desk_queue_all ON desk_queue (queued, legal_due, code, status, holder, paused_since, version)`,
	}},
	{3, "idempotency", []string{
		// The Idempotency-Key of each officer's recent requests
		// (idempotency.go): the SHA-256 of the request it came with, and
		// the answer once there is one (status 0 until then), its headers
		// as a JSON object and its body.
		`CREATE TABLE desk_idempotency (
			username        TEXT NOT NULL,
			idempotency_key TEXT NOT NULL,
			fingerprint     TEXT NOT NULL,
			status          INTEGER NOT NULL,
			header          TEXT NOT NULL,
			body            TEXT NOT NULL,
			created_at      BIGINT NOT NULL,
			PRIMARY KEY (username, idempotency_key)
		)`,
		`CREATE INDEX desk_idempotency_created ON desk_idempotency (created_at)`,
	}},
}

// deskLock is the PostgreSQL advisory lock Migrate holds: "desk" in ASCII,
// unlike the library's.
const deskLock = 0x6465736b

// Migrate brings the desk's tables up to date.
func (ds *deskStore) Migrate(ctx context.Context) error {
	if err := ds.migrate(ctx, deskMigrations); err != nil {
		return fmt.Errorf("migrating the desk's tables: %w", err)
	}
	return nil
}

func (ds *deskStore) migrate(ctx context.Context, ms []deskMigration) error {
	// On SQLite the pool opens transactions with BEGIN IMMEDIATE, which takes
	// the write lock at once: two processes starting together take turns.
	tx, err := ds.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if ds.dialect == sqlstore.PostgreSQL {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(deskLock)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS desk_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return err
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM desk_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		for _, st := range m.stmts {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO desk_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, micros(time.Now())); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// micros writes a time as the desk's tables keep it; the zero time is 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros reads one back, in Vietnam's time.
func fromMicros(us int64) time.Time {
	if us == 0 || us == math.MaxInt64 {
		return time.Time{}
	}
	return time.UnixMicro(us).In(sla.ICT)
}

func flag01(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	errNoOfficer     = errors.New("server: no such officer")
	errOfficerExists = errors.New("server: the username is taken")
)

const officerColumns = `o.username, o.full_name, o.agency, o.roles, o.centre_wide, o.disabled, o.password, o.created_at`

// scanOfficer reads officerColumns, then the rest into more.
func scanOfficer(sc interface{ Scan(...any) error }, more ...any) (*officer, error) {
	var (
		o                  officer
		roleKeys           string
		centreWide, disabl int
		created            int64
	)
	if err := sc.Scan(append([]any{&o.Username, &o.FullName, &o.Agency, &roleKeys, &centreWide, &disabl, &o.Password, &created}, more...)...); err != nil {
		return nil, err
	}
	rs, err := parseRoles(roleKeys)
	if err != nil {
		return nil, fmt.Errorf("officer %s: %w", o.Username, err)
	}
	o.Roles, o.CentreWide, o.Disabled, o.Created = rs, centreWide == 1, disabl == 1, fromMicros(created)
	return &o, nil
}

// addOfficer adds an account; errOfficerExists if the username is taken.
func (ds *deskStore) addOfficer(ctx context.Context, o *officer) error {
	res, err := ds.db.ExecContext(ctx, `INSERT INTO desk_officers
		(username, full_name, agency, roles, centre_wide, disabled, password, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING`,
		o.Username, o.FullName, o.Agency, o.Roles.keys(), flag01(o.CentreWide), flag01(o.Disabled), o.Password, micros(o.Created))
	return insertedOne(res, err, errOfficerExists)
}

// addFirstOfficer adds the account only if there is none at all, and
// reports whether it did: of two instances starting at once on an empty
// database, one makes the administrator.
func (ds *deskStore) addFirstOfficer(ctx context.Context, o *officer) (bool, error) {
	res, err := ds.db.ExecContext(ctx, `INSERT INTO desk_officers
		(username, full_name, agency, roles, centre_wide, disabled, password, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM desk_officers)
		ON CONFLICT (username) DO NOTHING`,
		o.Username, o.FullName, o.Agency, o.Roles.keys(), flag01(o.CentreWide), flag01(o.Disabled), o.Password, micros(o.Created))
	if err := insertedOne(res, err, errOfficerExists); err != nil {
		if errors.Is(err, errOfficerExists) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// insertedOne turns the result of an insert or update of one row into nil,
// or none when no row was written.
func insertedOne(res sql.Result, err, none error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return none
	}
	return nil
}

func (ds *deskStore) officer(ctx context.Context, username string) (*officer, error) {
	o, err := scanOfficer(ds.db.QueryRowContext(ctx, `SELECT `+officerColumns+` FROM desk_officers o WHERE o.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoOfficer
	}
	return o, err
}

// officers lists the accounts by agency, then username.
func (ds *deskStore) officers(ctx context.Context) ([]*officer, error) {
	rows, err := ds.db.QueryContext(ctx, `SELECT `+officerColumns+` FROM desk_officers o ORDER BY o.agency, o.username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*officer
	for rows.Next() {
		o, err := scanOfficer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// setPassword changes an officer's password and ends their sessions but
// keep (the session that changed it, or "").
func (ds *deskStore) setPassword(ctx context.Context, username, hash, keep string) error {
	return ds.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE desk_officers SET password = $2 WHERE username = $1`, username, hash)
		if err := insertedOne(res, err, errNoOfficer); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE username = $1 AND id <> $2`, username, keep)
		return err
	})
}

// rehash replaces a password's hash by one of the same password made at
// today's parameters, unless the password changed in between.
func (ds *deskStore) rehash(ctx context.Context, username, old, hash string) error {
	_, err := ds.db.ExecContext(ctx, `UPDATE desk_officers SET password = $3 WHERE username = $1 AND password = $2`, username, old, hash)
	return err
}

// setDisabled disables or enables an account. Disabling ends its sessions
// at once; its tokens are refused while it is disabled (see tokenOfficer).
func (ds *deskStore) setDisabled(ctx context.Context, username string, disabled bool) error {
	return ds.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE desk_officers SET disabled = $2 WHERE username = $1`, username, flag01(disabled))
		if err := insertedOne(res, err, errNoOfficer); err != nil {
			return err
		}
		if disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM desk_sessions WHERE username = $1`, username)
		}
		return err
	})
}

// setRoles changes an officer's roles and centre-wide flag.
func (ds *deskStore) setRoles(ctx context.Context, username string, rs roles, centreWide bool) error {
	res, err := ds.db.ExecContext(ctx, `UPDATE desk_officers SET roles = $2, centre_wide = $3 WHERE username = $1`,
		username, rs.keys(), flag01(centreWide))
	return insertedOne(res, err, errNoOfficer)
}

func (ds *deskStore) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := ds.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}
