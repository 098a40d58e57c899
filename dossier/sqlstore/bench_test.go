package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// The benchmarks run each operation on a fresh database: SQLite in a
// temporary file (with synchronous FULL, so every commit reaches the disk),
// PostgreSQL on the server of MOTCUA_TEST_POSTGRES.
//
//	go test -run '^$' -bench . -benchmem ./dossier/sqlstore/
//
// MOTCUA_BENCH_SQLITE_QUERY adds parameters to the SQLite DSN, to compare
// settings: "?_pragma=synchronous(NORMAL)" measures without a sync per
// commit.

func BenchmarkSQLite(b *testing.B) { benchStore(b, newSQLite) }

func BenchmarkPostgres(b *testing.B) {
	postgresDSN(b)
	benchStore(b, newPostgres)
}

// writers is how many goroutines write at once in the concurrent
// benchmarks: the officers of a busy centre's desks.
const writers = 16

func benchStore(b *testing.B, newStore func(testing.TB) *sqlstore.Store) {
	ctx := context.Background()
	b.Run("Create", func(b *testing.B) {
		s := newStore(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := s.Create(ctx, full(b, i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("Create%dWriters", writers), func(b *testing.B) {
		// Receipts at 16 desks at once: SQLite commits them in groups.
		s := newStore(b)
		b.ReportAllocs()
		createConcurrently(b, s, b.N)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
	})
	b.Run("Get", func(b *testing.B) {
		s := newStore(b)
		d := full(b, 0)
		require.NoError(b, s.Create(ctx, d))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Get(ctx, d.Code); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, size := range []int{10, 1000} {
		b.Run(fmt.Sprintf("Append%d", size), func(b *testing.B) { benchAppend(b, newStore(b), size) })
	}
	b.Run("List10000", func(b *testing.B) {
		// A month of a busy district desk, every dossier with three events.
		s := newStore(b)
		const n = 10000
		createConcurrently(b, s, n)
		b.ReportAllocs()
		var listed atomic.Int64
		for b.Loop() {
			k := 0
			for _, err := range s.List(ctx, dossier.Filter{ReceivedFrom: base, ReceivedTo: base.AddDate(0, 1, 0)}) {
				if err != nil {
					b.Fatal(err)
				}
				k++
			}
			if k != n {
				b.Fatalf("listed %d, want %d", k, n)
			}
			listed.Add(int64(k))
		}
		b.ReportMetric(float64(listed.Load())/b.Elapsed().Seconds(), "dossiers/s")
	})
}

// createConcurrently creates n dossiers from writers goroutines.
func createConcurrently(b *testing.B, s *sqlstore.Store, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				if err := s.Create(context.Background(), full(b, int(i))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// benchAppend appends one event per operation, as every Service action
// does, to dossiers of about size events: each dossier takes each appends
// at most, so that the histories stay between size−each and size long (10
// to 20 for size 10), and the dossiers fit in the store's cache, as the
// one an officer has just read does. The events are new appointments,
// which add no row to the control slip: a history of a thousand
// transfers would also measure dossier.Apply copying the control slip.
func benchAppend(b *testing.B, s *sqlstore.Store, size int) {
	ctx := context.Background()
	each := max(10, size/10)
	if size < 2*each {
		size = 2 * each
	}
	reschedule := func(d *dossier.Dossier) dossier.Event {
		return dossier.Event{At: d.Events[len(d.Events)-1].At.Add(time.Second), Kind: dossier.KindReschedule, Actor: "cán bộ",
			Reason: "Chờ ý kiến của Sở", Due: d.Due().Add(time.Minute)}
	}
	pool := make([]*dossier.Dossier, (b.N+each-1)/each)
	for i := range pool {
		d := full(b, i)
		for len(d.Events) < size-each {
			require.NoError(b, d.Apply(reschedule(d)))
		}
		require.NoError(b, s.Create(ctx, d))
		pool[i] = d
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		d := pool[i%len(pool)]
		next, err := s.Append(ctx, d.Code, d.Version, reschedule(d))
		if err != nil {
			b.Fatal(err)
		}
		pool[i%len(pool)] = next
	}
}

// full returns a dossier for Create with every registration fact set,
// filed online minutes after base, accepted an hour later and handed to
// the next step: the three events of a desk's dossier when it is created.
func full(t testing.TB, minutes int) *dossier.Dossier {
	t.Helper()
	submitted := base.Add(time.Duration(minutes) * time.Minute)
	received := submitted.Add(time.Hour)
	due := received.Add(72 * time.Hour)
	d := &dossier.Dossier{
		ID:        uuid.Must(uuid.NewV7()),
		Code:      dossier.Code{Agency: agency, Date: sla.DateOf(submitted)},
		Procedure: "1.001193",
		Applicant: dossier.Applicant{
			Name: "Nguyễn Văn An", IDNumber: "001099000123", Phone: "0912345678",
			Email: "an@example.vn", Address: "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội",
		},
		Channel:       procedure.Online,
		ReturnChannel: procedure.Postal,
		SubmittedAt:   submitted,
	}
	version := sla.Date{Year: 2024, Month: time.July, Day: 1}
	for _, e := range []dossier.Event{
		{At: submitted, Kind: dossier.KindSubmit, Actor: "công dân", ProcedureVersion: version, Limit: sla.WorkingDays(3), Regime: procedure.RestartClock},
		{At: received, Kind: dossier.KindReceive, Actor: "cán bộ A", ProcedureVersion: version, Limit: sla.WorkingDays(3), Regime: procedure.RestartClock,
			Step: "Tiếp nhận hồ sơ", StepDue: received.Add(2 * time.Hour), Due: due, LegalDue: due},
		{At: received.Add(2 * time.Hour), Kind: dossier.KindTransfer, Actor: "cán bộ A", Receiver: "Phòng Tư pháp", Step: "Thẩm định hồ sơ", StepDue: received.Add(10 * time.Hour)},
	} {
		require.NoError(t, d.Apply(e))
	}
	return d
}
