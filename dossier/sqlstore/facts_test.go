package sqlstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// Packed facts read back as they were, every time to the microsecond,
// at the ends of the storable years too.
func TestPackFacts(t *testing.T) {
	t.Parallel()
	reg := time.Date(2025, 3, 3, 8, 0, 0, 123456000, sla.ICT)
	full := dossier.Facts{
		Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 3, Day: 3}, Seq: 123456789}, Procedure: "1.001193.H26",
		ProcedureVersion: sla.Date{Year: 2024, Month: 7, Day: 1}, Channel: procedure.Online, ReturnChannel: procedure.Postal,
		RegisteredAt: reg, ReceivedAt: reg.Add(time.Hour + time.Microsecond), LegalDue: reg.Add(21 * 24 * time.Hour),
		FinishedAt: reg.Add(-time.Microsecond), ReturnedAt: reg.Add(30 * 24 * time.Hour), PausedSince: reg.Add(time.Minute),
		Outcome: dossier.Resolved, Supplements: 3,
	}
	tests := []struct {
		name string
		f    dossier.Facts
	}{
		{"every fact", full},
		{"only registered", dossier.Facts{Code: full.Code, RegisteredAt: reg}},
		{"in 1900 and 2199", dossier.Facts{Code: full.Code, RegisteredAt: time.Date(1900, 1, 1, 0, 0, 0, 0, sla.ICT),
			LegalDue: time.Date(2199, 12, 31, 23, 59, 59, 999999000, sla.ICT)}},
		{"backwards across 300 years", dossier.Facts{Code: full.Code, RegisteredAt: time.Date(2199, 12, 31, 23, 59, 59, 999999000, sla.ICT),
			FinishedAt: time.Date(1900, 1, 1, 0, 0, 0, 0, sla.ICT)}},
	}
	for _, tt := range tests {
		var strs interner
		got, err := unpackFacts(packFacts(tt.f), &strs)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.f, got, tt.name)
	}
}

// A damaged column is an error, never a panic nor wrong facts.
func TestUnpackFactsDamaged(t *testing.T) {
	t.Parallel()
	b := packFacts(dossier.Facts{Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 3, Day: 3}, Seq: 1},
		Procedure: "1.001193", RegisteredAt: time.Now()})
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"another format", append([]byte{9}, b[1:]...)},
		{"cut short", b[:len(b)-1]},
		{"cut in a string", b[:5]},
		{"a byte too many", append(b, 0)},
		{"a string longer than the rest", []byte{factsFormat, 0x7f, 'a'}},
	}
	for _, tt := range tests {
		var strs interner
		_, err := unpackFacts(tt.b, &strs)
		assert.ErrorIs(t, err, errFacts, tt.name)
	}
}

func FuzzUnpackFacts(f *testing.F) {
	f.Add(packFacts(dossier.Facts{Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 3, Day: 3}, Seq: 1}, RegisteredAt: time.Now()}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var strs interner
		if got, err := unpackFacts(b, &strs); err == nil {
			again, err := unpackFacts(packFacts(got), &strs)
			require.NoError(t, err)
			assert.Equal(t, factsUTC(got), factsUTC(again))
		}
	})
}

// BenchmarkSQLiteListFacts1M reads the facts of a year of a province: a
// million dossiers, written into the database by bulk inserts rather than
// through the Service. The file is kept in the OS's temporary folder for
// the next run.
func BenchmarkSQLiteListFacts1M(b *testing.B) {
	const n = 1_000_000
	s := factsDB(b, factsCache(), n)
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT), time.Date(2026, 1, 1, 0, 0, 0, 0, sla.ICT)
	b.ReportAllocs()
	for b.Loop() {
		k, overdue := 0, 0
		for f, err := range s.ListFacts(context.Background(), from, to) {
			if err != nil {
				b.Fatal(err)
			}
			k++
			if f.FinishedAt.IsZero() && f.OverdueAt(to) {
				overdue++
			}
		}
		if k != n {
			b.Fatalf("listed %d facts, want %d", k, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "facts/s")
}

// factsCache is where the benchmarks keep their million dossiers between
// runs, named by the facts' format so that a file of an older one is not
// read.
func factsCache() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("motcua-sqlstore-facts-1m-format%d.db", factsFormat))
}

