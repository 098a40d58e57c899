package sqlstore

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

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
		*c.t = time.UnixMicro(v).In(sla.ICT)
	default:
		return fmt.Errorf("sqlstore: cannot read a time from %T", src)
	}
	return nil
}

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
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot read a date from %T", src)
	}
	return nil
}

func (c dateCol) parse(s string) error {
	d, err := sla.ParseDate(s)
	if err != nil {
		return fmt.Errorf("sqlstore: reading a date: %w", err)
	}
	*c.d = d
	return nil
}

// jsonTime writes an instant in JSON columns as RFC 3339 in ICT, to the
// microsecond, so that it reads well in the database; "" is unset.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Truncate(time.Microsecond).In(sla.ICT).Format(time.RFC3339Nano)
}

func parseJSONTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlstore: reading a time: %w", err)
	}
	return t.In(sla.ICT), nil
}

// The JSON forms of the columns pauses and handovers. They are the store's
// own, with explicit names, so that the database stays readable by SQL and
// does not change when the Go structs do.
type pauseJSON struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"` // "" while the pause is open
}

type handoverJSON struct {
	Step       string         `json:"step,omitempty"`
	From       string         `json:"from,omitempty"`
	To         string         `json:"to,omitempty"`
	At         string         `json:"at,omitempty"`
	Due        string         `json:"due,omitempty"`
	Done       string         `json:"done,omitempty"`
	Timeliness sla.Timeliness `json:"timeliness,omitempty"` // 1 early, 2 on time, 3 late, …
}

// limits caches parsed time limits: a catalogue has a few dozen, and
// sla.ParseDuration, which reads every way procedures write them, is a
// large part of decoding a row.
var limits = struct {
	sync.RWMutex
	m map[string]sla.Duration
}{m: map[string]sla.Duration{}}

func parseLimit(s string) (sla.Duration, error) {
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

// dossierArgs returns the values of dossierColumns for d.
func (s *Store) dossierArgs(d *dossier.Dossier) ([]any, error) {
	code, err := d.Code.Value()
	if err != nil {
		return nil, err
	}
	if d.Code.IsZero() {
		return nil, fmt.Errorf("sqlstore: the dossier has no code")
	}
	limit := ""
	if !d.Limit.IsZero() {
		b, err := d.Limit.MarshalText()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: dossier %s: %w", d.Code, err)
		}
		limit = string(b)
	}
	regime, err := d.Regime.MarshalText()
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dossier %s: %w", d.Code, err)
	}
	applicant, err := json.Marshal(d.Applicant)
	if err != nil {
		return nil, err
	}
	pauses := make([]pauseJSON, len(d.Pauses))
	for i, p := range d.Pauses {
		pauses[i] = pauseJSON{Start: jsonTime(p.Start), End: jsonTime(p.End)}
	}
	pj, err := json.Marshal(pauses)
	if err != nil {
		return nil, err
	}
	handovers := make([]handoverJSON, len(d.Handovers))
	for i, h := range d.Handovers {
		handovers[i] = handoverJSON{Step: h.Step, From: h.From, To: h.To, At: jsonTime(h.At), Due: jsonTime(h.Due), Done: jsonTime(h.Done), Timeliness: h.Timeliness}
	}
	hj, err := json.Marshal(handovers)
	if err != nil {
		return nil, err
	}
	return []any{
		d.ID, code, d.Code.Agency, d.Code.Date.String(), d.Code.Seq,
		d.Procedure, dateArg(d.ProcedureVersion), limit, string(regime),
		string(applicant), int64(d.Channel), int64(d.ReturnChannel),
		s.timeArg(d.SubmittedAt), s.timeArg(d.ReceivedAt), s.timeArg(d.Due), s.timeArg(d.OriginalDue), s.timeArg(d.FinishedAt), s.timeArg(d.ReturnedAt),
		string(pj), string(hj), int64(d.Status), int64(d.Version),
	}, nil
}

// eventArgs returns the values of the rows of events, numbered from n.
func (s *Store) eventArgs(d *dossier.Dossier, n int, events []dossier.Event) []any {
	args := make([]any, 0, len(events)*eventsEach)
	for i, e := range events {
		args = append(args, d.ID, n+i, s.timeArg(e.At), int64(e.Kind), e.Actor, int64(e.From), int64(e.To), e.Note)
	}
	return args
}

