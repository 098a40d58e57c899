package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
)

// BenchmarkSQLiteReceiveOutbox measures what the outbox costs a receipt on
// SQLite: dossier.Service.Receive on two stores side by side, one that
// records its outbox and one with it off (SetOutbox(false)), in rounds of
// 64 receipts that alternate between them (each goes first in every other
// round), so that the machine's drifts weigh on both alike. It reports the
// median time per receipt of each store's rounds, and the median of the
// ratios of the two rounds of each iteration, which a stall of the disk
// or a burst of another process's work in one round cannot move much;
// with one desk and with 16 desks receiving at once (which SQLite commits
// in groups).
//
//	go test -run '^$' -bench SQLiteReceiveOutbox ./dossier/sqlstore/
func BenchmarkSQLiteReceiveOutbox(b *testing.B) {
	for _, desks := range []int{1, writers} {
		b.Run(fmt.Sprintf("%dWriters", desks), func(b *testing.B) {
			on, off := newSQLite(b), newSQLite(b)
			off.SetOutbox(false)
			svcs := [2]*dossier.Service{receiver(b, on), receiver(b, off)}
			var with, without, ratios []float64
			const round = 64 // receipts per store per round
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				var spent [2]time.Duration
				for k := range 2 {
					j := (i + k) % 2
					start := time.Now()
					receiveConcurrently(b, svcs[j], desks, round)
					spent[j] = time.Since(start)
				}
				with = append(with, float64(spent[0].Microseconds())/round)
				without = append(without, float64(spent[1].Microseconds())/round)
				ratios = append(ratios, float64(spent[0])/float64(spent[1]))
			}
			b.ReportMetric(median(with), "µs/receipt")
			b.ReportMetric(median(without), "µs/receipt-no-outbox")
			b.ReportMetric(median(ratios), "ratio")
		})
	}
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// receiver returns a Service on s with the clock of a working day.
func receiver(b *testing.B, s *sqlstore.Store) *dossier.Service {
	svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: catalog(b), Agency: agency,
		Now: func() time.Time { return base.Add(time.Hour) }})
	require.NoError(b, err)
	return svc
}

// receiveConcurrently receives n dossiers through svc from desks
// goroutines.
func receiveConcurrently(b *testing.B, svc *dossier.Service, desks, n int) {
	in := dossier.Intake{Procedure: "1.001193", Applicant: dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "001099000123"},
		Channel: procedure.Direct, ReturnChannel: procedure.Direct, Actor: "một cửa"}
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	for range desks {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if _, err := svc.Receive(context.Background(), in); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkSQLiteSyncer measures delivery from a SQLite store to a fake
// portal on loopback: each round puts 200 dossiers with 1 to 7 events each
// (800 changes) in the store, then portal.Syncer.Drain delivers them with
// portal.HTTPSender in batches of 100 to an httptest server that decodes
// every batch (timed: Drain only). Each change costs the Syncer a Get of
// its dossier; each batch a Lease and an Ack, two commits.
//
//	go test -run '^$' -bench SQLiteSyncer ./dossier/sqlstore/
func BenchmarkSQLiteSyncer(b *testing.B) {
	var taken atomic.Int64
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch []portal.Change
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		taken.Add(int64(len(batch)))
	}))
	defer fake.Close()
	sender, err := portal.NewHTTPSender(portal.HTTPConfig{URL: fake.URL, Token: "token"})
	require.NoError(b, err)
	s := newSQLite(b)
	syncer, err := portal.NewSyncer(portal.Config{Store: s, Catalog: catalog(b), Sender: sender, BatchSize: 100})
	require.NoError(b, err)
	ctx := context.Background()
	var changes int
	var spent time.Duration
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		for j := range 200 {
			d := received(b, agency, j)
			for k := range j % 7 {
				require.NoError(b, d.Apply(transfer(base.Add(time.Duration(300+k)*time.Minute), "A", fmt.Sprintf("B%d", k))))
			}
			require.NoError(b, s.Create(ctx, d))
			changes += d.Version
		}
		b.StartTimer()
		start := time.Now()
		require.NoError(b, syncer.Drain(ctx))
		spent += time.Since(start)
	}
	require.EqualValues(b, changes, taken.Load(), "every change reached the portal once")
	b.ReportMetric(float64(changes)/spent.Seconds(), "changes/s")
}
