package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A Period is the half-open interval [From, To) that a report covers.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Contains reports whether t falls within p.
func (p Period) Contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(p.From) && t.Before(p.To)
}

// A GroupBy says what the rows of a report are.
type GroupBy uint8

const (
	ByField     GroupBy = iota + 1 // lĩnh vực
	ByLevel                        // cấp: province, district, commune
	ByProcedure                    // thủ tục hành chính
	ByAgency                       // the agency e-ID that received the dossier
)

var groupNames = [...]struct{ text, vi string }{
	ByField:     {"field", "Lĩnh vực"},
	ByLevel:     {"level", "Cấp"},
	ByProcedure: {"procedure", "Thủ tục"},
	ByAgency:    {"agency", "Cơ quan"},
}

// ParseGroupBy reads "field", "level", "procedure" or "agency".
func ParseGroupBy(s string) (GroupBy, error) {
	for g := ByField; g <= ByAgency; g++ {
		if groupNames[g].text == s {
			return g, nil
		}
	}
	return 0, fmt.Errorf("report: unknown grouping %q: want field, level, procedure or agency", s)
}

// String returns "field", "level", "procedure" or "agency".
func (g GroupBy) String() string {
	if g.valid() {
		return groupNames[g].text
	}
	return fmt.Sprintf("GroupBy(%d)", uint8(g))
}

// MarshalText writes g as String does.
func (g GroupBy) MarshalText() ([]byte, error) {
	if !g.valid() {
		return nil, fmt.Errorf("report: invalid grouping %d", uint8(g))
	}
	return []byte(g.String()), nil
}

func (g GroupBy) valid() bool { return g >= ByField && g <= ByAgency }

// Counts are the columns of Biểu 06 for one row.
type Counts struct {
	CarriedOver    int `json:"carriedOver"`    // kỳ trước chuyển qua: received before From, still being handled at From
	Online         int `json:"online"`         // received in the period online (trực tuyến)
	DirectOrPostal int `json:"directOrPostal"` // received in the period at the counter or by the public postal service
	Postal         int `json:"postal"`         // of DirectOrPostal, by the public postal service (bưu chính công ích)

	Resolved int `json:"resolved"` // a result in the period: Early + OnTime + Late
	Early    int `json:"early"`    // trước hạn
	OnTime   int `json:"onTime"`   // đúng hạn
	Late     int `json:"late"`     // quá hạn

	Pending        int `json:"pending"`        // still being handled at To: PendingInTime + PendingOverdue
	PendingInTime  int `json:"pendingInTime"`  // trong hạn
	PendingOverdue int `json:"pendingOverdue"` // quá hạn

	// Ended in the period without a result; Refused counts dossiers
	// refused after their receipt.
	Withdrawn int `json:"withdrawn"`
	Stopped   int `json:"stopped"`
	Refused   int `json:"refused"`

	// NotAccepted counts dossiers filed online and refused before receipt
	// (không được tiếp nhận) in the period; they are not part of Total.
	NotAccepted int `json:"notAccepted"`
}

// Total returns CarriedOver + Online + DirectOrPostal: the form's "tổng số
// hồ sơ nhận giải quyết".
func (c Counts) Total() int { return c.CarriedOver + c.Online + c.DirectOrPostal }

// Received returns the dossiers received in the period: Online +
// DirectOrPostal.
func (c Counts) Received() int { return c.Online + c.DirectOrPostal }

// OnTimeRate returns (Early + OnTime) ÷ Resolved, the share resolved by the
// legal due time; 0 with nothing resolved.
func (c Counts) OnTimeRate() float64 {
	if c.Resolved == 0 {
		return 0
	}
	return float64(c.Early+c.OnTime) / float64(c.Resolved)
}

func (c *Counts) add(o Counts) {
	c.CarriedOver += o.CarriedOver
	c.Online += o.Online
	c.DirectOrPostal += o.DirectOrPostal
	c.Postal += o.Postal
	c.Resolved += o.Resolved
	c.Early += o.Early
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.Pending += o.Pending
	c.PendingInTime += o.PendingInTime
	c.PendingOverdue += o.PendingOverdue
	c.Withdrawn += o.Withdrawn
	c.Stopped += o.Stopped
	c.Refused += o.Refused
	c.NotAccepted += o.NotAccepted
}