// scanner is *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanDossier reads a row of selectDossier. The JSON columns may be
// sql.RawBytes: they are decoded before the next row.
func scanDossier(sc scanner) (*dossier.Dossier, error) {
	var (
		d                              dossier.Dossier
		limit, regime                  string
		applicant, pauses, hand, evs   []byte
		channel, returnChannel, status int64
	)
	err := sc.Scan(&d.ID, &d.Code, &d.Procedure, dateCol{&d.ProcedureVersion}, &limit, &regime, &applicant,
		&channel, &returnChannel, timeCol{&d.SubmittedAt}, timeCol{&d.ReceivedAt}, timeCol{&d.Due},
		timeCol{&d.OriginalDue}, timeCol{&d.FinishedAt}, timeCol{&d.ReturnedAt},
		&pauses, &hand, &status, &d.Version, &evs)
	if err != nil {
		return nil, err
	}
	bad := func(what string, err error) (*dossier.Dossier, error) {
		return nil, fmt.Errorf("sqlstore: dossier %s: reading %s: %w", d.Code, what, err)
	}
	if limit != "" {
		if d.Limit, err = parseLimit(limit); err != nil {
			return bad("the time limit", err)
		}
	}
	if err := d.Regime.UnmarshalText([]byte(regime)); err != nil {
		return bad("the supplement regime", err)
	}
	if d.Applicant, err = decodeJSON(applicant, readApplicant); err != nil {
		return bad("the applicant", err)
	}
	d.Channel, d.ReturnChannel, d.Status = procedure.Channel(channel), procedure.Channel(returnChannel), dossier.Status(status)

	ps, err := decodeJSON(pauses, readPauses)
	if err != nil {
		return bad("the pauses", err)
	}
	if len(ps) > 0 {
		d.Pauses = make([]sla.Interval, len(ps))
		for i, p := range ps {
			if d.Pauses[i].Start, err = parseJSONTime(p.Start); err != nil {
				return bad("the pauses", err)
			}
			if d.Pauses[i].End, err = parseJSONTime(p.End); err != nil {
				return bad("the pauses", err)
			}
		}
	}
	hs, err := decodeJSON(hand, readHandovers)
	if err != nil {
		return bad("the handovers", err)
	}
	if len(hs) > 0 {
		d.Handovers = make([]dossier.Handover, len(hs))
		for i, h := range hs {
			o := dossier.Handover{Step: h.Step, From: h.From, To: h.To, Timeliness: h.Timeliness}
			for _, t := range []struct {
				s string
				t *time.Time
			}{{h.At, &o.At}, {h.Due, &o.Due}, {h.Done, &o.Done}} {
				if *t.t, err = parseJSONTime(t.s); err != nil {
					return bad("the handovers", err)
				}
			}
			d.Handovers[i] = o
		}
	}
	if d.Events, err = decodeEvents(evs); err != nil {
		return bad("the events", err)
	}
	return &d, nil
}

// decodeEvents reads the events array of selectDossier; none is nil, as a
// dossier with no events has them.
func decodeEvents(b []byte) ([]dossier.Event, error) {
	rows, err := decodeJSON(b, readEvents)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	events := make([]dossier.Event, len(rows))
	for i, r := range rows {
		events[i] = dossier.Event(r)
	}
	return events, nil
}

// An eventRow reads one [occurred_at, kind, actor, from, to, note] array.
type eventRow dossier.Event

func (r *eventRow) UnmarshalJSON(b []byte) error {
	var (
		at             *int64
		kind, from, to uint8
	)
	// Decoding into pointers held in a []any fills what they point at.
	fields := []any{&at, &kind, &r.Actor, &from, &to, &r.Note}
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if len(fields) != 6 {
		return fmt.Errorf("an event has %d fields, want 6", len(fields))
	}
	if at != nil {
		r.At = time.UnixMicro(*at).In(sla.ICT)
	}
	r.Kind, r.From, r.To = dossier.Kind(kind), dossier.Status(from), dossier.Status(to)
	return nil
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

func readPauses(r *jsonReader, ps *[]pauseJSON) error {
	return r.array(func() error {
		var p pauseJSON
		err := r.object(func(key []byte) (err error) {
			switch string(key) {
			case "start":
				p.Start, err = r.str()
			case "end":
				p.End, err = r.str()
			default:
				return errSlowPath
			}
			return err
		})
		*ps = append(*ps, p)
		return err
	})
}

func readHandovers(r *jsonReader, hs *[]handoverJSON) error {
	return r.array(func() error {
		var h handoverJSON
		err := r.object(func(key []byte) (err error) {
			switch string(key) {
			case "step":
				h.Step, err = r.str()
			case "from":
				h.From, err = r.str()
			case "to":
				h.To, err = r.str()
			case "at":
				h.At, err = r.str()
			case "due":
				h.Due, err = r.str()
			case "done":
				h.Done, err = r.str()
			case "timeliness":
				var n uint8
				n, err = r.small()
				h.Timeliness = sla.Timeliness(n)
			default:
				return errSlowPath
			}
			return err
		})
		*hs = append(*hs, h)
		return err
	})
}

func readEvents(r *jsonReader, es *[]eventRow) error {
	return r.array(func() error {
		// [occurred_at, kind, actor, from, to, note]
		if err := r.expect('['); err != nil {
			return err
		}
		at, set, err := r.int()
		if err != nil {
			return err
		}
		var e eventRow
		if set {
			e.At = time.UnixMicro(at).In(sla.ICT)
		}
		var k, f, t uint8
		if err := r.expect(','); err != nil {
			return err
		}
		if k, err = r.small(); err != nil {
			return err
		}
		if err := r.expect(','); err != nil {
			return err
		}
		if e.Actor, err = r.str(); err != nil {
			return err
		}
		if err := r.expect(','); err != nil {
			return err
		}
		if f, err = r.small(); err != nil {
			return err
		}
		if err := r.expect(','); err != nil {
			return err
		}
		if t, err = r.small(); err != nil {
			return err
		}
		if err := r.expect(','); err != nil {
			return err
		}
		if e.Note, err = r.str(); err != nil {
			return err
		}
		e.Kind, e.From, e.To = dossier.Kind(k), dossier.Status(f), dossier.Status(t)
		*es = append(*es, e)
		return r.expect(']')
	})
}
