package sqlrating_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/rating/ratingtest"
	"github.com/motcua/motcua/rating/sqlrating"
	"github.com/motcua/motcua/sla"
)

// open opens dsn, migrates it and closes it at the end of t.
func open(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	require.NoError(t, st.Migrate(context.Background()))
	return st
}

// newSQLite returns a migrated store on a new SQLite file.
func newSQLite(t *testing.T) *sqlstore.Store {
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "motcua.db"))
}

// postgresDSN returns MOTCUA_TEST_POSTGRES. It skips t when the variable
// is unset, and fails it instead when MOTCUA_REQUIRE_POSTGRES is set, as in
// CI.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("MOTCUA_TEST_POSTGRES")
	if dsn == "" {
		const msg = "MOTCUA_TEST_POSTGRES is unset: set it to a PostgreSQL DSN to run the PostgreSQL tests"
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// newPostgres returns a migrated store on a schema of its own in the
// database of MOTCUA_TEST_POSTGRES, dropped at the end of t, so that tests
// may run in parallel on one database.
func newPostgres(t *testing.T) *sqlstore.Store {
	t.Helper()
	dsn := postgresDSN(t)
	admin, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err, "MOTCUA_TEST_POSTGRES is set, but the server cannot be reached")
	schema := "sqlrating_test_" + strings.ToLower(rand.Text()[:12])
	_, err = admin.DB().Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.DB().Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err, "MOTCUA_TEST_POSTGRES must be a postgres:// URL")
	q := u.Query()
	q.Set("search_path", schema) // pgx sends parameters it does not know as settings
	u.RawQuery = q.Encode()
	return open(t, u.String())
}

// create stores a row for a dossier with the code c, which a rating names.
// It writes the row directly: the suite's codes are chosen (sequence
// 123456789 among them), and sqlstore's Create draws its own.
func create(t *testing.T, st *sqlstore.Store, c dossier.Code) {
	t.Helper()
	_, err := st.DB().ExecContext(context.Background(), `INSERT INTO dossiers
		(id, code, agency, day, seq, procedure_code, applicant, channel, return_channel, status, version)
		VALUES ($1, $2, $3, $4, $5, '1.001193', '{}', 1, 1, 2, 1)`,
		uuid.New().String(), c.String(), c.Agency, c.Date.String(), c.Seq)
	require.NoError(t, err)
}

// dialects runs f once per dialect, in parallel; the PostgreSQL run skips
// (or fails, in CI) as postgresDSN says.
func dialects(t *testing.T, f func(t *testing.T, newStore func(t *testing.T) *sqlstore.Store)) {
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

func TestConformance(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(t *testing.T) *sqlstore.Store) {
		ratingtest.Run(t, func(t *testing.T, now func() time.Time) ratingtest.Harness {
			st := newStore(t)
			return ratingtest.Harness{
				Store:      sqlrating.NewWithClock(st, now),
				AddDossier: func(t *testing.T, c dossier.Code) { create(t, st, c) },
			}
		})
	})
}

// New judges "in the future" by time.Now, and List gives times back in ICT
// whatever zone they were given in.
func TestClockAndZone(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(t *testing.T) *sqlstore.Store) {
		ctx := context.Background()
		st := newStore(t)
		s := sqlrating.New(st)
		at := time.Date(2020, time.June, 15, 3, 0, 0, 0, time.UTC)
		c := dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(at), Seq: 1}
		create(t, st, c)
		require.NoError(t, s.Add(ctx, rating.Rating{Dossier: c, Level: rating.Satisfied, At: at}))
		require.NoError(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: time.Now()}), "now")
		assert.ErrorIs(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: time.Now().Add(time.Hour)}), rating.ErrInvalid, "an hour ahead")
		var all []rating.Rating
		for r, err := range s.List(ctx, time.Time{}, time.Time{}) {
			require.NoError(t, err)
			all = append(all, r)
		}
		require.Len(t, all, 2)
		for _, r := range all {
			assert.Equal(t, sla.ICT, r.At.Location(), "times come back in ICT")
		}
		assert.True(t, all[0].At.Equal(at), "%s, want the instant %s", all[0].At, at)
	})
}
