package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// Times are kept to the microsecond, PostgreSQL's precision; the SQLite
// dialect keeps the same, so both give back the same instants.

// timeArg returns t as the dialect stores it: an instant for PostgreSQL,
// Unix microseconds for SQLite, nil (NULL) when t is unset.
func (s *Store) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if s.dialect == SQLite {
		return t.UnixMicro()
	}
	return t.Truncate(time.Microsecond)
}

// boundArg returns a period's bound t for comparing with stored times. They
// are whole microseconds, so rounding the bound up keeps the comparisons
// exact: x ≥ t exactly when x ≥ ⌈t⌉, and x < t exactly when x < ⌈t⌉.
func (s *Store) boundArg(t time.Time) any {
	if c := t.Truncate(time.Microsecond); c.Before(t) {
		t = c.Add(time.Microsecond)
	}
	return s.timeArg(t)
}

// dateArg returns d as 'YYYY-MM-DD', which a PostgreSQL date column and a
// SQLite text column both take, or nil (NULL) when d is unset.
func dateArg(d sla.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// timeCol scans a time column of either dialect into *t, in ICT; NULL is
// the zero time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.In(sla.ICT)
	case int64:
		*c.t = micros(v)
	default:
		return fmt.Errorf("sqlstore: cannot read a time from %T", src)
	}
	return nil
}

// micros returns the instant of Unix microseconds us, in ICT.
func micros(us int64) time.Time { return time.UnixMicro(us).In(sla.ICT) }

// dateCol scans a date column of either dialect into *d; NULL is the zero
// Date.
type dateCol struct{ d *sla.Date }

func (c dateCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.d = sla.Date{}
	case time.Time:
		// PostgreSQL's date arrives as midnight UTC.
		*c.d = sla.Date{Year: v.Year(), Month: v.Month(), Day: v.Day()}
	case string:
		return parseDate(v, c.d)
	case []byte:
		return parseDate(v, c.d)
	default:
		return fmt.Errorf("sqlstore: cannot read a date from %T", src)
	}
	return nil
}

// parseDate reads 'YYYY-MM-DD' as dateArg writes it into *d, without the
// allocations of sla.ParseDate: ListFacts reads a date per dossier.
func parseDate[T string | []byte](b T, out *sla.Date) error {
	num := func(b T) int {
		n := 0
		for i := range len(b) {
			if b[i] < '0' || b[i] > '9' {
				return -1
			}
			n = n*10 + int(b[i]-'0')
		}
		return n
	}
	if len(b) == 10 && b[4] == '-' && b[7] == '-' {
		d := sla.Date{Year: num(b[:4]), Month: time.Month(num(b[5:7])), Day: num(b[8:])}
		if d.Year >= 0 && d.Month >= 0 && d.Day >= 0 && d.Valid() {
			*out = d
			return nil
		}
	}
	return fmt.Errorf("sqlstore: reading a date: %q is not YYYY-MM-DD", b)
}

// storable reports whether t can be written and read back: unset, or in
// the years 1900–2199 that dossier.Apply accepts for event times.
func storable(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	y := t.In(sla.ICT).Year()
	return y >= 1900 && y <= 2199
}

// badText returns the first of texts that the store could not read back,
// and false, or true: PostgreSQL refuses invalid UTF-8 and NUL in text,
// and JSON, which Get reads events as, would turn invalid UTF-8 into
// U+FFFD.
func badText(texts ...string) (string, bool) {
	for _, t := range texts {
		if !utf8.ValidString(t) || strings.IndexByte(t, 0) >= 0 {
			return t, false
		}
	}
	return "", true
}

// storableDate is storable for dates.
func storableDate(d sla.Date) bool {
	return d.IsZero() || d.Valid() && d.Year >= 1900 && d.Year <= 2199
}

// limits caches parsed time limits: a catalogue has a few dozen, and
// sla.ParseDuration, which reads every way procedures write them, is a
// large part of decoding an event.
var limits = struct {
	sync.RWMutex
	m map[string]sla.Duration
}{m: map[string]sla.Duration{}}

func parseLimit(s string) (sla.Duration, error) {
	if s == "" {
		return sla.Duration{}, nil
	}
	limits.RLock()
	d, ok := limits.m[s]
	limits.RUnlock()
	if ok {
		return d, nil
	}
	d, err := sla.ParseDuration(s)
	if err != nil {
		return d, err
	}
	limits.Lock()
	if len(limits.m) < 1024 { // the texts come from the database: bound them
		limits.m[s] = d
	}
	limits.Unlock()
	return d, nil
}

// limitText writes a time limit as it is stored: as published, "" when
// unset.
func limitText(d sla.Duration) (string, error) {
	if d.IsZero() {
		return "", nil
	}
	b, err := d.MarshalText()
	return string(b), err
}

// A row is what the store writes of a dossier: the values of the columns of
// its row and of the rows of its events, checked to read back as they are.
type row struct {
	d         *dossier.Dossier
	applicant string
	events    [][]any // one value list per event, dossier_id first
}

