package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// CutOptions are the thresholds of Cuts. The zero value asks for the
// defaults.
type CutOptions struct {
	// MinResolved is how many dossiers a procedure must have resolved in
	// the period, under one limit, to be judged. Defaults to 30.
	MinResolved int
	// Percentile is the share of dossiers, in percent, that the proposal
	// must let finish: the proposal rests on the time used at this
	// nearest-rank percentile. Defaults to 90.
	Percentile int
	// MaxShare is how much of the limit the time used at Percentile may
	// take for a cut to be proposed. Defaults to 0.5: one half.
	MaxShare float64
}

// The defaults of CutOptions.
const (
	DefaultMinResolved = 30
	DefaultPercentile  = 90
	DefaultMaxShare    = 0.5
)

func (o *CutOptions) check() error {
	o.MinResolved = cmp.Or(o.MinResolved, DefaultMinResolved)
	o.Percentile = cmp.Or(o.Percentile, DefaultPercentile)
	o.MaxShare = cmp.Or(o.MaxShare, DefaultMaxShare)
	switch {
	case o.MinResolved < 1:
		return fmt.Errorf("%w: CutOptions.MinResolved %d is not positive", ErrQuery, o.MinResolved)
	case o.Percentile < 1 || o.Percentile > 100:
		return fmt.Errorf("%w: CutOptions.Percentile %d is outside 1–100", ErrQuery, o.Percentile)
	case !(o.MaxShare > 0 && o.MaxShare <= 1):
		return fmt.Errorf("%w: CutOptions.MaxShare %v is outside (0, 1]", ErrQuery, o.MaxShare)
	}
	return nil
}

// A Cut is the evidence on one procedure's time limit, and the shorter
// limit it supports, if any. Times are in the limit's unit: working days
// (13 working hours on an 8-hour day are 1,625 days) or working hours.
type Cut struct {
	Procedure string       `json:"procedure"` // the procedure's code
	Name      string       `json:"name"`      // its name
	Limit     sla.Duration `json:"limit"`     // the legal limit its dossiers were received under
	// Resolved counts its dossiers resolved in the period under Limit.
	Resolved int `json:"resolved"`
	// Median, P90 and Max are the nearest-rank median, 90th percentile and
	// maximum of the time used, in the limit's unit.
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
	// Percentile is CutOptions.Percentile, and Basis the time used at it,
	// on which the proposal rests (P90 with the defaults).
	Percentile int     `json:"percentile"`
	Basis      float64 `json:"basis"`
	// Proposed is the shorter limit proposed, in the limit's unit; zero
	// when the evidence does not support one.
	Proposed sla.Duration `json:"proposed,omitzero"`
}

// Proposes reports whether c proposes a shorter limit.
func (c Cut) Proposes() bool { return !c.Proposed.IsZero() }

// String writes the proposal as a line of a report: "1.001776: 90% xong
// trong 1,8 ngày làm việc / thời hạn 10 ngày → đề xuất 2 ngày", without
// the arrow and what follows when there is no proposal.
func (c Cut) String() string {
	unit, short := "ngày làm việc", "ngày"
	if c.Limit.Unit() == sla.UnitWorkingHours {
		unit, short = "giờ làm việc", "giờ"
	}
	s := fmt.Sprintf("%s: %d%% xong trong %s %s / thời hạn %d %s", c.Procedure, c.Percentile, decimal(c.Basis), unit, c.Limit.Count(), short)
	if c.Proposes() {
		s += fmt.Sprintf(" → đề xuất %d %s", c.Proposed.Count(), short)
	}
	return s
}

// Cuts weighs each procedure's time limit against the working time its
// dossiers resolved in the period used, and proposes the limits that can
// be cut. Query.Catalog is required, for the limits; Query.Cuts holds the
// thresholds; Query.By is ignored.
//
// A procedure's dossiers are judged under the limit of the version and
// channel they were received under (procedure.Procedure.DurationFor), so a
// procedure whose limit changed, or that publishes a shorter online limit,
// has a Cut per limit. Each needs CutOptions.MinResolved dossiers.
// Limits counted on the calendar (days, months, "trong ngày") are left
// out: they have no fixed working time to compare the time used with, and
// a proposal in working days would change the limit's kind, not shorten
// it. Dossiers of procedures the catalogue does not have are left out too.
//
// The time used is the working time from receipt to the result with the
// pauses (supplement or payment awaited) taken out; under the restart
// regime too it counts from receipt. A cut is proposed when the time used
// at CutOptions.Percentile is at most CutOptions.MaxShare of the limit:
// that time rounded up to a whole unit, at least 1, and shorter than the
// limit.
//
// The Cuts are ordered by procedure code, then limit; with none to judge
// the slice is empty, not nil. The pass reads the
// facts, then in full only the dossiers that paused, of the procedures
// with enough dossiers, many in each Store.List (dossier.Filter.Codes).
func Cuts(ctx context.Context, q Query) ([]Cut, error) {
	if err := q.checkAnalysis(); err != nil {
		return nil, err
	}
	p, err := newCutsPass(q, newGrouper(q))
	if err != nil {
		return nil, err
	}
	if err := run(ctx, q, nil, p); err != nil {
		return nil, err
	}
	return p.finish(ctx)
}