// A Row is one line of the form: a field, a level, a procedure or an
// agency.
type Row struct {
	// Key is the field's code (or its name when it has none), the level
	// ("province", "district", "commune"), the procedure's code or the
	// agency's e-ID.
	Key string `json:"key"`
	// Name is what the form prints: the field's or procedure's name, the
	// level in Vietnamese, the agency's e-ID.
	Name string `json:"name"`
	Counts
}

// Statistics is Biểu 06 for a period.
type Statistics struct {
	Period Period  `json:"period"`
	By     GroupBy `json:"by"`
	Rows   []Row   `json:"rows"`  // sorted by Key
	Total  Counts  `json:"total"` // the sum of the rows
}

// A Query asks for the statistics of a period, or for one of its
// analyses (Late, Cuts, Channels, Quality, ByMonth).
type Query struct {
	// Store holds the dossiers. Required.
	Store dossier.Store
	// Catalog gives each dossier's field, level and procedure name, from
	// the version it was received under. Required for ByField and ByLevel;
	// with ByProcedure it gives the names.
	Catalog *procedure.Catalog
	// Calendar judges timeliness. Defaults to sla.Default().
	Calendar *sla.Calendar
	// Period is the period, [From, To). Required, From before To.
	Period Period
	// By groups the rows. Defaults to ByField.
	By GroupBy
	// Cuts holds the thresholds of Cuts; the other analyses ignore it.
	// Defaults to the defaults of CutOptions.
	Cuts CutOptions
}

// ErrQuery means a Query is incomplete or inconsistent.
var ErrQuery = errors.New("report: invalid query")

// unknownName is the row of dossiers whose procedure the catalogue does not
// have, for the groupings that need it.
const unknownName = "Không xác định"

// Compute counts the period's dossiers, row by row (see the package doc).
func Compute(ctx context.Context, q Query) (*Statistics, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	p := newStatsPass(q)
	if err := run(ctx, q, q.Calendar, p); err != nil {
		return nil, err
	}
	return p.finish(), nil
}

// A statsPass counts the rows of the form.
type statsPass struct {
	q    Query
	g    *grouper // by q.By
	rows map[string]*Counts
}

func newStatsPass(q Query) *statsPass {
	return &statsPass{q: q, g: newGrouper(q), rows: map[string]*Counts{}}
}

func (p *statsPass) add(j *judged) {
	k := p.g.key(&j.f)
	if p.rows[k] == nil {
		p.rows[k] = &Counts{}
	}
	p.rows[k].add(j.c)
}

func (p *statsPass) finish() *Statistics {
	s := &Statistics{Period: p.q.Period, By: p.q.By}
	for _, k := range slices.Sorted(maps.Keys(p.rows)) {
		s.Rows = append(s.Rows, Row{Key: k, Name: p.g.names[k], Counts: *p.rows[k]})
		s.Total.add(*p.rows[k])
	}
	return s
}

func (q *Query) check() error {
	if q.Calendar == nil {
		q.Calendar = sla.Default()
	}
	if q.By == 0 {
		q.By = ByField
	}
	switch {
	case q.Store == nil:
		return fmt.Errorf("%w: Query.Store is required", ErrQuery)
	case q.Period.From.IsZero() || q.Period.To.IsZero() || !q.Period.From.Before(q.Period.To):
		return fmt.Errorf("%w: the period must have From before To", ErrQuery)
	case !q.By.valid():
		return fmt.Errorf("%w: unknown grouping %d", ErrQuery, uint8(q.By))
	case q.Catalog == nil && (q.By == ByField || q.By == ByLevel):
		return fmt.Errorf("%w: grouping by %s needs Query.Catalog", ErrQuery, q.By)
	}
	return nil
}

// Totals counts facts over the period p as Compute counts a row, for
// callers that hold dossiers rather than a Store; facts may hold more than
// the period.
func Totals(cal *sla.Calendar, p Period, facts iter.Seq[dossier.Facts]) Counts {
	var c Counts
	for f := range facts {
		if f.Live(p.From, p.To) {
			count(&c, &f, p, cal)
		}
	}
	return c
}

