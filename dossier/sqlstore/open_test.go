package sqlstore_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
)

const secret = "s3cr3t-Pa55"

// A DSN Open cannot read is an error that lists the forms it can, and never
// quotes a password.
func TestOpenUnknownScheme(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dsn, quoted string
	}{
		{"mysql", "mysql://motcua:" + secret + "@db/motcua", `"mysql"`},
		{"no scheme", "/var/lib/motcua/motcua.db", ""},
		{"keyword/value", "host=db user=motcua password=" + secret + " dbname=motcua", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		_, err := sqlstore.Open(context.Background(), tt.dsn)
		require.ErrorIs(t, err, sqlstore.ErrUnknownScheme, tt.name)
		msg := err.Error()
		for _, form := range []string{"postgres://", "postgresql://", "sqlite:PATH", "file:PATH"} {
			assert.Contains(t, msg, form, tt.name)
		}
		assert.Contains(t, msg, tt.quoted, tt.name)
		assert.NotContains(t, msg, secret, tt.name)
	}
}

// Neither an unreachable server nor a malformed DSN puts the password in
// the error.
func TestOpenPostgresPasswordNotInError(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, dsn string }{
		{"unreachable", "postgres://motcua:" + secret + "@127.0.0.1:1/motcua?sslmode=disable&connect_timeout=5"},
		{"postgresql scheme", "postgresql://motcua:" + secret + "@127.0.0.1:1/motcua?sslmode=disable&connect_timeout=5"},
		{"password parameter", "postgres://motcua@127.0.0.1:1/motcua?sslmode=disable&password=" + secret},
		{"bad port", "postgres://motcua:" + secret + "@127.0.0.1:port/motcua"},
		{"bad parameter", "postgres://motcua:" + secret + "@127.0.0.1/motcua?sslmode=sometimes"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := sqlstore.Open(ctx, tt.dsn)
		cancel()
		require.Error(t, err, tt.name)
		assert.NotContains(t, err.Error(), secret, tt.name)
		assert.Contains(t, err.Error(), "sqlstore: ", tt.name)
	}
}

func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, dsn string
		ok        bool
	}{
		{"sqlite:", "sqlite:" + dir + "/a.db", true},
		{"file:", "file:" + dir + "/b.db", true},
		{"with parameters", "sqlite:" + dir + "/c.db?_pragma=cache_size(-4000)", true},
		{"a # in the path", "sqlite:" + dir + "/d#1.db", true},
		{"no path", "sqlite:", false},
		{"in memory", "sqlite::memory:", false},
		{"in memory by mode", "file:x.db?mode=memory", false},
	}
	for _, tt := range tests {
		s, err := sqlstore.Open(context.Background(), tt.dsn)
		if !tt.ok {
			assert.Error(t, err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, sqlstore.SQLite, s.Dialect())
		var mode string
		require.NoError(t, s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode))
		assert.Equal(t, "wal", mode, tt.name)
		var fk, sync, busy int
		require.NoError(t, s.DB().QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
		require.NoError(t, s.DB().QueryRow(`PRAGMA synchronous`).Scan(&sync))
		require.NoError(t, s.DB().QueryRow(`PRAGMA busy_timeout`).Scan(&busy))
		assert.Equal(t, []int{1, 2, 10000}, []int{fk, sync, busy}, "foreign keys, synchronous FULL, busy timeout")
		require.NoError(t, s.Close())
	}
}

// New wraps a pool the caller owns; Close leaves it open.
func TestNew(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/n.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1) // as embedders often set for SQLite: a write must not wait for a second connection
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	d := received(t, agency, 0)
	require.NoError(t, s.Create(context.Background(), d))
	_, err = s.Append(context.Background(), d.Code, d.Version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindTransfer, Actor: "A", Receiver: "B"})
	require.NoError(t, err)
	// The outbox too, on the one connection.
	entries, err := s.Pending(context.Background(), d.Code)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	leased, _, err := s.Lease(context.Background(), base, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, leased, 1)
	require.NoError(t, s.Ack(context.Background(), leased...))
	require.NoError(t, s.Close())
	require.NoError(t, db.Ping(), "the caller's pool stays open")

	_, err = sqlstore.New(db, 0)
	assert.Error(t, err)
	_, err = sqlstore.New(nil, sqlstore.SQLite)
	assert.Error(t, err)
}

func TestDialectString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "PostgreSQL", sqlstore.PostgreSQL.String())
	assert.Equal(t, "SQLite", sqlstore.SQLite.String())
	assert.Equal(t, "Dialect(9)", sqlstore.Dialect(9).String())
}

// On a pool of one connection, as embedders often give SQLite, writes and
// migrations running at once wait for each other, never forever.
func TestSQLiteOneConnection(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/one.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Migrate(ctx))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if err := s.Create(ctx, received(t, agency, 0)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 20 {
		require.NoError(t, s.Migrate(ctx))
	}
	wg.Wait()
	assert.Equal(t, 80, count(t, db, `SELECT count(*) FROM dossiers`))
}
