package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// This file is the Go part of migration 0003: it turns the dossiers that
// migrations 0001 and 0002 kept (events with a free-text note; the due
// times, pauses and control slip on the row) into typed histories that
// dossier.Restore accepts, so that no dossier and no event is lost.
//
// Each old event becomes the event of its kind, numbered from 1 in its old
// order, with:
//   - the note as the Reason (of a refusal, a supplement or payment
//     request, a withdrawal, a stop, or whatever else had one), except a
//     transfer's, which is its Receiver, and a reschedule's, written
//     "<reason> (hẹn lại: 15:04 02/01/2006)", which gives the Reason and
//     the appointment (the row's due when it is that minute or when the
//     note has none);
//   - on a submission or a receipt, the row's procedure version, time
//     limit and supplement regime;
//   - on a receipt, the row's legal due time and appointment (the
//     appointment is the legal due time when a reschedule comes later, so
//     that the reschedule still moves it); on a supplement or a payment,
//     the row's legal due time and appointment too: the old rows kept only
//     the final due times, so AsOf on a converted dossier shows those from
//     its receipt on;
//   - on a receipt and a transfer, the Step and StepDue of the row of the
//     control slip that it opened, and on a supplement or a payment the
//     StepDue of the row open then, from the row's handovers JSON;
//   - on a withdrawal or a stop during a pause, the row's legal due time,
//     as the lifecycle wants for an event that ends a pause;
//   - an event that the old clock put before the one it follows is kept at
//     that one's time, with the difference in ClockSkew, as the Service
//     records such events now.
//
// A reschedule whose appointment the final due times have overtaken (a
// pause after it moved the legal due time past it) gets the due time in
// force plus one microsecond: the lifecycle wants a later appointment.
//
// A dossier that cannot be converted (its events replay to another status
// than its row's, or lack what the lifecycle needs and the row does not
// have, such as a receipt with no due time) fails the migration with its
// code, and the transaction leaves the database as it was.

// legacyPage is how many dossiers the conversion reads at a time.
const legacyPage = 500

