package sqlstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
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
	var all []byte
	for _, tt := range tests {
		got, err := unpackSingle(packFacts(tt.f))
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.f, got, tt.name)
		all = append(all, packFacts(tt.f)...)
	}
	// End to end, as ListFacts reads them gathered.
	var got []dossier.Facts
	var strs interner
	require.NoError(t, unpackFacts(all, len(tests), &strs, func(f dossier.Facts) bool { got = append(got, f); return true }))
	require.Len(t, got, len(tests))
	for i, tt := range tests {
		assert.Equal(t, tt.f, got[i], tt.name)
	}
	got = got[:0]
	require.NoError(t, unpackFacts(all, len(tests), &strs, func(f dossier.Facts) bool { got = append(got, f); return false }))
	assert.Len(t, got, 1, "stops when f returns false")
}

// unpackSingle reads b as the packed facts of one dossier.
func unpackSingle(b []byte) (dossier.Facts, error) {
	var (
		got  dossier.Facts
		strs interner
	)
	err := unpackFacts(b, 1, &strs, func(f dossier.Facts) bool { got = f; return true })
	return got, err
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
		_, err := unpackSingle(tt.b)
		assert.ErrorIs(t, err, errFacts, tt.name)
	}
	var strs interner
	assert.ErrorIs(t, unpackFacts(append(b, b...), 3, &strs, func(dossier.Facts) bool { return true }), errFacts,
		"fewer facts than said")
	assert.ErrorIs(t, unpackFacts(append(b, b...), 1, &strs, func(dossier.Facts) bool { return true }), errFacts,
		"more facts than said")
}

func FuzzUnpackFacts(f *testing.F) {
	f.Add(packFacts(dossier.Facts{Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 3, Day: 3}, Seq: 1}, RegisteredAt: time.Now()}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, err := unpackSingle(b); err == nil {
			again, err := unpackSingle(packFacts(got))
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
	s := factsDB(b, SQLite, n)
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
// runs, named by the facts' format and by factsData, so that a database
// of another format or data set is not read: a file in the OS's
// temporary folder for SQLite, a schema of MOTCUA_TEST_POSTGRES's
// database for PostgreSQL.
func factsCache(d Dialect) string {
	if d == PostgreSQL {
		return fmt.Sprintf("motcua_bench_facts_1m_format%d_data%d", factsFormat, factsData)
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("motcua-sqlstore-facts-1m-format%d-data%d.db", factsFormat, factsData))
}

// factsData numbers the data set that factsDB makes.
const factsData = 2

// Steps of the control slip of every procedure of the benchmarks'
// catalogue (factsCatalog): the one planted slow is second.
var factsSteps = []procedure.Step{
	{Name: "Tiếp nhận hồ sơ", Duration: sla.WorkingHours(4)},
	{Name: "Thẩm định hồ sơ", Duration: sla.WorkingDays(3)},
	{Name: "Phê duyệt kết quả", Duration: sla.WorkingDays(1)},
}

// factsProcedures is how many procedures the benchmarks' dossiers use.
const factsProcedures = 300

// factsCatalog returns the catalogue of factsDB's dossiers: 300
// procedures of 5 working days in three fields, with factsSteps.
func factsCatalog(b *testing.B) *procedure.Catalog {
	var ps []procedure.Procedure
	for i := range factsProcedures {
		ps = append(ps, procedure.Procedure{
			Code: fmt.Sprintf("1.00%04d", i), Name: fmt.Sprintf("Thủ tục số %d", i), Level: procedure.Commune,
			Field:    procedure.Field{Code: fmt.Sprintf("F%d", i%3), Name: []string{"Hộ tịch", "Đất đai", "Xây dựng"}[i%3]},
			Duration: sla.WorkingDays(5), Channels: []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal},
			OnlineLevel: procedure.Full, Steps: factsSteps,
		})
	}
	cat, err := procedure.NewCatalog(ps...)
	require.NoError(b, err)
	return cat
}

// factsDossier returns the i-th dossier of factsDB, received 31.5 s after
// the one before it from 1 January 2025, built with dossier.Apply. Five
// agencies take turns; the procedure and the channels are drawn from r.
// Nine in ten are resolved, after 2 working hours at the first step, 16
// at the second and 2 at the last, of 40 in all. Every thirtieth spends
// 44 hours at the second step (limit 24) and is late; every 150th waits a
// working day for a supplement first; every twentieth of the open ones
// waits for one now.
func factsDossier(cal *sla.Calendar, r *rand.Rand, i int) *dossier.Dossier {
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, sla.ICT)
	at := year.Add(time.Duration(i) * 31500 * time.Millisecond).Add(time.Duration(r.IntN(1e6)) * time.Microsecond)
	after := func(t time.Time, d sla.Duration, pauses ...sla.Interval) time.Time {
		due, err := cal.Due(t, d, pauses...)
		if err != nil {
			panic(err) // the calendar has every year of 2025–2026
		}
		return due
	}
	hours, limit := sla.WorkingHours, sla.WorkingDays(5)
	d := &dossier.Dossier{
		ID: uuid.Must(uuid.NewV7()), Code: dossier.Code{Agency: fmt.Sprintf("000.00.%02d.H26", i%5+1), Date: sla.DateOf(at), Seq: i/5 + 1},
		Procedure: fmt.Sprintf("1.00%04d", r.IntN(factsProcedures)), Applicant: dossier.Applicant{Name: "Nguyễn Văn An"},
		Channel: procedure.Channel(1 + r.IntN(3)), ReturnChannel: procedure.Channel(1 + r.IntN(3)), SubmittedAt: at,
	}
	due := after(at, limit)
	t1 := after(at, hours(2))
	ev := []dossier.Event{
		{At: at, Kind: dossier.KindReceive, Actor: "một cửa", Due: due, LegalDue: due, Limit: limit,
			ProcedureVersion: sla.Date{Year: 2024, Month: time.July, Day: 1}, Step: factsSteps[0].Name, StepDue: after(at, factsSteps[0].Duration)},
		{At: t1, Kind: dossier.KindTransfer, Actor: "một cửa", Receiver: "chuyên viên", Step: factsSteps[1].Name, StepDue: after(t1, factsSteps[1].Duration)},
	}
	from := t1
	if i%150 == 2 {
		back := after(t1, hours(8))
		pause := sla.Interval{Start: t1, End: back}
		legal := after(at, limit, pause)
		ev = append(ev,
			dossier.Event{At: t1, Kind: dossier.KindRequestSupplement, Actor: "chuyên viên", Reason: "Thiếu bản vẽ"},
			dossier.Event{At: back, Kind: dossier.KindSupplement, Actor: "một cửa", Due: legal, LegalDue: legal,
				StepDue: after(t1, factsSteps[1].Duration, pause)})
		from = back
	}
	work := 16
	if i%30 == 0 {
		work = 44
	}
	t2 := after(from, hours(work))
	ev = append(ev, dossier.Event{At: t2, Kind: dossier.KindTransfer, Actor: "chuyên viên", Receiver: "lãnh đạo",
		Step: factsSteps[2].Name, StepDue: after(t2, factsSteps[2].Duration)})
	switch {
	case i%10 != 9:
		ev = append(ev, dossier.Event{At: after(t2, hours(2)), Kind: dossier.KindResolve, Actor: "lãnh đạo"})
	case i%20 == 19:
		ev = append(ev, dossier.Event{At: t2, Kind: dossier.KindRequestSupplement, Actor: "lãnh đạo", Reason: "Thiếu giấy tờ"})
	}
	for _, e := range ev {
		if err := d.Apply(e); err != nil {
			panic(err) // the events above are valid
		}
	}
	return d
}

