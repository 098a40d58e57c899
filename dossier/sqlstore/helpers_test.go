package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// sqliteDSN returns a DSN for a new database file in t's temporary folder.
func sqliteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "motcua.db") + os.Getenv("MOTCUA_BENCH_SQLITE_QUERY")
}

// open opens dsn, migrates it and closes it at the end of t.
func open(t testing.TB, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// newSQLite returns a migrated Store on a new SQLite file.
func newSQLite(t testing.TB) *sqlstore.Store { return open(t, sqliteDSN(t)) }

// postgresDSN returns MOTCUA_TEST_POSTGRES, or skips t when it is unset.
// .ci/run sets MOTCUA_REQUIRE_POSTGRES=1, which turns the skip into a
// failure, so that CI cannot pass without running these tests.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("MOTCUA_TEST_POSTGRES")
	if dsn == "" {
		const msg = "MOTCUA_TEST_POSTGRES is unset: set it to a PostgreSQL DSN, such as " +
			"postgres://motcua:PASSWORD@127.0.0.1:5432/motcua_test?sslmode=disable, to run the PostgreSQL tests (.ci/run does)"
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// postgresSchema makes an empty schema of its own for t in the database of
// MOTCUA_TEST_POSTGRES, dropped at the end of t, and returns a DSN whose
// connections work in it. Tests may then run in parallel on one database.
func postgresSchema(t testing.TB) string {
	t.Helper()
	dsn := postgresDSN(t)
	admin, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err, "MOTCUA_TEST_POSTGRES is set, but the server cannot be reached")
	b := make([]byte, 6)
	rand.Read(b)
	schema := "sqlstore_test_" + hex.EncodeToString(b)
	_, err = admin.DB().Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.DB().Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	return withSearchPath(t, dsn, schema)
}

// withSearchPath adds search_path=schema to a PostgreSQL DSN; pgx sends
// parameters it does not know to the server as settings.
func withSearchPath(t testing.TB, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

// newPostgres returns a migrated Store on a schema of its own.
func newPostgres(t testing.TB) *sqlstore.Store { return open(t, postgresSchema(t)) }

// databases make, per dialect, a new database for several Stores to open.
var databases = map[string]func(t *testing.T) string{
	"SQLite":     func(t *testing.T) string { return sqliteDSN(t) },
	"PostgreSQL": func(t *testing.T) string { return postgresSchema(t) },
}

// dialects runs f once per dialect; the PostgreSQL run skips (or fails,
// in CI) as postgresDSN says.
func dialects(t *testing.T, f func(t *testing.T, newStore func(t testing.TB) *sqlstore.Store)) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		f(t, newSQLite)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		postgresDSN(t)
		f(t, newPostgres)
	})
}

var base = time.Date(2025, time.March, 3, 8, 0, 0, 0, sla.ICT)

const agency = "000.00.01.H26"

// received returns a dossier of agency ag ready for Create, received
// minutes after base, or, when minutes < 0, filed online at base and not
// yet received.
func received(t testing.TB, ag string, minutes int) *dossier.Dossier {
	t.Helper()
	at := base.Add(time.Duration(minutes) * time.Minute)
	d := &dossier.Dossier{
		ID:            uuid.Must(uuid.NewV7()),
		Code:          dossier.Code{Agency: ag, Date: sla.DateOf(base)},
		Procedure:     "1.001193",
		Applicant:     dossier.Applicant{Name: "Trần Thị Bình"},
		Channel:       procedure.Direct,
		ReturnChannel: procedure.Direct,
		SubmittedAt:   base,
	}
	e := dossier.Event{At: at, Kind: dossier.KindReceive, Actor: "một cửa", Due: at.Add(72 * time.Hour), LegalDue: at.Add(72 * time.Hour), Limit: sla.WorkingDays(3)}
	if minutes < 0 {
		e = dossier.Event{At: base, Kind: dossier.KindSubmit, Actor: "công dân", Limit: sla.WorkingDays(3)}
	}
	require.NoError(t, d.Apply(e))
	return d
}

// catalog is a one-procedure catalogue for the Service.
func catalog(t testing.TB) *procedure.Catalog {
	cat, err := procedure.NewCatalog(procedure.Procedure{
		Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Level: procedure.Commune, Field: procedure.Field{Name: "Hộ tịch"},
		Duration: sla.WorkingDays(3), Channels: []procedure.Channel{procedure.Direct, procedure.Online}, OnlineLevel: procedure.Full,
	})
	require.NoError(t, err)
	return cat
}

// count returns the single integer query gives.
func count(t testing.TB, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(query, args...).Scan(&n))
	return n
}
