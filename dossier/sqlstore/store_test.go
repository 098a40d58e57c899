package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/dossier/storetest"
	"github.com/motcua/motcua/sla"
)

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) dossier.Store { return newSQLite(t) })
}

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	postgresDSN(t)
	storetest.Run(t, func(t *testing.T) dossier.Store { return newPostgres(t) })
}

// Codes order numerically past 9999 and agencies byte by byte, as
// dossier.Less does, whatever the database's collation.
func TestListOrderAsLess(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		ctx := context.Background()
		var want []*dossier.Dossier
		for _, x := range []struct {
			agency   string
			seq, min int
		}{
			{agency, 10000, 5}, {agency, 9999, 5}, {agency, 2, 5}, {"000.a0.01.H26", 1, 5}, {"000.B0.01.H26", 1, 5}, {"000.00.01.H26", 1, -1}, {"000.00.02.H26", 1, -1},
		} {
			d := received(x.agency, x.seq, x.min)
			require.NoError(t, s.Create(ctx, d))
			want = append(want, d)
		}
		slices.SortFunc(want, func(a, b *dossier.Dossier) int {
			if dossier.Less(a, b) {
				return -1
			}
			return 1
		})
		var got []string
		for d, err := range s.List(ctx, dossier.Filter{}) {
			require.NoError(t, err)
			got = append(got, d.Code.String())
		}
		var codes []string
		for _, d := range want {
			codes = append(codes, d.Code.String())
		}
		assert.Equal(t, codes, got)
	})
}

// Times come back as the same instants in Vietnam's time.
func TestTimesInICT(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		d := received(agency, 1, 10)
		d.ReceivedAt = d.ReceivedAt.UTC().Add(123456 * time.Nanosecond) // kept to the microsecond
		d.Events[0].At = d.ReceivedAt
		require.NoError(t, s.Create(context.Background(), d))
		got, err := s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		assert.Equal(t, sla.ICT, got.ReceivedAt.Location())
		assert.Equal(t, sla.ICT, got.Events[0].At.Location())
		assert.True(t, got.ReceivedAt.Equal(d.ReceivedAt.Truncate(time.Microsecond)), "%v", got.ReceivedAt)
		assert.True(t, got.Events[0].At.Equal(d.ReceivedAt.Truncate(time.Microsecond)), "%v", got.Events[0].At)
	})
}

// The events table refuses changes, so even SQL run by hand cannot rewrite
// a dossier's history.
func TestEventsAppendOnly(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		d := received(agency, 1, 10)
		require.NoError(t, s.Create(context.Background(), d))
		_, err := s.DB().Exec(`UPDATE dossier_events SET note = 'rewritten'`)
		assert.ErrorContains(t, err, "append-only")
		_, err = s.DB().Exec(`DELETE FROM dossier_events`)
		assert.ErrorContains(t, err, "append-only")
		got, err := s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		assert.Len(t, got.Events, 1)
	})
}

// An update with changed old events keeps the stored ones and adds the new.
func TestUpdateKeepsStoredEvents(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		ctx := context.Background()
		d := received(agency, 1, 10)
		require.NoError(t, s.Create(ctx, d))
		d.Events[0].Note = "rewritten"
		d.Events = append(d.Events, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindTransfer, Actor: "A", From: dossier.Received, To: dossier.InProgress})
		require.NoError(t, s.Update(ctx, d))
		got, err := s.Get(ctx, d.Code)
		require.NoError(t, err)
		require.Len(t, got.Events, 2)
		assert.Empty(t, got.Events[0].Note)
		assert.Equal(t, dossier.KindTransfer, got.Events[1].Kind)

		got.Events = got.Events[:1]
		assert.ErrorIs(t, s.Update(ctx, got), dossier.ErrConflict, "fewer events than stored")
		assert.Equal(t, 2, count(t, s.DB(), `SELECT count(*) FROM dossier_events`))
	})
}

// Many events in one write go in batches under the parameter limits.
func TestManyEvents(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		d := received(agency, 1, 10)
		for i := range 2500 {
			d.Events = append(d.Events, dossier.Event{At: base.Add(time.Duration(i) * time.Second), Kind: dossier.KindTransfer, Actor: fmt.Sprint(i)})
		}
		require.NoError(t, s.Create(context.Background(), d))
		got, err := s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		require.Len(t, got.Events, 2501)
		assert.Equal(t, "2499", got.Events[2500].Actor)
	})
}

// A dossier with an invalid code or supplement regime is refused before it
// reaches the database.
func TestCreateInvalid(t *testing.T) {
	t.Parallel()
	s := newSQLite(t)
	tests := []struct {
		name   string
		change func(d *dossier.Dossier)
	}{
		{"no code", func(d *dossier.Dossier) { d.Code = dossier.Code{} }},
		{"bad agency", func(d *dossier.Dossier) { d.Code.Agency = "not an e-ID" }},
		{"bad regime", func(d *dossier.Dossier) { d.Regime = 9 }},
	}
	for _, tt := range tests {
		d := received(agency, 1, 10)
		tt.change(d)
		assert.Error(t, s.Create(context.Background(), d), tt.name)
		assert.Equal(t, 0, d.Version, tt.name)
	}
	assert.Equal(t, 0, count(t, s.DB(), `SELECT count(*) FROM dossiers`))
}

// Migrate is idempotent, and instances starting at once on one database
// apply each migration once.
func TestMigrateConcurrent(t *testing.T) {
	t.Parallel()
	dsns := map[string]func(t *testing.T) string{
		"SQLite":     func(t *testing.T) string { return sqliteDSN(t) },
		"PostgreSQL": func(t *testing.T) string { return postgresSchema(t) },
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dsn := dsn(t)
			const n = 4
			stores := make([]*sqlstore.Store, n)
			for i := range stores {
				s, err := sqlstore.Open(context.Background(), dsn)
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i, s := range stores {
				wg.Go(func() { errs[i] = s.Migrate(context.Background()) })
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			require.NoError(t, stores[0].Migrate(context.Background()), "again")
			db := stores[0].DB()
			assert.Equal(t, count(t, db, `SELECT count(DISTINCT version) FROM sqlstore_migrations`),
				count(t, db, `SELECT count(*) FROM sqlstore_migrations`), "each migration once")
			d := received(agency, 1, 10)
			require.NoError(t, stores[n-1].Create(context.Background(), d))
			_, err := stores[0].Get(context.Background(), d.Code)
			require.NoError(t, err)
		})
	}
}

// A context that ends while a writer waits for SQLite's write turn gives up.
func TestSQLiteWriteWaitsWithContext(t *testing.T) {
	t.Parallel()
	s := newSQLite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// Hold the write lock from another connection.
	conn, err := s.DB().Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`)
	require.NoError(t, err)
	start := time.Now()
	_, err = s.NextSequence(ctx, agency, sla.DateOf(base))
	assert.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "it did not wait out the busy timeout")
	_, err = conn.ExecContext(context.Background(), `ROLLBACK`)
	require.NoError(t, err)
	n, err := s.NextSequence(context.Background(), agency, sla.DateOf(base))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