// newRow checks that d can be stored and read back, and makes its values
// for the events from number from+1 on. An event or a time the store could
// not read back is ErrInvalid.
func (s *Store) newRow(d *dossier.Dossier, from int) (*row, error) {
	bad := func(format string, args ...any) (*row, error) {
		return nil, fmt.Errorf("%w: dossier %s: "+format, append([]any{dossier.ErrInvalid, d.Code}, args...)...)
	}
	r := &row{d: d}
	if from == 0 {
		if !storable(d.SubmittedAt) {
			return bad("submitted at %s, outside 1900–2199", d.SubmittedAt.Format(time.RFC3339))
		}
		ap := d.Applicant
		if t, ok := badText(d.Procedure, ap.Name, ap.IDNumber, ap.Phone, ap.Email, ap.Address, ap.Organisation); !ok {
			return bad("text %q is not UTF-8 without NUL", t)
		}
		a, err := json.Marshal(d.Applicant)
		if err != nil {
			return nil, err
		}
		r.applicant = string(a)
	}
	for _, e := range d.Events[from:] {
		limit, err := limitText(e.Limit)
		if err != nil {
			return bad("event %d: %v", e.N, err)
		}
		if !storableDate(e.ProcedureVersion) {
			return bad("event %d: procedure version %v outside 1900–2199", e.N, e.ProcedureVersion)
		}
		if t, ok := badText(e.Actor, e.Reason, e.Receiver, e.Step); !ok {
			return bad("event %d: text %q is not UTF-8 without NUL", e.N, t)
		}
		r.events = append(r.events, []any{
			d.ID, int64(e.N), s.timeArg(e.At), int64(e.Kind), e.Actor, int64(e.From), int64(e.To), int64(e.ClockSkew),
			e.Reason, e.Receiver, e.Step, s.timeArg(e.StepDue), s.timeArg(e.Due), s.timeArg(e.LegalDue),
			dateArg(e.ProcedureVersion), limit, int64(e.Regime), s.timeArg(e.SupplementBy),
		})
	}
	return r, nil
}

// factArgs returns the values of factColumns for d: what its history makes
// of it now.
func (s *Store) factArgs(d *dossier.Dossier) []any {
	f := d.Facts()
	return []any{
		dateArg(f.ProcedureVersion), s.timeArg(f.ReceivedAt), s.timeArg(d.Due()), s.timeArg(f.LegalDue),
		s.timeArg(f.FinishedAt), s.timeArg(f.ReturnedAt), s.timeArg(f.PausedSince),
		int64(f.Outcome), int64(f.Supplements), packFacts(f), int64(d.Status()), int64(d.Version),
	}
}

// createArgs returns the values of insertDossier for r.
func (s *Store) createArgs(r *row) []any {
	d := r.d
	return append([]any{
		d.ID, d.Code.String(), d.Code.Agency, d.Code.Date.String(), int64(d.Code.Seq),
		d.Procedure, r.applicant, int64(d.Channel), int64(d.ReturnChannel),
		s.timeArg(d.SubmittedAt), s.timeArg(d.Events[0].At),
	}, s.factArgs(d)...)
}

// scanner is *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanDossier reads a row of selectDossier and replays its events through
// dossier.Restore, so that what the store gives back is what the
// lifecycle makes of its history. The JSON columns may be sql.RawBytes:
// they are decoded before the next row.
func scanDossier(sc scanner) (*dossier.Dossier, error) {
	var (
		d                      dossier.Dossier
		applicant, evs         []byte
		channel, returnChannel int64
		version                int
	)
	err := sc.Scan(&d.ID, &d.Code, &d.Procedure, &applicant, &channel, &returnChannel, timeCol{&d.SubmittedAt}, &version, &evs)
	if err != nil {
		return nil, err
	}
	bad := func(what string, err error) (*dossier.Dossier, error) {
		return nil, fmt.Errorf("sqlstore: dossier %s: reading %s: %w", d.Code, what, err)
	}
	if d.Applicant, err = decodeJSON(applicant, readApplicant); err != nil {
		return bad("the applicant", err)
	}
	d.Channel, d.ReturnChannel = procedure.Channel(channel), procedure.Channel(returnChannel)
	events, err := decodeEvents(evs)
	if err != nil {
		return bad("the events", err)
	}
	if len(events) != version {
		return bad("the events", fmt.Errorf("%d events for version %d", len(events), version))
	}
	out, err := dossier.Restore(d, events)
	if err != nil {
		return bad("the history", err)
	}
	return out, nil
}

