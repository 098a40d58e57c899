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
)

// entryKey names an outbox entry as the portal's keys do.
func entryKey(c dossier.Code, n int) string { return fmt.Sprintf("%s#%d", c, n) }

// outboxRows returns the entries the outbox table holds, and the events
// the events table holds, each as a sorted list of keys.
func outboxRows(t *testing.T, s *sqlstore.Store) (entries, events []string) {
	t.Helper()
	read := func(query string) []string {
		rows, err := s.DB().Query(query)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var (
				code string
				n    int
			)
			require.NoError(t, rows.Scan(&code, &n))
			out = append(out, fmt.Sprintf("%s#%d", code, n))
		}
		require.NoError(t, rows.Err())
		slices.Sort(out)
		return out
	}
	return read(`SELECT code, n FROM dossier_outbox`),
		read(`SELECT d.code, e.n FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id`)
}

// transfer is an event that hands a dossier on to the receiver.
func transfer(at time.Time, actor, to string) dossier.Event {
	return dossier.Event{At: at, Kind: dossier.KindTransfer, Actor: actor, Receiver: to}
}

// No change commits without its outbox entries, and no entry without its
// change, even when writes that fail share a transaction with writes that
// succeed (SQLite's group commit): a failure after the entries were
// written (an event the database refuses) takes them back, and a failure
// while writing them (an entry the database refuses) takes the change
// back.
func TestOutboxWithItsChange(t *testing.T) {
	t.Parallel()
	triggers := map[sqlstore.Dialect][]string{
		sqlstore.SQLite: {
			`CREATE TRIGGER refuse_event BEFORE INSERT ON dossier_events WHEN NEW.actor = 'refused'
			BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
			`CREATE TRIGGER refuse_entry BEFORE INSERT ON dossier_outbox WHEN NEW.n = 3
			BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
		},
		sqlstore.PostgreSQL: {
			`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
			`CREATE TRIGGER refuse_event BEFORE INSERT ON dossier_events FOR EACH ROW WHEN (NEW.actor = 'refused') EXECUTE FUNCTION refuse()`,
			`CREATE TRIGGER refuse_entry BEFORE INSERT ON dossier_outbox FOR EACH ROW WHEN (NEW.n = 3) EXECUTE FUNCTION refuse()`,
		},
	}
	dialects(t, func(t *testing.T, newStore func(t testing.TB) *sqlstore.Store) {
		s := newStore(t)
		ctx := context.Background()
		for _, q := range triggers[s.Dialect()] {
			_, err := s.DB().Exec(q)
			require.NoError(t, err)
		}
		const n = 48
		ds := make([]*dossier.Dossier, n)
		for i := range ds {
			ds[i] = received(t, agency, i)
			require.NoError(t, s.Create(ctx, ds[i]))
		}

		// At once: every dossier gets a second event, which the database
		// refuses for the even ones, after their entries; meanwhile new
		// dossiers are received.
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i, d := range ds {
			actor := "một cửa"
			if i%2 == 0 {
				actor = "refused"
			}
			wg.Go(func() {
				_, errs[i] = s.Append(ctx, d.Code, 1, transfer(base.Add(time.Hour), actor, "Phòng Tư pháp"))
			})
			wg.Go(func() {
				if err := s.Create(ctx, received(t, agency, 100+i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i%2 == 0 {
				assert.ErrorContains(t, err, "refused by the test", "dossier %d", i)
			} else {
				assert.NoError(t, err, "dossier %d", i)
			}
		}

		// At once: the odd ones get a third event, whose entry the
		// database refuses.
		for i, d := range ds {
			if i%2 == 1 {
				wg.Go(func() {
					_, errs[i] = s.Append(ctx, d.Code, 2, transfer(base.Add(2*time.Hour), "một cửa", "Lãnh đạo"))
				})
			}
			wg.Go(func() {
				if err := s.Create(ctx, received(t, agency, 200+i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i%2 == 1 {
				assert.ErrorContains(t, err, "refused by the test", "dossier %d", i)
			}
		}

		entries, events := outboxRows(t, s)
		assert.Len(t, events, 3*n+n/2, "the receipts, and the second events of the odd dossiers")
		assert.Equal(t, events, entries, "an entry for every event, and none for a change that failed")
		for i, d := range ds {
			got, err := s.Get(ctx, d.Code)
			require.NoError(t, err)
			assert.Equal(t, 1+i%2, got.Version, "dossier %d", i)
		}
	})
}

// With the outbox off, Create and Append record no entries; once it is on
// again, they do.
func TestSetOutbox(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(t testing.TB) *sqlstore.Store) {
		s := newStore(t)
		ctx := context.Background()
		s.SetOutbox(false)
		quiet := received(t, agency, 0)
		require.NoError(t, s.Create(ctx, quiet))
		_, err := s.Append(ctx, quiet.Code, 1, transfer(base.Add(time.Hour), "một cửa", "Phòng Tư pháp"))
		require.NoError(t, err)
		s.SetOutbox(true)
		loud := received(t, agency, 1)
		require.NoError(t, s.Create(ctx, loud))
		_, err = s.Append(ctx, quiet.Code, 2, transfer(base.Add(2*time.Hour), "Phòng Tư pháp", "Lãnh đạo"))
		require.NoError(t, err)
		entries, _ := outboxRows(t, s)
		assert.Equal(t, []string{entryKey(quiet.Code, 3), entryKey(loud.Code, 1)}, entries)
	})
}

// Two Stores on one database, as two instances have, leasing at once: an
// entry has one leaser while its lease lasts, and leasing and
// acknowledging until nothing is left delivers every event once, in order
// per dossier. On PostgreSQL the leases lock with SKIP LOCKED; on SQLite
// the two Stores' writers take turns at the file's lock.
func TestSharedConformance(t *testing.T) {
	t.Parallel()
	dsns := map[string]func(t *testing.T) string{
		"SQLite":     func(t *testing.T) string { return sqliteDSN(t) },
		"PostgreSQL": func(t *testing.T) string { return postgresSchema(t) },
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			storetest.RunShared(t, func(t *testing.T) []dossier.Store {
				dsn := dsn(t)
				return []dossier.Store{open(t, dsn), open(t, dsn)}
			})
		})
	}
}
