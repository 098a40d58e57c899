package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// One SQLite transaction commits a batch; when a request fails after
// writing, the batch runs again one request at a time, and the one that
// failed gets its own error and the others are committed.
func TestCommitIsolatesFailures(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "b.db"))
	require.NoError(t, err)
	defer s.Close()
	_, err = s.db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)`)
	require.NoError(t, err)
	boom := errors.New("boom")
	insert := func(text string, fail error) *request {
		return &request{done: make(chan struct{}), run: func(ctx context.Context, tx *txn) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notes (text) VALUES ($1)`, text); err != nil {
				return err
			}
			return fail
		}}
	}
	gaveUp := insert("given up", nil)
	gaveUp.state.Store(abandoned)
	batch := []*request{
		insert("a", nil),
		insert("b", boom), // wrote, then failed
		insert("a", nil),  // a constraint error
		gaveUp,            // its caller left while it was queued
		insert("c", nil),
	}
	s.commit(batch, nil)
	for i, want := range []error{nil, boom, nil, nil, nil} {
		if i == 3 {
			continue
		}
		<-batch[i].done
		if want != nil {
			assert.ErrorIs(t, batch[i].err, want, "request %d", i)
		} else if i != 2 {
			assert.NoError(t, batch[i].err, "request %d", i)
		}
	}
	assert.ErrorContains(t, batch[2].err, "UNIQUE", "the duplicate")
	select {
	case <-gaveUp.done:
		t.Error("an abandoned request ran")
	default:
	}
	var texts []string
	rows, err := s.db.Query(`SELECT text FROM notes ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var x string
		require.NoError(t, rows.Scan(&x))
		texts = append(texts, x)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"a", "c"}, texts, "only the requests that succeeded")
}

// Concurrent writers commit together: the writer takes what was queued
// while it committed the previous batch.
func TestWritesCommitInGroups(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "g.db"))
	require.NoError(t, err)
	defer s.Close()
	var (
		mu  sync.Mutex
		txs = map[*sql.Tx]int{}
	)
	record := func(_ context.Context, tx *txn) error {
		mu.Lock()
		defer mu.Unlock()
		txs[tx.Tx]++
		return nil
	}
	// A first write holds the writer while the others queue.
	running, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.writeTx(context.Background(), func(ctx context.Context, tx *txn) error {
			close(running)
			<-release
			return record(ctx, tx)
		})
	}()
	<-running
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	const n = 20
	errs := make(chan error, n)
	for range n {
		go func() { errs <- s.writeTx(context.Background(), record) }()
	}
	require.Eventually(t, func() bool { return len(s.reqs) == n }, 5*time.Second, time.Millisecond, "queued")
	close(release)
	require.NoError(t, <-first)
	for range n {
		require.NoError(t, <-errs)
	}
	counts := []int{}
	for _, k := range txs {
		counts = append(counts, k)
	}
	assert.ElementsMatch(t, []int{1, n}, counts, "the first write, then the %d queued behind it in one transaction", n)
}

// The cache keeps the later version of a dossier, forgets a stale one on
// demand, and stays within its bound, the least recently used going first.
func TestCache(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 3, 8, 0, 0, 0, sla.ICT)
	dossierWith := func(seq, events int) *dossier.Dossier {
		d := &dossier.Dossier{Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(at), Seq: seq}}
		due := at.Add(time.Hour)
		require.NoError(t, d.Apply(dossier.Event{At: at, Kind: dossier.KindReceive, Actor: "A", Due: due, LegalDue: due, Limit: sla.WorkingHours(1)}))
		for len(d.Events) < events {
			require.NoError(t, d.Apply(dossier.Event{At: at, Kind: dossier.KindReschedule, Actor: "A", Reason: "hẹn lại", Due: d.Due().Add(time.Microsecond)}))
		}
		return d
	}
	var c cache
	v3 := dossierWith(1, 3)
	c.put(v3)
	c.put(dossierWith(1, 2))
	assert.Same(t, v3, c.get(v3.Code), "an earlier version does not replace a later one")
	c.drop(v3.Code, 2)
	assert.NotNil(t, c.get(v3.Code), "drop at another version keeps it")
	c.drop(v3.Code, 3)
	assert.Nil(t, c.get(v3.Code))

	// Fill past the bound with dossiers of 999 events (1000 with the entry).
	first := dossierWith(1, 999)
	c.put(first)
	for i := 2; i <= cacheEvents/1000+1; i++ {
		c.get(first.Code) // keep the first in use
		c.put(dossierWith(i, 999))
	}
	assert.LessOrEqual(t, c.events, cacheEvents)
	assert.NotNil(t, c.get(first.Code), "the most recently used stays")
	assert.Nil(t, c.get(dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(at), Seq: 2}), "the least recently used went")
	assert.Equal(t, len(c.byCode), c.lru.Len())
}

// Another process holding SQLite's write lock for longer than the busy
// timeout delays a write, which waits for as long as its caller does,
// rather than failing it.
func TestWriteWaitsForBusyDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		open    func(t *testing.T, path string) *Store
		timeout time.Duration // of the write's context, 0 for none
		close   bool          // the store closes while the write waits
		want    error
	}{
		{name: "lock released", open: openBusy},
		{name: "deferred transactions", open: func(t *testing.T, path string) *Store {
			// New on a pool without Open's BEGIN IMMEDIATE: the insert,
			// not the BEGIN, finds the database locked.
			db, err := sql.Open("sqlite", "file:"+path+"?"+shortBusyTimeout+"&_pragma=journal_mode(WAL)")
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			s, err := New(db, SQLite)
			require.NoError(t, err)
			return s
		}},
		{name: "caller gives up", open: openBusy, timeout: 100 * time.Millisecond, want: context.DeadlineExceeded},
		{name: "caller gives up during a statement", open: func(t *testing.T, path string) *Store {
			// The insert waits 200 ms for the lock, the caller 100 ms: it
			// gives up while the writer holds its request.
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(200)&_pragma=journal_mode(WAL)")
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			s, err := New(db, SQLite)
			require.NoError(t, err)
			return s
		}, timeout: 100 * time.Millisecond, want: context.DeadlineExceeded},
		{name: "store closes", open: openBusy, close: true, want: ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "busy.db")
			other, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
			require.NoError(t, err)
			defer other.Close()
			_, err = other.Exec(`CREATE TABLE notes (text TEXT NOT NULL)`)
			require.NoError(t, err)
			s := tt.open(t, path)
			defer s.Close()

			ctx := context.Background()
			lock, err := other.Conn(ctx)
			require.NoError(t, err)
			defer lock.Close()
			_, err = lock.ExecContext(ctx, `BEGIN IMMEDIATE`)
			require.NoError(t, err)
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			done := make(chan error, 1)
			go func() {
				done <- s.writeTx(ctx, func(ctx context.Context, tx *txn) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO notes (text) VALUES ('a')`)
					return err
				})
			}()
			time.Sleep(300 * time.Millisecond) // thirty busy timeouts
			if tt.close {
				require.NoError(t, s.Close())
			}
			_, err = lock.ExecContext(context.Background(), `COMMIT`)
			require.NoError(t, err)
			err = <-done
			written := 1
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
				written = 0
			} else {
				assert.NoError(t, err)
			}
			s.Close()
			var n int
			require.NoError(t, other.QueryRow(`SELECT count(*) FROM notes`).Scan(&n))
			assert.Equal(t, written, n)
		})
	}
}