// factsDB opens the benchmarks' database of dialect d (see factsCache),
// made with n dossiers of factsDossier if it does not hold them yet: the
// rows by inserts of 400, and the events of those that the analyses read
// in full (the late, and those that paused), the only ones the
// benchmarks Get; the other rows have no events. PostgreSQL's skips
// without MOTCUA_TEST_POSTGRES.
func factsDB(b *testing.B, d Dialect, n int) *Store {
	ctx := context.Background()
	open, reset := factsSQLite(b)
	if d == PostgreSQL {
		open, reset = factsPostgres(b)
	}
	s := open()
	var (
		have   int
		sample []byte
	)
	require.NoError(b, s.db.QueryRow(`SELECT count(*), (SELECT facts FROM dossiers LIMIT 1) FROM dossiers`).Scan(&have, &sample))
	if _, err := unpackSingle(sample); have == n && err == nil {
		return s
	}
	if have != 0 { // another run's database, or another format's: make it again
		require.NoError(b, s.Close())
		reset()
		s = open()
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
	cal := sla.Default()
	args := make([]any, 0, rows*23)
	var events [][]any
	for i := range n {
		row, err := s.newRow(factsDossier(cal, r, i), 0)
		require.NoError(b, err)
		args = append(args, s.createArgs(row)...)
		if f := row.d.Facts(); f.Pauses > 0 || f.Outcome == dossier.Resolved && f.FinishedAt.After(f.LegalDue) {
			events = append(events, row.events...)
		}
		if len(args) == cap(args) {
			_, err := st.Exec(args...)
			require.NoError(b, err)
			args = args[:0]
			_, err = s.insertRows(ctx, tx, tables[eventTable], events)
			require.NoError(b, err)
			events = events[:0]
		}
	}
	require.Empty(b, args, "n is a multiple of rows")
	require.NoError(b, st.Close())
	require.NoError(b, tx.Commit())
	if d == PostgreSQL {
		// What autovacuum does in time: the statistics, and the
		// visibility map that lets a scan read the index alone.
		_, err := s.db.Exec(`VACUUM ANALYZE dossiers`)
		require.NoError(b, err)
	}
	b.Logf("made %d dossiers in %s in %s", n, time.Since(start).Round(time.Millisecond), factsCache(d))
	return s
}

// factsSQLite returns how to open the benchmarks' SQLite file, migrated,
// and how to remove it.
func factsSQLite(b *testing.B) (open func() *Store, reset func()) {
	path := factsCache(SQLite)
	open = func() *Store { return openMigrated(b, "sqlite:"+path) }
	reset = func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}
	return open, reset
}

