package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// unmigrated returns, per dialect, a Store on an empty database: a SQLite
// file, and a schema of its own on MOTCUA_TEST_POSTGRES's server when it
// is set.
func unmigrated(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	stores := map[string]*Store{}
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "legacy.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	stores["SQLite"] = s
	dsn := os.Getenv("MOTCUA_TEST_POSTGRES")
	if dsn == "" {
		return stores
	}
	admin, err := Open(ctx, dsn)
	require.NoError(t, err)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "sqlstore_legacy_" + hex.EncodeToString(b)
	_, err = admin.db.Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pg, err := Open(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(func() { pg.Close() })
	stores["PostgreSQL"] = pg
	return stores
}

// A legacy fixture is a dossier as the Service of migrations 0001–0002
// wrote it: the row with its derived columns, the events with notes.
type legacyFixture struct {
	name   string
	seq    int
	online bool
	status dossier.Status
	// The row's times; zero is NULL.
	received, due, originalDue, finished, returned time.Time
	pauses                                         []sla.Interval
	handovers                                      []legacyHandoverRow
	events                                         []legacyEventRow
}

type legacyHandoverRow struct {
	Step       string         `json:"step,omitempty"`
	From       string         `json:"from,omitempty"`
	To         string         `json:"to,omitempty"`
	At         string         `json:"at,omitempty"`
	Due        string         `json:"due,omitempty"`
	Done       string         `json:"done,omitempty"`
	Timeliness sla.Timeliness `json:"timeliness,omitempty"`
}

type legacyEventRow struct {
	at       time.Time
	kind     dossier.Kind
	actor    string
	from, to dossier.Status
	note     string
}

// rfc writes a time as the old JSON columns did.
func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sla.ICT).Format(time.RFC3339Nano)
}

