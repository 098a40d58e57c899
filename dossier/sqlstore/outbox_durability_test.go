package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
)

// outboxCrashEnv names the database a child process of
// TestSQLiteOutboxSurvivesKill delivers from; set, the test binary is that
// child.
const outboxCrashEnv = "MOTCUA_SQLSTORE_OUTBOX_CRASH_DB"

// childLease is how long the child's leases last: far longer than the
// test, so that what it held when it died is still leased afterwards.
const childLease = time.Hour

// A deliverer dies at any moment (kill -9): when the store is opened again,
// every entry whose acknowledgement returned is gone for good, every entry
// it had not acknowledged is still there, those it held stay leased until
// their lease ends and then come back, and delivery goes on from where it
// stopped, in order per dossier.
func TestSQLiteOutboxSurvivesKill(t *testing.T) {
	if path := os.Getenv(outboxCrashEnv); path != "" {
		outboxCrashChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("starts three processes (one under the race detector)")
	}
	t.Parallel()
	runs := 3
	if raceEnabled {
		runs = 1
	}
	for run := range runs {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			dsn := sqliteDSN(t)
			s := open(t, dsn)
			ctx := context.Background()
			all := map[dossier.Code]int{} // each dossier's events
			var mu sync.Mutex
			var wg sync.WaitGroup
			for w := range writers { // in groups, as desks at once
				wg.Go(func() {
					for i := w; i < 400; i += writers {
						d := received(t, agency, i)
						for j := 1; j <= i%3; j++ {
							require.NoError(t, d.Apply(transfer(base.Add(time.Duration(600+j)*time.Minute), "A", fmt.Sprintf("B%d", j))))
						}
						if err := s.Create(ctx, d); err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						all[d.Code] = d.Version
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			s.Close()

			acked, held := map[string]bool{}, map[string]bool{}
			s = killChild(t, "TestSQLiteOutboxSurvivesKill", outboxCrashEnv, dsn, 300*time.Millisecond, func(line string) {
				switch f := strings.Fields(line); {
				case len(f) == 2 && f[0] == "leased":
					held[f[1]] = true
				case len(f) == 2 && f[0] == "acked":
					acked[f[1]], held[f[1]] = true, false
				}
			})
			// What is left is exactly what was not acknowledged; an entry
			// whose acknowledgement committed but was not printed counts as
			// acknowledged.
			left := map[string]bool{}
			for c := range all {
				entries, err := s.Pending(ctx, c)
				require.NoError(t, err)
				for _, e := range entries {
					left[entryKey(e.Code, e.Event)] = true
				}
			}
			for k := range acked {
				assert.False(t, left[k], "%s was acknowledged, yet it is back", k)
			}
			stillHeld := 0
			for k, h := range held {
				if h && left[k] {
					stillHeld++
				}
			}

			// Now, the entries the child held are still under its lease.
			now := time.Now()
			got, _, err := s.Lease(ctx, now, time.Minute, 10_000)
			require.NoError(t, err)
			for _, e := range got {
				assert.False(t, held[entryKey(e.Code, e.Event)], "%s is leased by the dead child", entryKey(e.Code, e.Event))
			}
			require.NoError(t, s.Release(ctx, got...))

			// Once the lease has ended, everything left is delivered, each
			// event once, in order, after those acknowledged before.
			delivered := map[dossier.Code][]int{}
			for c := range all {
				for n := 1; n <= all[c]; n++ {
					if acked[entryKey(c, n)] || !left[entryKey(c, n)] {
						delivered[c] = append(delivered[c], n)
					}
				}
			}
			for {
				got, _, err := s.Lease(ctx, now.Add(2*childLease), time.Minute, 1000)
				require.NoError(t, err)
				if len(got) == 0 {
					break
				}
				for _, e := range got {
					delivered[e.Code] = append(delivered[e.Code], e.Event)
				}
				require.NoError(t, s.Ack(ctx, got...))
			}
			for c, events := range all {
				want := make([]int, events)
				for i := range want {
					want[i] = i + 1
				}
				assert.Equal(t, want, delivered[c], "%s", c)
			}
			t.Logf("%d entries acknowledged before the kill, %d held by the child", len(acked), stillHeld)
		})
	}
}

// outboxCrashChild delivers the outbox of the database until it is
// killed: it leases a few entries, says which, sends them (it sleeps a
// millisecond), acknowledges them and says so once Ack has returned.
func outboxCrashChild(t *testing.T, dsn string) {
	s := open(t, dsn)
	ctx := context.Background()
	w := bufio.NewWriter(os.Stdout)
	for end := time.Now().Add(time.Minute); time.Now().Before(end); {
		got, _, err := s.Lease(ctx, time.Now(), childLease, 1+rand.IntN(8))
		require.NoError(t, err)
		for _, e := range got {
			fmt.Fprintf(w, "leased %s\n", entryKey(e.Code, e.Event))
		}
		w.Flush()
		if len(got) == 0 {
			break
		}
		time.Sleep(time.Millisecond) // the time it takes to send them
		require.NoError(t, s.Ack(ctx, got...))
		for _, e := range got {
			fmt.Fprintf(w, "acked %s\n", entryKey(e.Code, e.Event))
		}
		w.Flush()
	}
	io.WriteString(os.Stderr, "outbox crash child: never killed\n")
	os.Exit(3)
}