// checkAnalysis checks q for an analysis, which has its own groups: it
// ignores q.By, and groups by procedure where it looks procedures up.
func (q *Query) checkAnalysis() error {
	q.By = ByProcedure
	return q.check()
}

// facts yields the facts of the dossiers a period can count: from the
// store's own facts where it keeps them, or else from its dossiers.
func facts(ctx context.Context, s dossier.Store, p Period) iter.Seq2[dossier.Facts, error] {
	if fs, ok := s.(dossier.FactStore); ok {
		return fs.ListFacts(ctx, p.From, p.To)
	}
	return func(yield func(dossier.Facts, error) bool) {
		for d, err := range s.List(ctx, dossier.Filter{}) {
			if err != nil {
				yield(dossier.Facts{}, err)
				return
			}
			if f := d.Facts(); f.Live(p.From, p.To) && !yield(f, nil) {
				return
			}
		}
	}
}

// readBatch is how many dossiers readAll asks List for at a time. On a
// million dossiers, batches of 128 to 2,048 read late ones in 60–80 % of
// the time of a Get each on SQLite and 35–45 % on PostgreSQL, no size
// clearly best over runs (BenchmarkSQLiteReadLate in dossier/sqlstore);
// 512 keeps few dossiers in memory at once.
const readBatch = 512

// readAll reads the dossiers of codes in full, readBatch at a time
// (dossier.Filter.Codes), and calls f with each and its index in codes, in
// the order of codes. what names them in errors. The dossiers of a batch
// whose List fails, or that it left out, are read again one at a time with
// Get, so that an error names the dossier that failed. A Store that lists
// a dossier it was not asked for does not know Filter.Codes (one written
// before it): the rest are read with Get, rather than the whole store once
// a batch.
func readAll(ctx context.Context, s dossier.Store, codes []dossier.Code, what string, f func(i int, d *dossier.Dossier)) error {
	batches := true
	for lo := 0; lo < len(codes); lo += readBatch {
		batch := codes[lo:min(lo+readBatch, len(codes))]
		got := make(map[dossier.Code]*dossier.Dossier, len(batch))
		if batches {
			for _, c := range batch {
				got[c] = nil
			}
			for d, err := range s.List(ctx, dossier.Filter{Codes: batch}) {
				if err != nil {
					break
				}
				if _, asked := got[d.Code]; !asked {
					batches = false
					break
				}
				got[d.Code] = d
			}
		}
		for i, c := range batch {
			d := got[c]
			if d == nil {
				var err error
				if d, err = s.Get(ctx, c); err != nil {
					return fmt.Errorf("report: reading %s %s: %w", what, c, err)
				}
			}
			f(lo+i, d)
		}
	}
	return nil
}

// A judged dossier is one the period counts, with what it adds to the
// counts.
type judged struct {
	f dossier.Facts
	c Counts
}

// counted yields each dossier the period of q counts, judged by count on
// cal (nil: see count), or the error that stopped the listing. The value
// yielded is reused: it is valid until the next.
func counted(ctx context.Context, q Query, cal *sla.Calendar) iter.Seq2[*judged, error] {
	return func(yield func(*judged, error) bool) {
		var j judged
		for f, err := range facts(ctx, q.Store, q.Period) {
			if err != nil {
				yield(nil, err)
				return
			}
			j.f, j.c = f, Counts{}
			if count(&j.c, &j.f, q.Period, cal) && !yield(&j, nil) {
				return
			}
		}
	}
}