// legacyFixtures are the dossiers of a district desk's first week, as the
// old Service left them. The times have microseconds, as it kept them.
func legacyFixtures(t *testing.T) []legacyFixture {
	cal := sla.Default()
	mon := time.Date(2025, time.March, 3, 8, 0, 0, 123456000, sla.ICT)
	at := func(hours float64) time.Time { return mon.Add(time.Duration(hours * float64(time.Hour))) }
	deadline := func(from time.Time, d sla.Duration, pauses ...sla.Interval) time.Time {
		due, err := cal.Due(from, d, pauses...)
		require.NoError(t, err)
		return due
	}
	limit := sla.WorkingDays(3)
	hour := sla.WorkingHours(2)

	// Received, handed twice, resolved and returned.
	returned := legacyFixture{name: "returned", seq: 1, status: dossier.Returned,
		received: at(0), due: deadline(at(0), limit), finished: at(3), returned: at(6),
		handovers: []legacyHandoverRow{
			{Step: "Tiếp nhận hồ sơ", To: "Một cửa", At: rfc(at(0)), Due: rfc(deadline(at(0), hour)), Done: rfc(at(1)), Timeliness: sla.Early},
			{Step: "Thẩm định hồ sơ", From: "Một cửa", To: "Phòng Tư pháp", At: rfc(at(1)), Due: rfc(deadline(at(1), sla.WorkingDays(1))), Done: rfc(at(2)), Timeliness: sla.Early},
			{Step: "Phê duyệt", From: "Phòng Tư pháp", To: "Lãnh đạo UBND", At: rfc(at(2)), Due: rfc(deadline(at(2), sla.WorkingHours(4))), Done: rfc(at(3)), Timeliness: sla.Early},
		},
		events: []legacyEventRow{
			{at(0), dossier.KindReceive, "Một cửa", 0, dossier.Received, ""},
			{at(1), dossier.KindTransfer, "Một cửa", dossier.Received, dossier.InProgress, "Phòng Tư pháp"},
			{at(2), dossier.KindTransfer, "Phòng Tư pháp", dossier.InProgress, dossier.InProgress, "Lãnh đạo UBND"},
			{at(3), dossier.KindResolve, "Lãnh đạo UBND", dossier.InProgress, dossier.Resolved, ""},
			{at(6), dossier.KindReturn, "Một cửa", dossier.Resolved, dossier.Returned, ""},
		}}
	returned.originalDue = returned.due

	// Received, supplemented, and now waiting for a payment.
	p1 := sla.Interval{Start: at(1), End: at(25)}
	p2 := sla.Interval{Start: at(26)}
	paidDue := deadline(at(0), limit, p1)
	stepDue := deadline(at(0), hour, p1)
	paused := legacyFixture{name: "paused", seq: 2, status: dossier.AwaitingPayment,
		received: at(0), due: paidDue, originalDue: paidDue, pauses: []sla.Interval{p1, p2},
		handovers: []legacyHandoverRow{{Step: "Tiếp nhận hồ sơ", To: "Một cửa", At: rfc(at(0)), Due: rfc(stepDue)}},
		events: []legacyEventRow{
			{at(0), dossier.KindReceive, "Một cửa", 0, dossier.Received, ""},
			{at(1), dossier.KindRequestSupplement, "Một cửa", dossier.Received, dossier.AwaitingSupplement, "Thiếu bản sao giấy khai sinh"},
			{at(25), dossier.KindSupplement, "Một cửa", dossier.AwaitingSupplement, dossier.InProgress, ""},
			{at(26), dossier.KindRequestPayment, "Một cửa", dossier.InProgress, dossier.AwaitingPayment, "Lệ phí 8.000 đồng"},
		}}

	// Received, handed on, and rescheduled with an apology to a time with
	// seconds, which the note kept to the minute.
	appointment := time.Date(2025, time.March, 10, 16, 30, 15, 500000000, sla.ICT)
	resched := legacyFixture{name: "rescheduled", seq: 3, status: dossier.InProgress,
		received: at(0.5), due: appointment, originalDue: deadline(at(0.5), limit),
		handovers: []legacyHandoverRow{
			{Step: "Tiếp nhận hồ sơ", To: "Một cửa", At: rfc(at(0.5)), Due: rfc(deadline(at(0.5), hour)), Done: rfc(at(1)), Timeliness: sla.Early},
			{Step: "Thẩm định hồ sơ", From: "Một cửa", To: "Phòng Tài nguyên", At: rfc(at(1)), Due: rfc(deadline(at(1), sla.WorkingDays(1)))},
		},
		events: []legacyEventRow{
			{at(0.5), dossier.KindReceive, "Một cửa", 0, dossier.Received, ""},
			{at(1), dossier.KindTransfer, "Một cửa", dossier.Received, dossier.InProgress, "Phòng Tài nguyên"},
			{at(30), dossier.KindReschedule, "Phòng Tài nguyên", dossier.InProgress, dossier.InProgress, "Xin lỗi vì chậm trễ (hẹn lại: 16:30 10/03/2025)"},
		}}

	// Filed online on Sunday, not yet checked.
	sunday := mon.Add(-20 * time.Hour)
	online := legacyFixture{name: "online", seq: 4, online: true, status: dossier.Submitted,
		events: []legacyEventRow{{sunday, dossier.KindSubmit, "công dân", 0, dossier.Submitted, ""}}}

	// Filed online, refused at intake.
	refused := legacyFixture{name: "refused", seq: 5, online: true, status: dossier.Refused, finished: at(2),
		events: []legacyEventRow{
			{sunday.Add(time.Hour), dossier.KindSubmit, "công dân", 0, dossier.Submitted, ""},
			{at(2), dossier.KindRefuse, "Một cửa", dossier.Submitted, dossier.Refused, "Hồ sơ không thuộc thẩm quyền"},
		}}

	// Withdrawn while awaiting a supplement, recorded by a clock two
	// minutes behind the request's.
	p := sla.Interval{Start: at(2), End: at(2).Add(-2 * time.Minute)}
	withdrawn := legacyFixture{name: "withdrawn", seq: 6, status: dossier.Withdrawn,
		received: at(1), due: deadline(at(1), limit), originalDue: deadline(at(1), limit), finished: p.End, pauses: []sla.Interval{p},
		handovers: []legacyHandoverRow{{Step: "Tiếp nhận hồ sơ", To: "Một cửa", At: rfc(at(1)), Due: rfc(deadline(at(1), hour)), Done: rfc(p.End)}},
		events: []legacyEventRow{
			{at(1), dossier.KindReceive, "Một cửa", 0, dossier.Received, ""},
			{at(2), dossier.KindRequestSupplement, "Một cửa", dossier.Received, dossier.AwaitingSupplement, "Thiếu tờ khai"},
			{p.End, dossier.KindWithdraw, "công dân", dossier.AwaitingSupplement, dossier.Withdrawn, "Công dân xin rút hồ sơ"},
		}}
	// Rescheduled, then paused: the supplement pushed the legal due time
	// past the appointment, which the old Service then followed.
	ask := sla.Interval{Start: at(3), End: at(3 + 24*7)}
	early := deadline(at(0), limit).Add(2 * time.Hour)
	later := deadline(at(0), limit, ask)
	overtaken := legacyFixture{name: "overtaken", seq: 7, status: dossier.InProgress,
		received: at(0), due: later, originalDue: later, pauses: []sla.Interval{ask},
		events: []legacyEventRow{
			{at(0), dossier.KindReceive, "Một cửa", 0, dossier.Received, ""},
			{at(2), dossier.KindReschedule, "Một cửa", dossier.Received, dossier.Received, "Chờ ý kiến của Sở (hẹn lại: " + early.Format("15:04 02/01/2006") + ")"},
			{ask.Start, dossier.KindRequestSupplement, "Một cửa", dossier.Received, dossier.AwaitingSupplement, "Thiếu sơ đồ thửa đất"},
			{ask.End, dossier.KindSupplement, "Một cửa", dossier.AwaitingSupplement, dossier.InProgress, ""},
		}}
	return []legacyFixture{returned, paused, resched, online, refused, withdrawn, overtaken}
}