// factsDB opens the database at path, made with n dossiers of 2025 if it
// does not hold them yet: dossiers received every 31.5 s at five
// agencies, with 300 procedures and a limit of about three weeks, nine in
// ten finished, one in ten of those late, one in twenty paused now.
func factsDB(b *testing.B, path string, n int) *Store {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+path)
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	require.NoError(b, s.Migrate(ctx))
	var (
		have   int
		sample []byte
	)
	require.NoError(b, s.db.QueryRow(`SELECT count(*), max(facts) FROM dossiers`).Scan(&have, &sample))
	var strs interner
	if _, err := unpackFacts(sample, &strs); have == n && err == nil {
		return s
	}
	if have != 0 { // another run's file, or another format's: make it again
		require.NoError(b, s.Close())
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		if s, err = Open(ctx, "sqlite:"+path); err == nil {
			err = s.Migrate(ctx)
		}
		require.NoError(b, err)
		b.Cleanup(func() { s.Close() })
	}
	start := time.Now()
	tx, err := s.db.Begin()
	require.NoError(b, err)
	const rows = 400 // per INSERT, under SQLite's 32766 parameters
	query := `INSERT INTO dossiers (id, code, agency, day, seq, procedure_code, applicant, channel, return_channel,
		submitted_at, registered_at, ` + factColumns + `) VALUES ` + s.valuesList(rows, 23)
	st, err := tx.Prepare(query)
	require.NoError(b, err)
	r := rand.New(rand.NewPCG(1, 2))
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT)
	args := make([]any, 0, rows*23)
	for i := range n {
		reg := year.Add(time.Duration(i) * 31500 * time.Millisecond).Add(time.Duration(r.IntN(1e6)) * time.Microsecond)
		f := dossier.Facts{
			Code:      dossier.Code{Agency: fmt.Sprintf("000.00.%02d.H26", i%5+1), Date: sla.DateOf(reg), Seq: i/5 + 1},
			Procedure: fmt.Sprintf("1.00%04d", r.IntN(300)), ProcedureVersion: sla.Date{Year: 2024, Month: 7, Day: 1},
			Channel: procedure.Channel(1 + r.IntN(3)), ReturnChannel: procedure.Channel(1 + r.IntN(3)),
			RegisteredAt: reg, ReceivedAt: reg, LegalDue: reg.Add(21 * 24 * time.Hour),
		}
		status := dossier.InProgress
		switch {
		case i%20 == 0:
			f.PausedSince, status = reg.Add(24*time.Hour), dossier.AwaitingSupplement
			f.Supplements = 1
		case i%10 == 5:
		case i%10 == 1:
			f.FinishedAt, f.ReturnedAt, f.Outcome, status = reg.Add(25*24*time.Hour), reg.Add(26*24*time.Hour), dossier.Resolved, dossier.Returned
		default:
			f.FinishedAt, f.ReturnedAt, f.Outcome, status = reg.Add(10*24*time.Hour), reg.Add(11*24*time.Hour), dossier.Resolved, dossier.Returned
		}
		args = append(args, uuid.Must(uuid.NewV7()), f.Code.String(), f.Code.Agency, f.Code.Date.String(), f.Code.Seq, f.Procedure,
			`{"name":"Nguyễn Văn An"}`, int64(f.Channel), int64(f.ReturnChannel), s.timeArg(reg), s.timeArg(reg),
			dateArg(f.ProcedureVersion), s.timeArg(f.ReceivedAt), s.timeArg(f.LegalDue), s.timeArg(f.LegalDue),
			s.timeArg(f.FinishedAt), s.timeArg(f.ReturnedAt), s.timeArg(f.PausedSince), int64(f.Outcome), f.Supplements,
			packFacts(f), int64(status), 4)
		if len(args) == cap(args) {
			_, err := st.Exec(args...)
			require.NoError(b, err)
			args = args[:0]
		}
	}
	require.Empty(b, args, "n is a multiple of rows")
	require.NoError(b, st.Close())
	require.NoError(b, tx.Commit())
	b.Logf("made %d dossiers in %s at %s", n, time.Since(start).Round(time.Millisecond), path)
	return s
}
