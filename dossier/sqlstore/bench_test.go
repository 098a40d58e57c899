package sqlstore_test

import (
	"context"
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
//	go test -run '^$' -bench . ./dossier/sqlstore/
//
// MOTCUA_BENCH_SQLITE_QUERY adds parameters to the SQLite DSN, to compare
// settings: "?_pragma=synchronous(NORMAL)" measures without a sync per
// commit.

func BenchmarkSQLite(b *testing.B) { benchStore(b, newSQLite, 1) }

// PostgreSQL is measured with 8 writers, as a provincial centre's
// instances write at once.
func BenchmarkPostgres(b *testing.B) {
	postgresDSN(b)
	benchStore(b, newPostgres, 8)
}

func benchStore(b *testing.B, newStore func(testing.TB) *sqlstore.Store, writers int) {
	ctx := context.Background()
	b.Run("Create", func(b *testing.B) {
		s := newStore(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := s.Create(ctx, full(i+1, i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Receive", func(b *testing.B) {
		// The desk's path: draw a code, then Create, from writers
		// goroutines at once.
		s := newStore(b)
		svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: catalog(b), Agency: agency})
		require.NoError(b, err)
		in := dossier.Intake{Procedure: "1.001193", Channel: procedure.Direct, Applicant: dossier.Applicant{Name: "Phạm Thị Dung"}, Actor: "một cửa"}
		b.ReportAllocs()
		var next atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		for range writers {
			wg.Go(func() {
				for next.Add(1) <= int64(b.N) {
					if _, err := svc.Receive(ctx, in); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
	})
	b.Run("Get", func(b *testing.B) {
		s := newStore(b)
		d := full(1, 0)
		require.NoError(b, s.Create(ctx, d))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Get(ctx, d.Code); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Update", func(b *testing.B) {
		// One new event per write, as every Service action makes.
		s := newStore(b)
		d := full(1, 0)
		require.NoError(b, s.Create(ctx, d))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			d.Events = append(d.Events, dossier.Event{At: base.Add(time.Duration(i) * time.Second), Kind: dossier.KindTransfer, Actor: "cán bộ", From: dossier.InProgress, To: dossier.InProgress})
			if err := s.Update(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NextSequence", func(b *testing.B) {
		s := newStore(b)
		day := sla.DateOf(base)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.NextSequence(ctx, agency, day); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("List10000", func(b *testing.B) {
		// A month of a busy district desk, every dossier with three events.
		s := newStore(b)
		const n = 10000
		for i := range n {
			require.NoError(b, s.Create(ctx, full(i+1, i*4)))
		}
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

// full returns a dossier with every field set, received minutes after base,
// with three events, as the desk's dossiers have when they are created.
func full(seq, minutes int) *dossier.Dossier {
	received := base.Add(time.Duration(minutes) * time.Minute)
	due := received.Add(72 * time.Hour)
	return &dossier.Dossier{
		ID:               uuid.Must(uuid.NewV7()),
		Code:             dossier.Code{Agency: agency, Date: sla.DateOf(received), Seq: seq},
		Procedure:        "1.001193",
		ProcedureVersion: sla.Date{Year: 2024, Month: time.July, Day: 1},
		Limit:            sla.WorkingDays(3),
		Regime:           procedure.RestartClock,
		Applicant: dossier.Applicant{
			Name: "Nguyễn Văn An", IDNumber: "001099000123", Phone: "0912345678",
			Email: "an@example.vn", Address: "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội",
		},
		Channel:       procedure.Online,
		ReturnChannel: procedure.Postal,
		SubmittedAt:   received.Add(-time.Hour),
		ReceivedAt:    received,
		Due:           due,
		OriginalDue:   due,
		Pauses:        []sla.Interval{{Start: received.Add(time.Hour), End: received.Add(3 * time.Hour)}},
		Handovers: []dossier.Handover{
			{Step: "Thẩm định", From: "Một cửa", To: "Phòng Tư pháp", At: received, Due: received.Add(8 * time.Hour), Done: received.Add(2 * time.Hour), Timeliness: sla.Early},
			{Step: "Phê duyệt", From: "Phòng Tư pháp", To: "Lãnh đạo UBND", At: received.Add(2 * time.Hour)},
		},
		Status: dossier.InProgress,
		Events: []dossier.Event{
			{At: received.Add(-time.Hour), Kind: dossier.KindSubmit, Actor: "công dân", To: dossier.Submitted},
			{At: received, Kind: dossier.KindReceive, Actor: "cán bộ A", From: dossier.Submitted, To: dossier.Received},
			{At: received.Add(2 * time.Hour), Kind: dossier.KindTransfer, Actor: "cán bộ A", From: dossier.Received, To: dossier.InProgress, Note: "Phòng Tư pháp"},
		},
	}
}
