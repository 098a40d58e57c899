package main

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// agency is the centre's e-ID, under which dossier codes are issued.
const agency = "000.00.01.H26"

// An outcome is what becomes of a dossier by the end of its year.
type outcome uint8

const (
	early outcome = iota
	onTime
	late
	open // still being handled, in time
)

// A job is one dossier's life as planned before the year runs.
type job struct {
	received, submitted time.Time
	channel             procedure.Channel
	outcome             outcome
	procedure           string
	due                 time.Time // as the plan computes it; checked against the Service's
	transfer            time.Time // the handover to the second step; zero: none
	resolved, returned  time.Time // zero: not within the year
	level               rating.Level
	code                dossier.Code
}

// A sim plans and runs years at one desk.
type sim struct {
	cal  *sla.Calendar
	week sla.Week
	rng  *rand.Rand
	// limits holds, for each channel, the procedures that allow it grouped
	// by their time limit, so that a due time is computed once a limit.
	limits map[procedure.Channel][]limit
	// stepped holds the procedures whose control slip has steps.
	stepped map[string]bool
}

// The analyses' findings, planted so that examples/report can show them
// found: the late dossiers go, where they can, to the procedure whose
// second step (checking against the residence database, five working days)
// runs past its own due time; and the procedure with a generous limit has
// only early dossiers, resolved within two working days of its ten.
const (
	slowProcedure     = "1.004222" // Đăng ký thường trú
	generousProcedure = "1.001776" // trợ cấp xã hội hằng tháng
)

// A limit is a time limit and the procedures that have it.
type limit struct {
	d     sla.Duration
	codes []string
}

// A result is what a simulated year reports: the press release and the
// statutory form, counted from the same dossiers.
type result struct {
	release  rating.Report
	form     *report.Statistics // Biểu 06 by field
	analyses *report.Analyses   // late dossiers, cuts, channels, the Decision 766 index
	months   []report.Month
}

// simulate runs the previous year and the year through a dossier.Service
// and returns the year's press release and Biểu 06.
func simulate(ctx context.Context, year int, seed uint64, scale float64) (result, error) {
	p, err := planFor(scale)
	if err != nil {
		return result{}, err
	}
	cat, err := catalogue()
	if err != nil {
		return result{}, err
	}
	s := &sim{cal: sla.Default(), week: sla.StandardWeek(), rng: rand.New(rand.NewPCG(seed, uint64(year))), limits: map[procedure.Channel][]limit{}, stepped: map[string]bool{}}
	for pr := range cat.All() {
		s.stepped[pr.Code] = len(pr.Steps) > 1
		for _, ch := range pr.Channels {
			ls := s.limits[ch]
			i := slices.IndexFunc(ls, func(l limit) bool { return l.d == pr.DurationFor(ch) })
			if i < 0 {
				i, ls = len(ls), append(ls, limit{d: pr.DurationFor(ch)})
			}
			ls[i].codes = append(ls[i].codes, pr.Code)
			s.limits[ch] = ls
		}
	}

	// The year before is the centre's first: its dossiers come in until
	// October and are all resolved on time within it, so that the year
	// reported carries none over, as the report reproduced says none.
	prev, err := s.plan(year-1, []int{p.previous, 0, 0}, []int{0, p.previous, 0}, nil, time.Date(year-1, time.November, 1, 0, 0, 0, 0, sla.ICT))
	if err != nil {
		return result{}, fmt.Errorf("planning %d: %w", year-1, err)
	}
	cur, err := s.plan(year, p.channels, p.outcomes, p.ratings, newYear(year+1))
	if err != nil {
		return result{}, fmt.Errorf("planning %d: %w", year, err)
	}

	var now time.Time
	clock := func() time.Time { return now }
	dossiers := memstore.New()
	svc, err := dossier.NewService(dossier.Config{Store: dossiers, Catalog: cat, Calendar: s.cal, Agency: agency, Now: clock})
	if err != nil {
		return result{}, err
	}
	ratings := rating.NewMemStoreWithClock(clock)
	if err := live(ctx, svc, ratings, &now, append(prev, cur...)); err != nil {
		return result{}, err
	}

	from, to := newYear(year), newYear(year+1)
	before, err := rating.Build(ctx, s.cal, dossiers, ratings, newYear(year-1), from, from)
	if err != nil {
		return result{}, err
	}
	r, err := rating.Build(ctx, s.cal, dossiers, ratings, from, to, to)
	if err != nil {
		return result{}, err
	}
	r.PreviousReceived = before.Counts.Received()
	form, err := report.Compute(ctx, report.Query{Store: dossiers, Catalog: cat, Calendar: s.cal, Period: report.Period{From: from, To: to}, By: report.ByField})
	if err != nil {
		return result{}, err
	}
	if form.Total != r.Counts {
		return result{}, fmt.Errorf("the form counts %+v, the press release %+v", form.Total, r.Counts)
	}
	vs, sat, _ := r.Ratings()
	q := report.Query{Store: dossiers, Catalog: cat, Calendar: s.cal, Period: report.Period{From: from, To: to}}
	an, err := report.Analyze(ctx, q, report.QualityInput{Satisfied: report.Share{Part: vs.N + sat.N, Whole: r.Satisfaction.Total()}})
	if err != nil {
		return result{}, err
	}
	months, err := report.ByMonth(ctx, q)
	if err != nil {
		return result{}, err
	}
	return result{r, form, an, months}, check(r, p)
}