// decodeEvents reads the events array of selectDossier.
func decodeEvents(b []byte) ([]dossier.Event, error) {
	rows, err := decodeJSON(b, readEvents)
	if err != nil {
		return nil, err
	}
	events := make([]dossier.Event, len(rows))
	for i, r := range rows {
		if events[i], err = r.event(); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// An eventRow is one array of the events column: [n, occurred_at, kind,
// actor, from, to, clock_skew, reason, receiver, step, step_due, due,
// legal_due, procedure_version, time_limit, regime, supplement_by], times
// in Unix microseconds or null, the version a date or null.
type eventRow struct {
	n, kind, from, to, regime                int64
	at, stepDue, due, legalDue, supplementBy optInt
	skew                                     int64
	actor, reason, receiver                  string
	step, limit                              string
	version                                  *string
}

// An optInt is an integer or null.
type optInt struct {
	v  int64
	ok bool
}

func (o *optInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*o = optInt{}
		return nil
	}
	o.ok = true
	return json.Unmarshal(b, &o.v)
}

// eventFields is how many values an eventRow has.
const eventFields = 17

func (r *eventRow) UnmarshalJSON(b []byte) error {
	// Decoding into pointers held in a []any fills what they point at.
	fields := []any{&r.n, &r.at, &r.kind, &r.actor, &r.from, &r.to, &r.skew, &r.reason, &r.receiver, &r.step,
		&r.stepDue, &r.due, &r.legalDue, &r.version, &r.limit, &r.regime, &r.supplementBy}
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if len(fields) != eventFields {
		return fmt.Errorf("an event has %d fields, want %d", len(fields), eventFields)
	}
	return nil
}

// event returns the event r holds.
func (r *eventRow) event() (dossier.Event, error) {
	e := dossier.Event{
		N: int(r.n), Kind: dossier.Kind(r.kind), Actor: r.actor, From: dossier.Status(r.from), To: dossier.Status(r.to),
		ClockSkew: time.Duration(r.skew), Reason: r.reason, Receiver: r.receiver, Step: r.step,
		Regime: procedure.SupplementRegime(r.regime),
	}
	for _, t := range [...]struct {
		us optInt
		t  *time.Time
	}{{r.at, &e.At}, {r.stepDue, &e.StepDue}, {r.due, &e.Due}, {r.legalDue, &e.LegalDue}, {r.supplementBy, &e.SupplementBy}} {
		if t.us.ok {
			*t.t = micros(t.us.v)
		}
	}
	var err error
	if r.version != nil {
		if err = parseDate(*r.version, &e.ProcedureVersion); err != nil {
			return e, err
		}
	}
	if e.Limit, err = parseLimit(r.limit); err != nil {
		return e, err
	}
	return e, nil
}

// The fast readers of the JSON columns, for decodeJSON.

func readApplicant(r *jsonReader, a *dossier.Applicant) error {
	return r.object(func(key []byte) (err error) {
		var p *string
		switch string(key) {
		case "name":
			p = &a.Name
		case "idNumber":
			p = &a.IDNumber
		case "phone":
			p = &a.Phone
		case "email":
			p = &a.Email
		case "address":
			p = &a.Address
		case "organisation":
			p = &a.Organisation
		default:
			return errSlowPath
		}
		*p, err = r.str()
		return err
	})
}

func readEvents(r *jsonReader, es *[]eventRow) error {
	return r.array(func() error {
		var e eventRow
		ints := func(ps ...*int64) error {
			for _, p := range ps {
				n, ok, err := r.int()
				if err != nil || !ok {
					return errSlowPath
				}
				*p = n
				if err := r.expect(','); err != nil {
					return err
				}
			}
			return nil
		}
		times := func(ps ...*optInt) error {
			for _, p := range ps {
				n, ok, err := r.int()
				if err != nil {
					return err
				}
				*p = optInt{n, ok}
				if err := r.expect(','); err != nil {
					return err
				}
			}
			return nil
		}
		strs := func(ps ...*string) error {
			for _, p := range ps {
				var err error
				if *p, err = r.str(); err != nil {
					return err
				}
				if err := r.expect(','); err != nil {
					return err
				}
			}
			return nil
		}
		if err := r.expect('['); err != nil {
			return err
		}
		if err := ints(&e.n); err != nil {
			return err
		}
		if err := times(&e.at); err != nil {
			return err
		}
		if err := ints(&e.kind); err != nil {
			return err
		}
		if err := strs(&e.actor); err != nil {
			return err
		}
		if err := ints(&e.from, &e.to, &e.skew); err != nil {
			return err
		}
		if err := strs(&e.reason, &e.receiver, &e.step); err != nil {
			return err
		}
		if err := times(&e.stepDue, &e.due, &e.legalDue); err != nil {
			return err
		}
		if !r.null() {
			v, err := r.str()
			if err != nil {
				return err
			}
			e.version = &v
		}
		if err := r.expect(','); err != nil {
			return err
		}
		if err := strs(&e.limit); err != nil {
			return err
		}
		n, ok, err := r.int()
		if err != nil || !ok {
			return errSlowPath
		}
		e.regime = n
		if err := r.expect(','); err != nil {
			return err
		}
		if e.supplementBy.v, e.supplementBy.ok, err = r.int(); err != nil {
			return err
		}
		*es = append(*es, e)
		return r.expect(']')
	})
}