// convertLegacy converts every dossier, page dossiers at a time, then
// drops what the old schema kept that is no longer the record.
func (s *Store) convertLegacy(ctx context.Context, db execQuerier, page int) error {
	query := s.legacyQuery(page)
	var after any = ""
	if s.dialect == PostgreSQL {
		after = uuid.Nil
	}
	for {
		old, err := s.readLegacy(ctx, db, query, after)
		if err != nil {
			return err
		}
		if len(old) == 0 {
			break
		}
		var events [][]any
		for _, old := range old {
			d, err := old.convert()
			if err != nil {
				return err
			}
			r, err := s.newRow(d, 0)
			if err != nil {
				return err
			}
			events = append(events, r.events...)
			args := append([]any{d.ID, int64(old.version)}, s.factArgs(d)...)
			if res, err := db.ExecContext(ctx, s.q.updateDossier, args...); err != nil {
				return fmt.Errorf("dossier %s: %w", d.Code, err)
			} else if n, err := res.RowsAffected(); err != nil || n != 1 {
				return fmt.Errorf("dossier %s: its row changed during the migration (%d rows, %v)", d.Code, n, err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE dossiers SET registered_at = $2 WHERE id = $1`, d.ID, s.timeArg(d.Events[0].At)); err != nil {
				return fmt.Errorf("dossier %s: %w", d.Code, err)
			}
		}
		for i := range events {
			events[i] = events[i][:v3Events.each]
		}
		if _, err := s.insertRows(ctx, db, v3Events, events); err != nil {
			return err
		}
		after = old[len(old)-1].d.ID
	}
	for _, stmt := range []string{
		`DROP TABLE dossier_events_0002`,
		`ALTER TABLE dossiers DROP COLUMN pauses`,
		`ALTER TABLE dossiers DROP COLUMN handovers`,
		`ALTER TABLE dossiers DROP COLUMN time_limit`,
		`ALTER TABLE dossiers DROP COLUMN regime`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// legacyQuery reads a page of old dossiers after an ID, each with its old
// events as a JSON array of [occurred_at in Unix microseconds, kind, actor,
// from, to, note].
func (s *Store) legacyQuery(page int) string {
	events := `(SELECT json_group_array(json_array(e.occurred_at, e.kind, e.actor, e.from_status, e.to_status, e.note) ORDER BY e.n)
		FROM dossier_events_0002 e WHERE e.dossier_id = d.id)`
	if s.dialect == PostgreSQL {
		events = `COALESCE((SELECT json_agg(json_build_array(` + pgMicros("e.occurred_at") + `, e.kind, e.actor, e.from_status, e.to_status, e.note) ORDER BY e.n)
		FROM dossier_events_0002 e WHERE e.dossier_id = d.id), '[]')`
	}
	return `SELECT d.id, d.code, d.procedure_code, d.applicant, d.channel, d.return_channel, d.submitted_at,
		d.procedure_version, d.time_limit, d.regime, d.due, d.legal_due, d.handovers, d.status, d.version, ` + events + `
		FROM dossiers d WHERE d.id > $1 ORDER BY d.id LIMIT ` + fmt.Sprint(page)
}

// A legacyDossier is a dossier as the old schema kept it.
type legacyDossier struct {
	d         dossier.Dossier // the registration facts
	version   int
	procedure sla.Date
	limit     string
	regime    string
	due       time.Time
	legalDue  time.Time
	handovers []legacyHandover
	status    dossier.Status
	events    []legacyEvent
}

// A legacyHandover is a row of the old handovers JSON, of which the
// conversion needs the step and its due time.
type legacyHandover struct {
	Step string `json:"step"`
	Due  string `json:"due"` // RFC 3339; "" when the step had none
}

// A legacyEvent is one [occurred_at, kind, actor, from, to, note] array.
type legacyEvent struct {
	at   *int64
	kind dossier.Kind
	actor,
	note string
}

func (e *legacyEvent) UnmarshalJSON(b []byte) error {
	fields := []any{&e.at, &e.kind, &e.actor, new(int), new(int), &e.note}
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if len(fields) != 6 {
		return fmt.Errorf("an event has %d fields, want 6", len(fields))
	}
	return nil
}

// readLegacy reads the page of old dossiers after the ID after. It reads
// the whole page before returning: PostgreSQL runs one statement at a
// time on the migration's connection.
func (s *Store) readLegacy(ctx context.Context, db execQuerier, query string, after any) ([]legacyDossier, error) {
	rows, err := db.QueryContext(ctx, query, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page []legacyDossier
	for rows.Next() {
		var (
			x                       legacyDossier
			applicant, hand, events []byte
			channel, ret, status    int64
		)
		if err := rows.Scan(&x.d.ID, &x.d.Code, &x.d.Procedure, &applicant, &channel, &ret, timeCol{&x.d.SubmittedAt},
			dateCol{&x.procedure}, &x.limit, &x.regime, timeCol{&x.due}, timeCol{&x.legalDue}, &hand, &status, &x.version, &events); err != nil {
			return nil, err
		}
		bad := func(what string, err error) ([]legacyDossier, error) {
			return nil, fmt.Errorf("dossier %s: reading %s: %w", x.d.Code, what, err)
		}
		if err := json.Unmarshal(applicant, &x.d.Applicant); err != nil {
			return bad("the applicant", err)
		}
		if err := json.Unmarshal(hand, &x.handovers); err != nil {
			return bad("the handovers", err)
		}
		if err := json.Unmarshal(events, &x.events); err != nil {
			return bad("the events", err)
		}
		x.d.Channel, x.d.ReturnChannel, x.status = procedure.Channel(channel), procedure.Channel(ret), dossier.Status(status)
		page = append(page, x)
	}
	return page, rows.Err()
}

// rescheduleNote is how the old Service wrote a reschedule's appointment
// after its reason.
const (
	rescheduleMark   = " (hẹn lại: "
	rescheduleLayout = "15:04 02/01/2006"
)

// convert returns x's history as typed events, replayed through
// dossier.Apply.
func (x *legacyDossier) convert() (*dossier.Dossier, error) {
	fail := func(format string, args ...any) (*dossier.Dossier, error) {
		return nil, fmt.Errorf("dossier %s: "+format, append([]any{x.d.Code}, args...)...)
	}
	limit, err := parseLimit(x.limit)
	if err != nil {
		return fail("its time limit: %w", err)
	}
	var regime procedure.SupplementRegime
	if err := regime.UnmarshalText([]byte(x.regime)); err != nil {
		return fail("its supplement regime: %w", err)
	}
	steps := make([]struct {
		name string
		due  time.Time
	}, len(x.handovers))
	for i, h := range x.handovers {
		steps[i].name = h.Step
		if h.Due != "" {
			if steps[i].due, err = time.Parse(time.RFC3339Nano, h.Due); err != nil {
				return fail("its control slip: %w", err)
			}
		}
	}
	step := func(i int) (string, time.Time) {
		if i < 0 || i >= len(steps) {
			return "", time.Time{}
		}
		return steps[i].name, steps[i].due
	}
	rescheduledAfter := func(i int) bool {
		for _, e := range x.events[i+1:] {
			if e.kind == dossier.KindReschedule {
				return true
			}
		}
		return false
	}
	d := x.d
	d.Events, d.Version = nil, 0
	out := &d
	opened := 0 // rows of the control slip opened so far
	for i, old := range x.events {
		e := dossier.Event{Kind: old.kind, Actor: old.actor, Reason: old.note}
		switch {
		case old.at != nil:
			e.At = micros(*old.at)
		case i > 0:
			e.At = out.Events[i-1].At
		default:
			e.At = x.d.SubmittedAt
		}
		if i > 0 && e.At.Before(out.Events[i-1].At) {
			prev := out.Events[i-1].At
			e.ClockSkew, e.At = prev.Sub(e.At), prev
		}
		switch old.kind {
		case dossier.KindSubmit:
			e.ProcedureVersion, e.Limit, e.Regime = x.procedure, limit, regime
		case dossier.KindReceive:
			e.ProcedureVersion, e.Limit, e.Regime = x.procedure, limit, regime
			e.LegalDue, e.Due = x.legalDue, x.due
			if rescheduledAfter(i) || e.Due.Before(e.LegalDue) {
				e.Due = e.LegalDue
			}
			e.Step, e.StepDue = step(0)
			opened = 1
		case dossier.KindTransfer:
			e.Receiver, e.Reason = old.note, ""
			e.Step, e.StepDue = step(opened)
			opened++
		case dossier.KindSupplement, dossier.KindPay:
			e.LegalDue, e.Due = x.legalDue, x.due
			if rescheduledAfter(i) {
				e.Due = out.Due()
			}
			_, e.StepDue = step(opened - 1)
		case dossier.KindReschedule:
			e.Reason, e.Due = x.appointment(old.note)
			if !e.Due.After(out.Due()) {
				e.Due = out.Due().Add(time.Microsecond)
			}
		case dossier.KindWithdraw, dossier.KindStop:
			if out.ClockStopped() {
				e.LegalDue = x.legalDue
			}
		}
		if err := out.Apply(e); err != nil {
			return fail("event %d (%s): %w", i+1, old.kind, err)
		}
	}
	if len(out.Events) == 0 {
		return fail("it has no events")
	}
	if out.Status() != x.status {
		return fail("its events lead to status %d, but its row says %d", out.Status(), x.status)
	}
	return out, nil
}

// appointment reads a reschedule's note: the reason, and the appointment
// it gives, which is the row's due when that falls in the same minute (the
// note kept minutes only) or when the note gives none.
func (x *legacyDossier) appointment(note string) (string, time.Time) {
	i := strings.LastIndex(note, rescheduleMark)
	if i < 0 || !strings.HasSuffix(note, ")") {
		return note, x.due
	}
	at, err := time.ParseInLocation(rescheduleLayout, note[i+len(rescheduleMark):len(note)-1], sla.ICT)
	if err != nil {
		return note, x.due
	}
	if x.due.Truncate(time.Minute).Equal(at) {
		at = x.due
	}
	return note[:i], at
}

// v3Events inserts converted events into the table as migration 3 leaves
// it: without the columns later migrations add (0006's supplement_by),
// which no event of the old schema has a value for.
var v3Events = table{`INSERT INTO dossier_events (dossier_id, n, occurred_at, kind, actor, from_status, to_status, clock_skew,
	reason, receiver, step, step_due, due, legal_due, procedure_version, time_limit, regime) VALUES `, ``, 17}
