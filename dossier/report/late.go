package report

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// NoStep is the step that Late blames for a late dossier none of whose
// steps missed its own due time on the control slip: its lateness goes
// there, whole, rather than being spread over steps that were in time.
const NoStep = "Không ghi nhận bước trễ hạn"

// A LateAnalysis says why a period's late dossiers were late: which
// procedures, agencies and steps of the control slip they were late at.
// Late dossiers are those resolved in the period and late, as Compute
// counts them.
type LateAnalysis struct {
	Period Period `json:"period"`
	// Total is every late dossier of the period; its Steps rank all the
	// steps, the one that lost the most working time first.
	Total LateGroup `json:"total"`
	// ByProcedure has a group per procedure with a late dossier (Key the
	// code, Name the procedure's name), the most late first.
	ByProcedure []LateGroup `json:"byProcedure"`
	// ByAgency has a group per receiving agency with a late dossier (Key
	// and Name the agency's e-ID, as ByAgency rows are), the most late
	// first.
	ByAgency []LateGroup `json:"byAgency"`
	// Steps has a group per step of the control slip that made a dossier
	// late (Key the procedure's code, Name the step's name or NoStep), the
	// one that lost the most working time first. A step's group counts the
	// late dossiers it made late; Resolved is its procedure's.
	Steps []LateGroup `json:"steps"`
}

// A LateGroup is the late dossiers of a procedure, an agency or a step.
type LateGroup struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	// Resolved counts the group's dossiers resolved in the period, Late
	// those of them that were late.
	Resolved int `json:"resolved"`
	Late     int `json:"late"`
	// Median and P90 are the nearest-rank median and 90th percentile of
	// the late dossiers' overrun: the working time from the legal due time
	// to the result (sla.Calendar.WorkingTime). A dossier late only for its
	// second supplement request, resolved by the due time, overran by 0.
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
	// Steps are the steps whose own due time the group's late dossiers
	// missed, the one that lost the most working time first; for a step's
	// group, that step alone.
	Steps []StepLoss `json:"steps"`
}

// Share returns Late out of Resolved.
func (g LateGroup) Share() Share { return Share{g.Late, g.Resolved} }

// A StepLoss is what a step of the control slip cost late dossiers. A step
// is to blame when its handover came after its own due time
// (dossier.Handover.Done after Handover.Due); it lost the working time
// between the two. A late dossier with no such step puts its whole overrun
// on NoStep.
type StepLoss struct {
	Procedure string `json:"procedure"` // the procedure's code
	Step      string `json:"step"`      // the step's name, as dossier.Handover.Step names it, or NoStep
	// Late counts the late dossiers in which the step missed its due time.
	Late int `json:"late"`
	// Lost is the working time lost at the step, added up over them.
	Lost time.Duration `json:"lost"`
}

// Late analyses the period's late dossiers (see LateAnalysis). It finds
// them from the dossiers' facts in one pass, as Compute does, then reads
// only the late ones in full for their control slips, many in each
// Store.List (dossier.Filter.Codes). Query.By
// is ignored; Query.Catalog, if set, names the procedures.
func Late(ctx context.Context, q Query) (*LateAnalysis, error) {
	if err := q.checkAnalysis(); err != nil {
		return nil, err
	}
	p := newLatePass(q, newGrouper(q))
	if err := run(ctx, q, nil, p); err != nil {
		return nil, err
	}
	return p.finish(ctx)
}

// A latePass finds the late dossiers and counts the resolved ones by
// procedure and agency.
type latePass struct {
	q        Query
	g        *grouper // by procedure
	lates    []late
	total    int
	versions map[*cached]int // resolved, by procedure version
	agencies map[string]*int // resolved, by agency
	agency   string          // the last agency met, and its count
	agencyN  *int
}

type late struct {
	code            dossier.Code
	procedure, name string
	agency          string
	overrun         time.Duration
}

func newLatePass(q Query, g *grouper) *latePass {
	return &latePass{q: q, g: g, versions: map[*cached]int{}, agencies: map[string]*int{}}
}

func (p *latePass) add(j *judged) {
	f, c := &j.f, &j.c
	if c.Resolved == 0 {
		return
	}
	p.total++
	v := p.g.lookup(f)
	p.versions[v]++
	if p.agencyN == nil || f.Code.Agency != p.agency {
		p.agency, p.agencyN = f.Code.Agency, p.agencies[f.Code.Agency]
		if p.agencyN == nil {
			p.agencyN = new(int)
			p.agencies[p.agency] = p.agencyN
		}
	}
	*p.agencyN++
	if c.Late == 1 {
		p.lates = append(p.lates, late{f.Code, f.Procedure, v.name, f.Code.Agency,
			max(0, p.q.Calendar.WorkingTime(f.LegalDue, f.FinishedAt))})
	}
}

