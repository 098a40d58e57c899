package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

// A migration is one file migrations/<dialect>/NNNN_name.sql, and the Go
// code that some migrations run after their SQL, in the same transaction,
// to convert what SQL alone cannot. Each dialect has the same versions; a
// version, once released, never changes: a change of schema is a new file.
type migration struct {
	version int
	name    string
	sql     string
	code    func(s *Store, ctx context.Context, db execQuerier) error
}

// migrationCode is the Go code of the migrations that have some.
var migrationCode = map[int]func(s *Store, ctx context.Context, db execQuerier) error{
	3: func(s *Store, ctx context.Context, db execQuerier) error { return s.convertLegacy(ctx, db, legacyPage) },
}

// migrationLock is the PostgreSQL advisory lock that Migrate holds, so that
// instances starting at once migrate one after another. Its value is
// arbitrary but fixed: "motcua" in ASCII.
const migrationLock = 0x6d6f74637561

// migrations returns the dialect's migrations in order.
func migrations(d Dialect) ([]migration, error) {
	dir := "migrations/" + map[Dialect]string{PostgreSQL: "postgres", SQLite: "sqlite"}[d]
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: migration file %s is not NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(b), code: migrationCode[v]})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migration %d is missing", i+1)
		}
	}
	return out, nil
}

// Migrate brings the schema up to date: it applies, in order and each once,
// the migrations embedded in the package that the database has not had. It
// is idempotent, and safe when several instances start at once: they take
// turns, under a PostgreSQL advisory lock (pg_advisory_xact_lock) or
// SQLite's write lock (BEGIN IMMEDIATE), and each applies what the ones
// before it left. All of it happens in one transaction, so a failure leaves
// the schema as it was.
//
// A database migrated by a newer release is left as it is. Migration 0003
// changes how events are kept (typed columns instead of a note) and
// converts the dossiers written before it (see legacy.go): instances of
// earlier releases cannot write to the converted database, their inserts
// failing on the columns that went, so stop them before migrating.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	return s.migrate(ctx, ms)
}

// migrate applies those of ms that the database has not had.
func (s *Store) migrate(ctx context.Context, ms []migration) (err error) {
	if s.dialect == PostgreSQL {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
				return err
			}
			return s.apply(ctx, tx, ms, `CREATE TABLE IF NOT EXISTS sqlstore_migrations (
				version    integer PRIMARY KEY,
				name       text NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now())`)
		})
	} else {
		err = s.sqliteImmediate(ctx, func(conn *sql.Conn) error {
			return s.apply(ctx, conn, ms, `CREATE TABLE IF NOT EXISTS sqlstore_migrations (
				version    INTEGER PRIMARY KEY,
				name       TEXT NOT NULL,
				applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlstore: migrating the %s schema: %w", s.dialect, err)
	}
	return nil
}

// sqliteImmediate runs f on one connection inside BEGIN IMMEDIATE … COMMIT.
// database/sql cannot ask for IMMEDIATE on a *sql.DB it did not open, so
// the statements are sent by hand.
func (s *Store) sqliteImmediate(ctx context.Context, f func(*sql.Conn) error) error {
	// The write turn first, then the connection, in the order the writer
	// takes them: the other order could wait forever on a pool of one.
	return s.write(ctx, func() error {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
			return err
		}
		// Once BEGIN has run, the transaction must end whatever ctx does:
		// a connection left inside it would go back to the pool holding the
		// write lock, and its later autocommit writes would never commit.
		end := context.WithoutCancel(ctx)
		err = f(conn)
		if err == nil {
			if _, err = conn.ExecContext(end, `COMMIT`); err == nil {
				return nil
			}
		}
		if _, rerr := conn.ExecContext(end, `ROLLBACK`); rerr != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) // drop the connection
		}
		return err
	})
}

type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// apply makes the migrations table with create, then applies the
// migrations it does not list.
func (s *Store) apply(ctx context.Context, db execQuerier, ms []migration, create string) error {
	if _, err := db.ExecContext(ctx, create); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM sqlstore_migrations`)
	if err != nil {
		return err
	}
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		done[v] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range ms {
		if done[m.version] {
			continue
		}
		if _, err := db.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
		}
		if m.code != nil {
			if err := m.code(s, ctx, db); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO sqlstore_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			return err
		}
	}
	return nil
}