const legacyAgency = "000.00.01.H26"

// writeLegacy inserts f as the old Service's store did.
func writeLegacy(t *testing.T, s *Store, f legacyFixture) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	submitted := f.events[0].at
	day := sla.DateOf(submitted)
	code := dossier.Code{Agency: legacyAgency, Date: day, Seq: f.seq}
	channel := procedure.Direct
	if f.online {
		channel = procedure.Online
	}
	pauses := []map[string]string{}
	for _, p := range f.pauses {
		pauses = append(pauses, map[string]string{"start": rfc(p.Start), "end": rfc(p.End)})
	}
	pj, err := json.Marshal(pauses)
	require.NoError(t, err)
	hs := f.handovers
	if hs == nil {
		hs = []legacyHandoverRow{}
	}
	hj, err := json.Marshal(hs)
	require.NoError(t, err)
	_, err = s.db.Exec(`INSERT INTO dossiers (id, code, agency, day, seq, procedure_code, procedure_version, time_limit, regime,
		applicant, channel, return_channel, submitted_at, received_at, due, original_due, finished_at, returned_at,
		pauses, handovers, status, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
		id, code.String(), code.Agency, day.String(), f.seq, "1.001193", "2024-07-01", "03 ngày làm việc", "pause",
		`{"name":"Nguyễn Văn An","phone":"0912345678"}`, int64(channel), int64(procedure.Postal),
		s.timeArg(submitted), s.timeArg(f.received), s.timeArg(f.due), s.timeArg(f.originalDue), s.timeArg(f.finished), s.timeArg(f.returned),
		string(pj), string(hj), int64(f.status), len(f.events))
	require.NoError(t, err)
	for n, e := range f.events {
		_, err := s.db.Exec(`INSERT INTO dossier_events (dossier_id, n, occurred_at, kind, actor, from_status, to_status, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, n, s.timeArg(e.at), int64(e.kind), e.actor, int64(e.from), int64(e.to), e.note)
		require.NoError(t, err)
	}
	_, err = s.db.Exec(`INSERT INTO dossier_sequences (agency, day, last_seq) VALUES ($1, $2, $3)
		ON CONFLICT (agency, day) DO UPDATE SET last_seq = excluded.last_seq`, legacyAgency, day.String(), f.seq)
	require.NoError(t, err)
	return id
}