// A cutsPass gathers the time used by the resolved dossiers, by procedure
// version, then by the limit of their channel; versions with the same
// limit are joined when it finishes.
type cutsPass struct {
	q         Query
	opt       CutOptions
	g         *grouper
	byVersion map[*cached][]*used
}

// used is the time used by the dossiers of a procedure under a limit.
type used struct {
	code, name string
	limit      sla.Duration
	times      []time.Duration
	paused     []paused
}

// paused names a dossier that paused, and its place in used.times.
type paused struct {
	code dossier.Code
	i    int
}

func newCutsPass(q Query, g *grouper) (*cutsPass, error) {
	if q.Catalog == nil {
		return nil, fmt.Errorf("%w: Cuts needs Query.Catalog for the limits", ErrQuery)
	}
	opt := q.Cuts
	if err := opt.check(); err != nil {
		return nil, err
	}
	return &cutsPass{q: q, opt: opt, g: g, byVersion: map[*cached][]*used{}}, nil
}

func (p *cutsPass) add(j *judged) {
	f := &j.f
	if j.c.Resolved == 0 {
		return
	}
	v := p.g.lookup(f)
	if !v.ok {
		return
	}
	limit := v.p.DurationFor(f.Channel)
	if u := limit.Unit(); u != sla.UnitWorkingDays && u != sla.UnitWorkingHours {
		return
	}
	var x *used
	for _, a := range p.byVersion[v] {
		if a.limit == limit {
			x = a
		}
	}
	if x == nil {
		x = &used{code: f.Procedure, name: v.p.Name, limit: limit}
		p.byVersion[v] = append(p.byVersion[v], x)
	}
	if f.Pauses > 0 {
		x.paused = append(x.paused, paused{f.Code, len(x.times)})
	}
	x.times = append(x.times, p.q.Calendar.WorkingTime(f.ReceivedAt, f.FinishedAt))
}

// finish takes the pauses out, reading the dossiers that paused in the
// procedures with enough dossiers, and weighs each limit.
func (p *cutsPass) finish(ctx context.Context) ([]Cut, error) {
	type key struct {
		code  string
		limit sla.Duration
	}
	groups := map[key]*used{}
	for _, us := range p.byVersion {
		for _, a := range us {
			k := key{a.code, a.limit}
			x := groups[k]
			if x == nil {
				groups[k] = a
				continue
			}
			for _, q := range a.paused {
				x.paused = append(x.paused, paused{q.code, q.i + len(x.times)})
			}
			x.times = append(x.times, a.times...)
		}
	}
	var (
		codes []dossier.Code
		times []*time.Duration // the time used by each of codes
	)
	for k, x := range groups {
		if len(x.times) < p.opt.MinResolved {
			delete(groups, k)
			continue
		}
		for _, q := range x.paused {
			codes = append(codes, q.code)
			times = append(times, &x.times[q.i])
		}
	}
	err := readAll(ctx, p.q.Store, codes, "paused dossier", func(i int, d *dossier.Dossier) {
		*times[i] -= pausedTime(d, p.q.Calendar)
	})
	if err != nil {
		return nil, err
	}
	day := p.q.Calendar.DayLength()
	cuts := []Cut{}
	for k, x := range groups {
		unit := day
		if k.limit.Unit() == sla.UnitWorkingHours {
			unit = time.Hour
		}
		cuts = append(cuts, cut(k.code, x.name, k.limit, x.times, unit, p.opt))
	}
	slices.SortFunc(cuts, func(a, b Cut) int {
		return cmp.Or(cmp.Compare(a.Procedure, b.Procedure), cmp.Compare(a.Limit.Unit(), b.Limit.Unit()), cmp.Compare(a.Limit.Count(), b.Limit.Count()))
	})
	return cuts, nil
}

// pausedTime returns the working time d's clock stood still between its
// receipt and its result.
func pausedTime(d *dossier.Dossier, cal *sla.Calendar) time.Duration {
	var t time.Duration
	for _, iv := range d.Pauses() {
		from, to := later(iv.Start, d.ReceivedAt()), iv.End
		if to.IsZero() || to.After(d.FinishedAt()) {
			to = d.FinishedAt()
		}
		if to.After(from) {
			t += cal.WorkingTime(from, to)
		}
	}
	return t
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// cut weighs the times used under one limit, counted in unit.
func cut(code, name string, limit sla.Duration, used []time.Duration, unit time.Duration, opt CutOptions) Cut {
	slices.Sort(used)
	in := func(d time.Duration) float64 { return float64(d) / float64(unit) }
	basis := rank(used, opt.Percentile)
	c := Cut{
		Procedure: code, Name: name, Limit: limit, Resolved: len(used),
		Median: in(rank(used, 50)), P90: in(rank(used, 90)), Max: in(used[len(used)-1]),
		Percentile: opt.Percentile, Basis: in(basis),
	}
	n := int64(limit.Count())
	if float64(basis) <= opt.MaxShare*float64(n)*float64(unit) {
		if p := max(ceilDiv(max(basis, 0), unit), 1); p < n {
			if limit.Unit() == sla.UnitWorkingHours {
				c.Proposed = sla.WorkingHours(int(p))
			} else {
				c.Proposed = sla.WorkingDays(int(p))
			}
		}
	}
	return c
}