// check makes sure the library counted what the plan meant: if the plan and
// the calendar ever disagreed on an outcome, the report would be wrong.
func check(r rating.Report, p plan) error {
	s := r.Counts
	got := []int{s.CarriedOver, s.DirectOrPostal - s.Postal, s.Online, s.Postal,
		s.Early, s.OnTime, s.Late, s.Pending, s.PendingOverdue,
		r.Satisfaction.Count(rating.VerySatisfied), r.Satisfaction.Count(rating.Satisfied), r.Satisfaction.Count(rating.Unsatisfied),
		r.PreviousReceived}
	want := slices.Concat([]int{0}, p.channels, p.outcomes, []int{sum(p.channels) - sum(p.outcomes), 0}, p.ratings, []int{p.previous})
	if !slices.Equal(got, want) {
		return fmt.Errorf("the report counts %v, the plan %v", got, want)
	}
	return nil
}

func newYear(y int) time.Time { return time.Date(y, time.January, 1, 0, 0, 0, 0, sla.ICT) }

// catalogue returns the shipped catalogue with the newest version of each
// procedure in force at all times (see the package doc).
func catalogue() (*procedure.Catalog, error) {
	sample := procedure.Sample()
	var ps []procedure.Procedure
	seen := map[string]bool{}
	for p := range sample.All() {
		if seen[p.Code] {
			continue
		}
		seen[p.Code] = true
		vs := sample.Versions(p.Code)
		newest := vs[len(vs)-1].Clone()
		newest.EffectiveFrom, newest.EffectiveTo = sla.Date{}, sla.Date{}
		ps = append(ps, newest)
	}
	return procedure.NewCatalog(ps...)
}

// plan draws the year's dossiers: channels, outcomes, procedures, and the
// time of every step, for dossiers received before until.
func (s *sim) plan(year int, channels, outcomes, levels []int, until time.Time) ([]*job, error) {
	asOf := newYear(year + 1)
	var days []sla.Date
	for d := sla.DateOf(newYear(year)); d.At(0, 0).Before(until); d = d.AddDays(1) {
		if s.cal.IsWorkday(d) {
			days = append(days, d)
		}
	}
	n := sum(channels)
	jobs := make([]*job, n)
	for i := range jobs {
		d := days[s.rng.IntN(len(days))]
		jobs[i] = &job{received: s.pick(d.At(0, 0), d.AddDays(1).At(0, 0))}
	}
	slices.SortFunc(jobs, func(a, b *job) int { return a.received.Compare(b.received) })
	for i, ch := range s.shuffled(channels) {
		j := jobs[i]
		j.channel = procedure.Direct + procedure.Channel(ch)
		j.submitted = j.received
		if j.channel == procedure.Online {
			// Filed on the portal at any hour, received when the desk
			// has checked it.
			j.submitted = j.received.Add(-time.Duration(s.rng.IntN(36*60)) * time.Minute)
		}
	}

	// The dossiers still open at the end of the year come from the last
	// weeks' receipts: three times as many as needed, to draw from.
	unresolved := n - sum(outcomes)
	tail := s.rng.Perm(min(n, 3*unresolved))
	for _, k := range tail {
		if unresolved == 0 {
			break
		}
		if j := jobs[n-1-k]; len(s.options(j, open, asOf)) > 0 {
			j.outcome = open
			unresolved--
		}
	}
	if unresolved > 0 {
		return nil, fmt.Errorf("%d dossiers cannot stay open in time at the end of the year", unresolved)
	}
	var rest []*job
	for _, j := range jobs {
		if j.outcome != open {
			rest = append(rest, j)
		}
	}
	for i, o := range s.shuffled(outcomes) {
		rest[i].outcome = outcome(o)
	}
	// Near the end of the year some outcomes cannot happen in time: a
	// dossier received on 31/12 cannot be late within the year, and one
	// received at 16:50 can only stay open. Such a dossier swaps outcomes
	// with an earlier one, which is checked in its turn.
	for i := len(jobs) - 1; i >= 0; i-- {
		j := jobs[i]
		if len(s.options(j, j.outcome, asOf)) > 0 {
			continue
		}
		if !s.swap(jobs[:i], j, asOf) {
			return nil, fmt.Errorf("no procedure lets a dossier received at %s end %v", j.received, j.outcome)
		}
	}

	for _, j := range jobs {
		opts := plant(j.outcome, s.options(j, j.outcome, asOf))
		o := opts[s.rng.IntN(len(opts))]
		j.procedure, j.due = o.code, o.due
		if j.outcome == open {
			continue
		}
		j.resolved = s.resolve(j, asOf)
		// The first step, the desk's, hands the dossier on at once.
		if t := j.received.Add(time.Minute); s.stepped[j.procedure] && !t.After(j.resolved) {
			j.transfer = t
		}
		j.returned = j.resolved.Add(time.Duration(1+s.rng.IntN(20)) * time.Minute)
		if !j.returned.Before(asOf) {
			j.returned = time.Time{}
		}
	}

	// Ratings are given on the desk's device as the result is handed back.
	var returned []*job
	for _, j := range jobs {
		if !j.returned.IsZero() && j.returned.Add(time.Minute).Before(asOf) {
			returned = append(returned, j)
		}
	}
	picked := s.rng.Perm(len(returned))
	for i, l := range s.shuffled(levels) {
		if i >= len(picked) {
			return nil, fmt.Errorf("%d ratings for %d dossiers returned", sum(levels), len(returned))
		}
		returned[picked[i]].level = rating.VerySatisfied + rating.Level(l)
	}
	return jobs, nil
}