// finish reads the late dossiers' control slips and makes the analysis.
func (p *latePass) finish(ctx context.Context) (*LateAnalysis, error) {
	resolved := map[string]int{} // by procedure
	for v, n := range p.versions {
		resolved[v.key] += n
	}
	all := newLateAcc(TotalLabel, "")
	byProc, byAgency, bySteps := map[string]*lateAcc{}, map[string]*lateAcc{}, map[stepKey]*lateAcc{}
	acc := func(m map[string]*lateAcc, key, name string) *lateAcc {
		if m[key] == nil {
			m[key] = newLateAcc(name, key)
		}
		return m[key]
	}
	codes := make([]dossier.Code, len(p.lates))
	for i, l := range p.lates {
		codes[i] = l.code
	}
	err := readAll(ctx, p.q.Store, codes, "late dossier", func(i int, d *dossier.Dossier) {
		l := p.lates[i]
		losses := blame(d, l.procedure, l.overrun, p.q.Calendar)
		for _, x := range []*lateAcc{all, acc(byProc, l.procedure, l.name), acc(byAgency, l.agency, l.agency)} {
			x.add(l.overrun, losses)
		}
		for _, s := range losses {
			k := stepKey{s.Procedure, s.Step}
			if bySteps[k] == nil {
				bySteps[k] = newLateAcc(s.Step, s.Procedure)
			}
			bySteps[k].add(l.overrun, []StepLoss{s})
		}
	})
	if err != nil {
		return nil, err
	}

	a := &LateAnalysis{Period: p.q.Period, Total: all.group(p.total)}
	for _, k := range slices.Sorted(maps.Keys(byProc)) {
		a.ByProcedure = append(a.ByProcedure, byProc[k].group(resolved[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(byAgency)) {
		a.ByAgency = append(a.ByAgency, byAgency[k].group(*p.agencies[k]))
	}
	for _, x := range bySteps {
		a.Steps = append(a.Steps, x.group(resolved[x.key]))
	}
	mostLate := func(a, b LateGroup) int { return cmp.Or(cmp.Compare(b.Late, a.Late), cmp.Compare(a.Key, b.Key)) }
	slices.SortStableFunc(a.ByProcedure, mostLate)
	slices.SortStableFunc(a.ByAgency, mostLate)
	slices.SortFunc(a.Steps, func(a, b LateGroup) int { return byLoss(a.Steps[0], b.Steps[0]) })
	return a, nil
}

// blame returns the steps of d that missed their own due time, each once
// with the working time it lost (a step met twice, in a procedure that
// returns to it, adds both), or NoStep with the whole overrun.
func blame(d *dossier.Dossier, proc string, overrun time.Duration, cal *sla.Calendar) []StepLoss {
	var out []StepLoss
	for _, h := range d.Handovers() {
		t, ok := h.Timeliness(cal)
		if !ok || t != sla.Late {
			continue
		}
		lost := max(0, cal.WorkingTime(h.Due, h.Done))
		if i := slices.IndexFunc(out, func(s StepLoss) bool { return s.Step == h.Step }); i >= 0 {
			out[i].Lost += lost
			continue
		}
		out = append(out, StepLoss{Procedure: proc, Step: h.Step, Late: 1, Lost: lost})
	}
	if len(out) == 0 {
		out = append(out, StepLoss{Procedure: proc, Step: NoStep, Late: 1, Lost: overrun})
	}
	return out
}

type stepKey struct{ procedure, step string }

// A lateAcc gathers a group's late dossiers.
type lateAcc struct {
	name, key string
	overruns  []time.Duration
	steps     map[stepKey]*StepLoss
}

func newLateAcc(name, key string) *lateAcc {
	return &lateAcc{name: name, key: key, steps: map[stepKey]*StepLoss{}}
}

func (x *lateAcc) add(overrun time.Duration, losses []StepLoss) {
	x.overruns = append(x.overruns, overrun)
	for _, s := range losses {
		k := stepKey{s.Procedure, s.Step}
		if x.steps[k] == nil {
			x.steps[k] = &StepLoss{Procedure: s.Procedure, Step: s.Step}
		}
		x.steps[k].Late += s.Late
		x.steps[k].Lost += s.Lost
	}
}

func (x *lateAcc) group(resolved int) LateGroup {
	g := LateGroup{Key: x.key, Name: x.name, Resolved: resolved, Late: len(x.overruns)}
	g.Median, g.P90, _ = spread(x.overruns)
	for _, s := range x.steps {
		g.Steps = append(g.Steps, *s)
	}
	slices.SortFunc(g.Steps, byLoss)
	return g
}

// byLoss orders steps by the working time lost, most first, then by the
// dossiers they made late, then by procedure and name.
func byLoss(a, b StepLoss) int {
	return cmp.Or(cmp.Compare(b.Lost, a.Lost), cmp.Compare(b.Late, a.Late),
		cmp.Compare(a.Procedure, b.Procedure), cmp.Compare(a.Step, b.Step))
}
