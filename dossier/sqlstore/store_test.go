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
			d := received(t, x.agency, x.min)
			// Create draws seq next.
			_, err := s.DB().Exec(`DELETE FROM dossier_sequences WHERE agency = $1`, x.agency)
			require.NoError(t, err)
			_, err = s.DB().Exec(`INSERT INTO dossier_sequences (agency, day, last_seq) VALUES ($1, $2, $3)`, x.agency, d.Code.Date.String(), x.seq-1)
			require.NoError(t, err)
			require.NoError(t, s.Create(ctx, d))
			require.Equal(t, x.seq, d.Code.Seq)
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

// Times come back as the same instants in Vietnam's time, to the
// microsecond.
func TestTimesInICT(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		d := received(t, agency, -1)
		at := base.UTC().Add(10*time.Minute + 123456789*time.Nanosecond)
		d.SubmittedAt = at
		require.NoError(t, s.Create(context.Background(), d))
		assert.Equal(t, sla.ICT, d.SubmittedAt.Location(), "Create gives back what it stored")
		got, err := s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		assert.Equal(t, sla.ICT, got.SubmittedAt.Location())
		assert.Equal(t, sla.ICT, got.Events[0].At.Location())
		assert.True(t, got.SubmittedAt.Equal(at.Truncate(time.Microsecond)), "%v", got.SubmittedAt)
		_, err = s.Append(context.Background(), d.Code, d.Version, dossier.Event{At: at, Kind: dossier.KindReceive, Actor: "A",
			Due: at.Add(time.Hour), LegalDue: at.Add(time.Hour), Limit: sla.WorkingHours(1)})
		require.NoError(t, err)
		got, err = s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		assert.True(t, got.ReceivedAt().Equal(at.Truncate(time.Microsecond)), "%v", got.ReceivedAt())
		assert.Equal(t, sla.ICT, got.ReceivedAt().Location())
	})
}

// The events table refuses changes, so even SQL run by hand cannot rewrite
// a dossier's history.
func TestEventsAppendOnly(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		d := received(t, agency, 10)
		require.NoError(t, s.Create(context.Background(), d))
		_, err := s.DB().Exec(`UPDATE dossier_events SET reason = 'rewritten'`)
		assert.ErrorContains(t, err, "append-only")
		_, err = s.DB().Exec(`DELETE FROM dossier_events`)
		assert.ErrorContains(t, err, "append-only")
		got, err := s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		assert.Len(t, got.Events, 1)
	})
}

// Two stores on one database, as two instances or processes have: an
// append by one makes the other's cached copy stale, and the other's
// append at the old version is ErrConflict, not a fork of the history;
// once it reads the dossier again it appends.
func TestAppendAfterAnotherInstance(t *testing.T) {
	t.Parallel()
	for name, dsn := range databases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dsn := dsn(t)
			a, b := open(t, dsn), open(t, dsn)
			ctx := context.Background()
			d := received(t, agency, 10)
			require.NoError(t, a.Create(ctx, d))
			_, err := a.Get(ctx, d.Code) // a caches it
			require.NoError(t, err)
			transfer := func(to string) dossier.Event {
				return dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindTransfer, Actor: "một cửa", Receiver: to}
			}
			_, err = b.Append(ctx, d.Code, 1, transfer("Phòng Tư pháp"))
			require.NoError(t, err)
			_, err = a.Append(ctx, d.Code, 1, transfer("Phòng Kinh tế"))
			require.ErrorIs(t, err, dossier.ErrConflict, "a's cached version 1 is stale")
			got, err := a.Get(ctx, d.Code)
			require.NoError(t, err)
			require.Equal(t, 2, got.Version)
			_, err = a.Append(ctx, d.Code, 2, transfer("Phòng Kinh tế"))
			require.NoError(t, err)
			got, err = b.Get(ctx, d.Code)
			require.NoError(t, err)
			assert.Equal(t, []string{"", "Phòng Tư pháp", "Phòng Kinh tế"}, []string{got.Events[0].Receiver, got.Events[1].Receiver, got.Events[2].Receiver})
			assert.Equal(t, 3, count(t, a.DB(), `SELECT count(*) FROM dossier_events`))
		})
	}
}