// A database written by migrations 0001 and 0002 comes out of Migrate with
// every dossier and every event, as histories that replay to the statuses
// and times the old rows held.
func TestMigrateLegacy(t *testing.T) {
	t.Parallel()
	for name, s := range unmigrated(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ms, err := migrations(s.dialect)
			require.NoError(t, err)
			require.NoError(t, s.migrate(ctx, ms[:2]))
			fixtures := legacyFixtures(t)
			events := 0
			for _, f := range fixtures {
				writeLegacy(t, s, f)
				events += len(f.events)
			}
			// Two dossiers a page, so that the conversion pages.
			ms[2].code = func(s *Store, ctx context.Context, db execQuerier) error { return s.convertLegacy(ctx, db, 2) }
			require.NoError(t, s.migrate(ctx, ms))

			var n int
			require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM dossier_events`).Scan(&n))
			assert.Equal(t, events, n, "every event")
			got := map[string]*dossier.Dossier{}
			for _, f := range fixtures {
				c := dossier.Code{Agency: legacyAgency, Date: sla.DateOf(f.events[0].at), Seq: f.seq}
				d, err := s.Get(ctx, c)
				require.NoError(t, err, f.name)
				got[f.name] = d
				checkLegacy(t, f, d)
			}

			// The details the notes and the JSON held.
			ret := got["returned"]
			assert.Equal(t, []string{"", "Phòng Tư pháp", "Lãnh đạo UBND", "", ""}, receivers(ret), "transfers' receivers")
			hs := ret.Handovers()
			require.Len(t, hs, 3)
			assert.Equal(t, []string{"Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Phê duyệt"}, []string{hs[0].Step, hs[1].Step, hs[2].Step})
			assert.Equal(t, []string{"Một cửa", "Phòng Tư pháp", "Lãnh đạo UBND"}, []string{hs[0].To, hs[1].To, hs[2].To})
			for i, h := range hs {
				assert.Equal(t, fixtures[0].handovers[i].Due, rfc(h.Due), "step %d due", i)
				assert.Equal(t, fixtures[0].handovers[i].Done, rfc(h.Done), "step %d done", i)
			}

			paused := got["paused"]
			assert.Equal(t, "Thiếu bản sao giấy khai sinh", paused.Events[1].Reason)
			assert.Equal(t, "Lệ phí 8.000 đồng", paused.Events[3].Reason)
			assert.True(t, paused.ClockStopped())
			assert.Equal(t, 1, paused.SupplementRequests())
			assert.Equal(t, fixtures[1].handovers[0].Due, rfc(paused.Handovers()[0].Due), "the open step keeps its due time")
			assert.Equal(t, fixtures[1].handovers[0].Due, rfc(paused.Events[2].StepDue), "the supplement carries it")

			resched := got["rescheduled"]
			e := resched.Events[2]
			assert.Equal(t, "Xin lỗi vì chậm trễ", e.Reason, "the reason without the appointment")
			assert.True(t, e.Due.Equal(fixtures[2].due), "the row's appointment, to the microsecond: %s", e.Due)
			assert.True(t, resched.OriginalDue().Equal(fixtures[2].originalDue))
			assert.True(t, resched.Events[0].Due.Equal(fixtures[2].originalDue), "the receipt's appointment is the legal due time")

			assert.Equal(t, "Hồ sơ không thuộc thẩm quyền", got["refused"].Events[1].Reason)

			o := got["overtaken"]
			assert.Equal(t, "Chờ ý kiến của Sở", o.Events[1].Reason)
			assert.True(t, o.Events[1].Due.Equal(fixtures[6].due.Add(time.Microsecond)),
				"an appointment the final due time overtook comes just after it: %s", o.Events[1].Due)

			w := got["withdrawn"]
			assert.Equal(t, 2*time.Minute, w.Events[2].ClockSkew, "an event the clock put back")
			assert.True(t, w.Events[2].At.Equal(w.Events[1].At))
			assert.Equal(t, "Công dân xin rút hồ sơ", w.Events[2].Reason)
			assert.False(t, w.ClockStopped())

			// The facts on the rows are the histories'.
			facts := map[dossier.Code]dossier.Facts{}
			for f, err := range s.ListFacts(ctx, time.Time{}, time.Date(2026, 1, 1, 0, 0, 0, 0, sla.ICT)) {
				require.NoError(t, err)
				facts[f.Code] = f
			}
			require.Len(t, facts, len(fixtures))
			for _, d := range got {
				assert.Equal(t, factsUTC(d.Facts()), factsUTC(facts[d.Code]), "%s", d.Code)
			}

			// The old columns and table are gone; the store goes on.
			for _, col := range []string{"pauses", "handovers", "time_limit", "regime"} {
				_, err := s.db.Exec(`SELECT ` + col + ` FROM dossiers`)
				assert.Error(t, err, col)
			}
			_, err = s.db.Exec(`SELECT 1 FROM dossier_events_0002`)
			assert.Error(t, err)

			// The outbox starts empty: the changes made before it are not
			// sent; the changes after it are.
			require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM dossier_outbox`).Scan(&n))
			assert.Zero(t, n, "nothing of the old dossiers is queued for the portal")
			next, err := s.Append(ctx, paused.Code, paused.Version, dossier.Event{At: paused.Events[3].At.Add(time.Hour), Kind: dossier.KindPay, Actor: "Một cửa",
				Due: paused.Due().Add(time.Hour), LegalDue: paused.Due().Add(time.Hour), StepDue: paused.Handovers()[0].Due})
			require.NoError(t, err)
			assert.Equal(t, dossier.InProgress, next.Status())
			fresh := &dossier.Dossier{ID: uuid.Must(uuid.NewV7()), Code: dossier.Code{Agency: legacyAgency, Date: sla.DateOf(fixtures[0].events[0].at)},
				Procedure: "1.001193", Applicant: dossier.Applicant{Name: "Lê Thị Hoa"}, Channel: procedure.Direct, ReturnChannel: procedure.Direct}
			due := fixtures[0].due
			require.NoError(t, fresh.Apply(dossier.Event{At: fixtures[0].events[0].at, Kind: dossier.KindReceive, Actor: "Một cửa", Due: due, LegalDue: due, Limit: sla.WorkingDays(3)}))
			require.NoError(t, s.Create(ctx, fresh))
			assert.Equal(t, 8, fresh.Code.Seq, "the day's numbers go on")
			var queued []string
			for _, c := range []dossier.Code{paused.Code, fresh.Code} {
				entries, err := s.Pending(ctx, c)
				require.NoError(t, err)
				for _, e := range entries {
					queued = append(queued, fmt.Sprintf("%s#%d", e.Code, e.Event))
				}
			}
			assert.Equal(t, []string{fmt.Sprintf("%s#%d", paused.Code, next.Version), fresh.Code.String() + "#1"}, queued,
				"the new changes, and only they, are queued")

			// The backfill of the package documentation queues the rest.
			_, err = s.db.Exec(`INSERT INTO dossier_outbox (code, n, at)
	SELECT d.code, e.n, e.occurred_at FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
	WHERE true ON CONFLICT DO NOTHING`)
			require.NoError(t, err)
			var entries int
			require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM dossier_events`).Scan(&n))
			require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM dossier_outbox`).Scan(&entries))
			assert.Equal(t, n, entries, "every event queued once")
			leased, _, err := s.Lease(ctx, time.Now(), time.Minute, 100)
			require.NoError(t, err)
			assert.Len(t, leased, len(fixtures)+1, "each dossier's first event first")
			for _, e := range leased {
				assert.Equal(t, 1, e.Event, "%s", e.Code)
			}
		})
	}
}