// shortBusyTimeout makes SQLite give up waiting for a lock after 10 ms.
const shortBusyTimeout = "_pragma=busy_timeout(10)"

// openBusy opens the SQLite file at path with shortBusyTimeout.
func openBusy(t *testing.T, path string) *Store {
	s, err := Open(context.Background(), "sqlite:"+path+"?"+shortBusyTimeout)
	require.NoError(t, err)
	return s
}

// A statement prepared while a transaction holds the pool's only
// connection does not stop the transaction from looking up its own.
func TestPrepareWhileInTransaction(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "p.db")+"?_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	s, err := New(db, SQLite)
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	prepared := make(chan error, 1)
	go func() {
		_, err := s.prepared(ctx, `SELECT 1`)
		prepared <- err
	}()
	require.Eventually(t, func() bool { return db.Stats().WaitCount > 0 }, 5*time.Second, time.Millisecond, "waiting for the connection")
	looked := make(chan struct{})
	go func() {
		s.inTxStmt(ctx, tx, `SELECT 2`)
		close(looked)
	}()
	select {
	case <-looked:
	case <-time.After(5 * time.Second):
		t.Error("the transaction waited for a statement prepared outside it")
	}
	require.NoError(t, tx.Commit())
	require.NoError(t, <-prepared)
}