// A history of dossier.MaxEvents events goes in one create, in batches
// under the parameter limits, and comes back whole.
func TestManyEvents(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t)
		d := received(t, agency, 10)
		for i := 1; i < dossier.MaxEvents; i++ {
			require.NoError(t, d.Apply(dossier.Event{At: base.Add(time.Duration(10+i) * time.Minute), Kind: dossier.KindTransfer, Actor: "A", Receiver: fmt.Sprint(i)}))
		}
		require.NoError(t, s.Create(context.Background(), d))
		got, err := s.Get(context.Background(), d.Code)
		require.NoError(t, err)
		require.Len(t, got.Events, dossier.MaxEvents)
		assert.Equal(t, fmt.Sprint(dossier.MaxEvents-1), got.Events[dossier.MaxEvents-1].Receiver)
	})
}

// What the store could not read back is refused with ErrInvalid before it
// reaches the database, and draws no number.
func TestCreateInvalid(t *testing.T) {
	t.Parallel()
	s := newSQLite(t)
	submit := func(change func(e *dossier.Event)) func(d *dossier.Dossier) {
		return func(d *dossier.Dossier) {
			e := dossier.Event{At: base, Kind: dossier.KindSubmit, Actor: "công dân"}
			change(&e)
			x, err := dossier.Restore(*d, []dossier.Event{e})
			require.NoError(t, err)
			*d = *x
		}
	}
	tests := []struct {
		name   string
		change func(d *dossier.Dossier)
	}{
		{"submitted in 1899", func(d *dossier.Dossier) { d.SubmittedAt = time.Date(1899, 12, 31, 0, 0, 0, 0, sla.ICT) }},
		{"submitted in 2200", func(d *dossier.Dossier) { d.SubmittedAt = time.Date(2200, 1, 1, 0, 0, 0, 0, sla.ICT) }},
		{"a time limit that cannot be written", submit(func(e *dossier.Event) { e.Limit = sla.WorkingDays(0) })},
		{"a procedure version in 2300", submit(func(e *dossier.Event) { e.ProcedureVersion = sla.Date{Year: 2300, Month: 1, Day: 1} })},
		{"a code day in 1999", func(d *dossier.Dossier) { d.Code.Date = sla.Date{Year: 1999, Month: 12, Day: 31} }},
		{"an applicant's name that is not UTF-8", func(d *dossier.Dossier) { d.Applicant.Name = "Nguy\xe1n" }},
		{"a NUL in the address", func(d *dossier.Dossier) { d.Applicant.Address = "12 Lý Thường Kiệt\x00" }},
		{"an actor that is not UTF-8", submit(func(e *dossier.Event) { e.Actor = "c\xf4ng d\xe2n" })},
	}
	for _, tt := range tests {
		d := received(t, agency, 10)
		tt.change(d)
		assert.ErrorIs(t, s.Create(context.Background(), d), dossier.ErrInvalid, tt.name)
		assert.Zero(t, d.Code.Seq, tt.name)
	}
	assert.Equal(t, 0, count(t, s.DB(), `SELECT count(*) FROM dossiers`))
	assert.Equal(t, 0, count(t, s.DB(), `SELECT count(*) FROM dossier_sequences`))
}

// Migrate is idempotent, and instances starting at once on one database
// apply each migration once.
func TestMigrateConcurrent(t *testing.T) {
	t.Parallel()
	for name, dsn := range databases {
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
			d := received(t, agency, 10)
			require.NoError(t, stores[n-1].Create(context.Background(), d))
			_, err := stores[0].Get(context.Background(), d.Code)
			require.NoError(t, err)
		})
	}
}

// A context that ends while a write waits for SQLite's write lock, held
// by another process, gives up with nothing written.
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
	assert.ErrorIs(t, s.Create(ctx, received(t, agency, 0)), context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "it did not wait out the busy timeout")
	_, err = conn.ExecContext(context.Background(), `ROLLBACK`)
	require.NoError(t, err)
	d := received(t, agency, 0)
	require.NoError(t, s.Create(context.Background(), d))
	assert.Equal(t, 1, d.Code.Seq, "the abandoned create drew no number")
}