// factsPostgres returns how to open the benchmarks' PostgreSQL schema,
// created and migrated if missing, and how to drop it; it skips b without
// MOTCUA_TEST_POSTGRES.
func factsPostgres(b *testing.B) (open func() *Store, reset func()) {
	dsn := os.Getenv("MOTCUA_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("MOTCUA_TEST_POSTGRES is unset")
	}
	schema := factsCache(PostgreSQL)
	u, err := url.Parse(dsn)
	require.NoError(b, err, "MOTCUA_TEST_POSTGRES as a URL")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	admin, err := Open(context.Background(), dsn)
	require.NoError(b, err)
	b.Cleanup(func() { admin.Close() })
	_, err = admin.db.Exec(`CREATE SCHEMA IF NOT EXISTS ` + schema)
	require.NoError(b, err)
	open = func() *Store { return openMigrated(b, u.String()) }
	reset = func() {
		_, err := admin.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE; CREATE SCHEMA ` + schema)
		require.NoError(b, err)
	}
	return open, reset
}

// openMigrated opens dsn, migrated, closed at the end of b.
func openMigrated(b *testing.B, dsn string) *Store {
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	require.NoError(b, s.Migrate(ctx))
	return s
}

// ListFacts reads the facts window after window of finish times: dossiers
// whose finishes are spread over ten years, with long gaps, many at one
// instant, and some at the bounds of the periods, are each listed once
// when the period counts them.
func TestListFactsWindows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := time.Date(2020, 1, 1, 8, 0, 0, 0, sla.ICT)
	from, to := time.Date(2021, 1, 1, 0, 0, 0, 0, sla.ICT), time.Date(2022, 1, 1, 0, 0, 0, 0, sla.ICT)
	r := rand.New(rand.NewPCG(3, 4))
	var dossiers []*dossier.Dossier
	for i := range 600 {
		at := base.Add(time.Duration(i) * 29 * time.Hour)
		d := &dossier.Dossier{ID: uuid.Must(uuid.NewV7()), Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(at), Seq: i + 1},
			Procedure: "1.001193", Applicant: dossier.Applicant{Name: "Lê Thị Hoa"}, Channel: procedure.Direct,
			ReturnChannel: procedure.Direct, SubmittedAt: at}
		require.NoError(t, d.Apply(dossier.Event{At: at, Kind: dossier.KindReceive, Actor: "một cửa",
			Due: at.Add(72 * time.Hour), LegalDue: at.Add(72 * time.Hour), Limit: sla.WorkingDays(3)}))
		var done time.Time
		switch {
		case i%7 == 0: // not finished
		case i%11 == 0:
			done = to.Add(time.Hour) // many at one instant, after the period
		case i == 1:
			done = from // finished at the start: counted
		case i == 2:
			done = from.Add(-time.Microsecond) // just before it: not counted
		default: // from an hour to about eight years later
			done = at.Add(time.Duration(r.ExpFloat64() * float64(400*24*time.Hour))).Add(time.Hour)
		}
		if !done.IsZero() {
			require.NoError(t, d.Apply(dossier.Event{At: done, Kind: dossier.KindResolve, Actor: "lãnh đạo"}))
		}
		dossiers = append(dossiers, d)
	}
	periods := []struct {
		name     string
		from, to time.Time
	}{
		{"2021", from, to},
		{"from the beginning", time.Time{}, to},
		{"a minute", from, from.Add(time.Minute)},
		{"after them all", time.Date(2040, 1, 1, 0, 0, 0, 0, sla.ICT), time.Date(2041, 1, 1, 0, 0, 0, 0, sla.ICT)},
	}
	for name, s := range unmigrated(t) {
		require.NoError(t, s.Migrate(ctx), name)
		for _, d := range dossiers {
			require.NoError(t, s.Create(ctx, d), name)
		}
		for _, p := range periods {
			var want, got []dossier.Facts
			for _, d := range dossiers {
				if f := d.Facts(); f.Live(p.from, p.to) {
					want = append(want, factsUTC(f))
				}
			}
			for f, err := range s.ListFacts(ctx, p.from, p.to) {
				require.NoError(t, err, "%s: %s", name, p.name)
				got = append(got, factsUTC(f))
			}
			assert.ElementsMatch(t, want, got, "%s: %s", name, p.name)
		}
	}
}

// Windows aim at factsChunk dossiers, within bounds.
func TestNextStep(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		name string
		step time.Duration
		n    int
		want time.Duration
	}{
		{"empty: eight times wider", day, 0, 8 * day},
		{"half full: twice as wide", day, factsChunk / 2, 2 * day},
		{"full: as wide", day, factsChunk, day},
		{"a hundred times too full: an eighth", day, 100 * factsChunk, day / 8},
		{"never under a second", time.Second, 100 * factsChunk, time.Second},
		{"never over a year", 300 * day, 0, 366 * day},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, nextStep(tt.step, tt.n), tt.name)
	}
}