// shuffled returns counts[k] copies of each k, in random order.
func (s *sim) shuffled(counts []int) []int {
	var out []int
	for k, c := range counts {
		for range c {
			out = append(out, k)
		}
	}
	s.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// swap gives j the outcome of an earlier dossier that j can have, and that
// dossier j's outcome; false if there is none. It draws at random first,
// then looks back from the latest.
func (s *sim) swap(earlier []*job, j *job, asOf time.Time) bool {
	fits := func(k *job) bool {
		if k.outcome != j.outcome && len(s.options(j, k.outcome, asOf)) > 0 {
			j.outcome, k.outcome = k.outcome, j.outcome
			return true
		}
		return false
	}
	for try := 0; try < 100 && len(earlier) > 0; try++ {
		if fits(earlier[s.rng.IntN(len(earlier))]) {
			return true
		}
	}
	for i := len(earlier) - 1; i >= 0; i-- {
		if fits(earlier[i]) {
			return true
		}
	}
	return false
}

// An option is a procedure a dossier can be for, with its due time.
type option struct {
	code string
	due  time.Time
}

// plant narrows the procedures a dossier with outcome o can be for, as
// the planted findings want: late ones to slowProcedure, other than early
// ones away from generousProcedure, where the channel allows.
func plant(o outcome, opts []option) []option {
	keep := func(ok func(option) bool) []option {
		var out []option
		for _, x := range opts {
			if ok(x) {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			return opts
		}
		return out
	}
	switch o {
	case late:
		return keep(func(x option) bool { return x.code == slowProcedure })
	case early:
		return opts
	}
	return keep(func(x option) bool { return x.code != generousProcedure })
}

// options returns the procedures that let j, received on its channel, have
// outcome o within the year ending at asOf.
func (s *sim) options(j *job, o outcome, asOf time.Time) []option {
	var opts []option
	for _, l := range s.limits[j.channel] {
		due, err := s.cal.Due(j.received, l.d)
		if err != nil {
			continue
		}
		var ok bool
		switch o {
		case early:
			// Some working time before the day of the due time.
			ok = s.cal.WorkingTime(j.received, earliest(s.dayStart(due), asOf)) >= 30*time.Minute
		case onTime:
			ok = !due.After(asOf)
		case late:
			lateBy1h, err := s.cal.Due(due, sla.WorkingHours(1))
			ok = err == nil && !lateBy1h.After(asOf)
		case open:
			ok = due.After(asOf)
		}
		if ok {
			for _, c := range l.codes {
				opts = append(opts, option{c, due})
			}
		}
	}
	return opts
}

// resolve draws when j is resolved to have its outcome (as
// sla.Calendar.Classify judges it): early before the start of the working day that holds the
// due time, on time from then until the due time, late after it.
func (s *sim) resolve(j *job, asOf time.Time) time.Time {
	switch j.outcome {
	case early:
		end := earliest(s.dayStart(j.due), asOf)
		if j.procedure == generousProcedure {
			if fast, err := s.cal.Due(j.received, sla.WorkingDays(2)); err == nil {
				end = earliest(fast, end)
			}
		}
		return s.pick(j.received, end)
	case onTime:
		from := later(j.received.Add(time.Minute), s.dayStart(j.due))
		if t := s.pick(from, j.due); !t.IsZero() {
			return t
		}
		return j.due
	default:
		for h := 1 + s.rng.IntN(8); ; h-- {
			// j.due lies in the simulated year, well inside the calendar: no error.
			if t, _ := s.cal.Due(j.due, sla.WorkingHours(h)); h == 1 || !t.After(asOf) {
				return t
			}
		}
	}
}

// sessions returns the desk hours of d: none on a day off, Monday's on a
// make-up Saturday, as package sla works one.
func (s *sim) sessions(d sla.Date) []sla.Session {
	if !s.cal.IsWorkday(d) {
		return nil
	}
	if ss := s.week[d.Weekday()]; len(ss) > 0 {
		return ss
	}
	return s.week[time.Monday]
}

// dayStart returns the opening of the working day that holds t.
func (s *sim) dayStart(t time.Time) time.Time {
	d := sla.DateOf(t)
	if ss := s.sessions(d); len(ss) > 0 {
		return d.At(0, 0).Add(ss[0].Start)
	}
	return t
}

// pick draws a minute of desk hours in [from, to), uniformly; the zero
// time if there is none.
func (s *sim) pick(from, to time.Time) time.Time {
	type span struct{ start, end time.Time }
	var spans []span
	var total time.Duration
	for d := sla.DateOf(from); !d.After(sla.DateOf(to)); d = d.AddDays(1) {
		for _, ss := range s.sessions(d) {
			a, b := later(d.At(0, 0).Add(ss.Start), from), earliest(d.At(0, 0).Add(ss.End), to)
			if b.After(a) {
				spans = append(spans, span{a, b})
				total += b.Sub(a)
			}
		}
	}
	if total < time.Minute {
		return time.Time{}
	}
	x := time.Duration(s.rng.Int64N(int64(total/time.Minute))) * time.Minute
	for _, sp := range spans {
		if l := sp.end.Sub(sp.start); x >= l {
			x -= l
			continue
		}
		return sp.start.Add(x)
	}
	return time.Time{}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// applicants are the names on the dossiers, NFC with full diacritics.
var applicants = []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Minh Đức", "Vũ Thị Hạnh", "Đặng Quốc Khánh", "Bùi Thị Lan"}

// An event is one action on one dossier at one instant.
type event struct {
	at   time.Time
	kind uint8 // the order of a dossier's actions at the same instant
	job  *job
}

const (
	receive uint8 = iota
	transfer
	resolve
	giveBack
	rate
)

// live runs the jobs' events in time order on the simulated clock now.
func live(ctx context.Context, svc *dossier.Service, ratings rating.Store, now *time.Time, jobs []*job) error {
	events := make([]event, 0, 4*len(jobs))
	for _, j := range jobs {
		events = append(events, event{j.received, receive, j})
		if !j.transfer.IsZero() {
			events = append(events, event{j.transfer, transfer, j})
		}
		if !j.resolved.IsZero() {
			events = append(events, event{j.resolved, resolve, j})
		}
		if !j.returned.IsZero() {
			events = append(events, event{j.returned, giveBack, j})
			if j.level != 0 {
				events = append(events, event{j.returned.Add(time.Minute), rate, j})
			}
		}
	}
	slices.SortStableFunc(events, func(a, b event) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.kind, b.kind))
	})
	for i, e := range events {
		*now = e.at
		j := e.job
		var err error
		switch e.kind {
		case receive:
			var d *dossier.Dossier
			d, err = svc.Receive(ctx, dossier.Intake{
				Procedure:   j.procedure,
				Applicant:   dossier.Applicant{Name: applicants[i%len(applicants)]},
				Channel:     j.channel,
				SubmittedAt: j.submitted,
				Actor:       "tiếp nhận",
			})
			if err == nil {
				j.code = d.Code
				if !d.OriginalDue().Equal(j.due) {
					err = fmt.Errorf("dossier %s is due at %s, planned %s", d.Code, d.OriginalDue(), j.due)
				}
			}
		case transfer:
			_, err = svc.Transfer(ctx, j.code, "tiếp nhận", "chuyên viên")
		case resolve:
			_, err = svc.Resolve(ctx, j.code, "chuyên viên")
		case giveBack:
			_, err = svc.Return(ctx, j.code, "trả kết quả")
		case rate:
			err = rating.Rate(ctx, svc, ratings, rating.Rating{Dossier: j.code, Level: j.level, At: e.at, Channel: j.channel})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