// count adds one dossier to c, and reports whether the period counts it.
// With a nil cal it does not tell early from on time, and counts both
// OnTime: late is finished after the legal due time (as Classify judges
// it) or more than one supplement request, which needs no calendar, and
// an analysis that only asks "late or not" saves the calendar's work.
func count(c *Counts, f *dossier.Facts, p Period, cal *sla.Calendar) bool {
	ended := !f.FinishedAt.IsZero() && f.FinishedAt.Before(p.To)
	if f.ReceivedAt.IsZero() {
		// Never received: only a refusal of an online filing counts.
		if f.Outcome == dossier.Refused && p.Contains(f.FinishedAt) {
			c.NotAccepted++
			return true
		}
		return false
	}
	if !f.ReceivedAt.Before(p.To) || (!f.FinishedAt.IsZero() && f.FinishedAt.Before(p.From)) {
		return false
	}
	switch {
	case f.ReceivedAt.Before(p.From):
		c.CarriedOver++
	case f.Channel == procedure.Online:
		c.Online++
	default:
		c.DirectOrPostal++
		if f.Channel == procedure.Postal {
			c.Postal++
		}
	}
	if !ended {
		c.Pending++
		if f.OverdueAt(p.To) {
			c.PendingOverdue++
		} else {
			c.PendingInTime++
		}
		return true
	}
	switch f.Outcome {
	case dossier.Resolved:
		c.Resolved++
		if cal == nil {
			if f.Supplements > 1 || f.FinishedAt.After(f.LegalDue) {
				c.Late++
			} else {
				c.OnTime++
			}
			break
		}
		switch timeliness(f, cal) {
		case sla.Early:
			c.Early++
		case sla.OnTime:
			c.OnTime++
		default:
			c.Late++
		}
	case dossier.Withdrawn:
		c.Withdrawn++
	case dossier.Stopped:
		c.Stopped++
	case dossier.Refused:
		c.Refused++
	}
	return true
}

// Timeliness judges a resolved dossier by its facts, as
// dossier.Dossier.Timeliness judges the dossier: against its legal due
// time, and late with more than one supplement request.
func Timeliness(f dossier.Facts, cal *sla.Calendar) sla.Timeliness { return timeliness(&f, cal) }

func timeliness(f *dossier.Facts, cal *sla.Calendar) sla.Timeliness {
	if f.Supplements > 1 {
		return sla.Late
	}
	return cal.Classify(f.LegalDue, f.FinishedAt)
}

// A grouper gives each dossier its row, looking each procedure version up
// in the catalogue once.
type grouper struct {
	q     Query
	names map[string]string    // row key → name
	cache map[string][]*cached // by procedure code: its versions met so far
}

// cached is a procedure version as the grouper found it, with its row.
type cached struct {
	version   sla.Date
	p         procedure.Procedure
	ok        bool   // the catalogue has it
	key, name string // its row under q.By (but ByAgency)
}

func newGrouper(q Query) *grouper {
	return &grouper{q: q, names: map[string]string{}, cache: map[string][]*cached{}}
}

func (g *grouper) key(f *dossier.Facts) string {
	if g.q.By == ByAgency {
		k := f.Code.Agency
		if _, ok := g.names[k]; !ok {
			g.names[k] = k
		}
		return k
	}
	return g.lookup(f).key
}

// procedure returns the version f was received under; false if the
// catalogue does not have it, or there is no catalogue.
func (g *grouper) procedure(f *dossier.Facts) (*procedure.Procedure, bool) {
	c := g.lookup(f)
	return &c.p, c.ok
}

func (g *grouper) lookup(f *dossier.Facts) *cached {
	versions := g.cache[f.Procedure]
	for _, c := range versions {
		if c.version == f.ProcedureVersion {
			return c
		}
	}
	c := &cached{version: f.ProcedureVersion}
	if g.q.Catalog != nil {
		at := f.ReceivedAt
		if !f.ProcedureVersion.IsZero() {
			at = f.ProcedureVersion.At(12, 0)
		} else if at.IsZero() {
			at = f.RegisteredAt
		}
		if p, err := g.q.Catalog.Lookup(f.Procedure, at); err == nil {
			c.p, c.ok = p, true
		}
	}
	switch c.key, c.name = "", unknownName; g.q.By {
	case ByProcedure:
		c.key = f.Procedure
		if c.ok {
			c.name = c.p.Name
		}
	case ByField:
		if c.ok {
			c.key, c.name = cmp.Or(c.p.Field.Code, c.p.Field.Name), c.p.Field.Name
		}
	case ByLevel:
		if c.ok {
			text, _ := c.p.Level.MarshalText()
			c.key, c.name = string(text), c.p.Level.String()
		}
	}
	g.names[c.key] = c.name
	g.cache[f.Procedure] = append(versions, c)
	return c
}