// checkLegacy checks that d, converted from f, has f's status, times and
// events.
func checkLegacy(t *testing.T, f legacyFixture, d *dossier.Dossier) {
	t.Helper()
	assert.Equal(t, f.status, d.Status(), f.name)
	assert.Equal(t, len(f.events), d.Version, f.name)
	for i, e := range d.Events {
		old := f.events[i]
		assert.Equal(t, i+1, e.N, "%s: numbered from 1", f.name)
		assert.Equal(t, old.kind, e.Kind, f.name)
		assert.Equal(t, old.actor, e.Actor, f.name)
		assert.Equal(t, old.to, e.To, f.name)
		assert.True(t, e.At.Add(-e.ClockSkew).Equal(old.at), "%s: event %d at %s, want %s", f.name, e.N, e.At, old.at)
	}
	same := func(what string, want, got time.Time) {
		assert.True(t, want.Equal(got), "%s: %s is %s, want %s", f.name, what, got, want)
	}
	same("received", f.received, d.ReceivedAt())
	same("due", f.due, d.Due())
	same("legal due", f.originalDue, d.OriginalDue())
	var skew time.Duration // of the event that finished, whose time the conversion moved
	for _, e := range d.Events {
		if e.To.Ended() && !e.From.Ended() {
			skew = e.ClockSkew
		}
	}
	same("finished", f.finished, d.FinishedAt().Add(-skew))
	same("returned", f.returned, d.ReturnedAt())
	pauses := d.Pauses()
	require.Len(t, pauses, len(f.pauses), f.name)
	for i, p := range f.pauses {
		same("pause start", p.Start, pauses[i].Start)
		if p.End.After(p.Start) {
			same("pause end", p.End, pauses[i].End)
		}
	}
	if f.received.IsZero() {
		return
	}
	assert.Equal(t, sla.WorkingDays(3), d.Limit(), f.name)
	assert.Equal(t, sla.Date{Year: 2024, Month: 7, Day: 1}, d.ProcedureVersion(), f.name)
}

func receivers(d *dossier.Dossier) []string {
	var out []string
	for _, e := range d.Events {
		out = append(out, e.Receiver)
	}
	return out
}

// factsUTC returns f with its times in UTC, for comparing as instants.
func factsUTC(f dossier.Facts) dossier.Facts {
	for _, t := range []*time.Time{&f.RegisteredAt, &f.ReceivedAt, &f.LegalDue, &f.FinishedAt, &f.ReturnedAt, &f.PausedSince} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return f
}

// A dossier that cannot be converted fails the migration, which leaves
// the database as it was.
func TestMigrateLegacyRefusesWhatItCannotConvert(t *testing.T) {
	t.Parallel()
	for name, s := range unmigrated(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ms, err := migrations(s.dialect)
			require.NoError(t, err)
			require.NoError(t, s.migrate(ctx, ms[:2]))
			fixtures := legacyFixtures(t)
			writeLegacy(t, s, fixtures[0])
			broken := fixtures[1]
			broken.status = dossier.Resolved // its events say otherwise
			writeLegacy(t, s, broken)
			err = s.Migrate(ctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "000.00.01.H26-250303-0002")
			var version, events int
			require.NoError(t, s.db.QueryRow(`SELECT max(version) FROM sqlstore_migrations`).Scan(&version))
			assert.Equal(t, 2, version, "still at 0002")
			require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM dossier_events WHERE note >= ''`).Scan(&events))
			assert.Equal(t, len(fixtures[0].events)+len(broken.events), events, "the old events are there")
		})
	}
}
