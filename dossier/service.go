package dossier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// Config configures a Service.
type Config struct {
	// Store keeps the dossiers. Required.
	Store Store
	// Catalog holds the procedures the desk offers. Required.
	Catalog *procedure.Catalog
	// Calendar computes due times. Defaults to sla.Default().
	Calendar *sla.Calendar
	// Agency is the e-ID that codes are issued under, such as
	// "000.00.01.H26". Required.
	Agency string
	// Now tells the time; tests fix it. Defaults to time.Now.
	Now func() time.Time
}

// A Service is the desk's application API: every action reads the dossier,
// works out the facts its event decides (due times, the control slip's
// step), and appends the event with optimistic concurrency. Two officers
// acting on one dossier at once get one success and one ErrConflict; no
// event is ever lost. A Service is safe for concurrent use.
//
// Times are the Service's clock, kept to the microsecond. Times outside
// 1900–2199 are refused with ErrInvalid. A clock that steps back never
// makes a history run backwards: an event that the clock would put before
// the previous one is recorded at the previous one's time, with the
// difference in Event.ClockSkew.
type Service struct {
	store   Store
	catalog *procedure.Catalog
	cal     *sla.Calendar
	agency  string
	now     func() time.Time
}

// NewService checks cfg and returns its Service.
func NewService(cfg Config) (*Service, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("dossier: Config.Store is required")
	case cfg.Catalog == nil:
		return nil, errors.New("dossier: Config.Catalog is required")
	case !ValidAgency(cfg.Agency):
		return nil, fmt.Errorf("dossier: Config.Agency %q is not an agency e-ID such as 000.00.01.H26", cfg.Agency)
	}
	s := &Service{store: cfg.Store, catalog: cfg.Catalog, cal: cfg.Calendar, agency: cfg.Agency, now: cfg.Now}
	if s.cal == nil {
		s.cal = sla.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Calendar returns the calendar the service computes due times with.
func (s *Service) Calendar() *sla.Calendar { return s.cal }

// An Intake is what the desk records when it takes a dossier in. Its texts
// are stored in Unicode NFC; invisible characters in them are refused.
type Intake struct {
	Procedure     string            // the procedure's code
	Applicant     Applicant         // Name is required
	Channel       procedure.Channel // how the dossier was filed
	ReturnChannel procedure.Channel // how the result goes back; defaults to Channel
	SubmittedAt   time.Time         // when it was handed in or filed; defaults to now
	Actor         string            // the officer, or the applicant filing online
}

// Receive takes in a complete, valid dossier now: it issues a code, starts
// the clock and sets the due time from the procedure version in force, with
// its time limit for the dossier's channel. An unknown procedure, a channel
// the procedure does not allow or an empty applicant name is an ErrInvalid
// error, and nothing is stored.
func (s *Service) Receive(ctx context.Context, in Intake) (*Dossier, error) {
	return s.create(ctx, in, KindReceive)
}

// Submit records a dossier filed online and not yet checked: it gets a code,
// but its clock starts only when Accept receives it. The code carries the
// day it was filed.
func (s *Service) Submit(ctx context.Context, in Intake) (*Dossier, error) {
	if in.Channel == 0 {
		in.Channel = procedure.Online
	}
	return s.create(ctx, in, KindSubmit)
}

func (s *Service) create(ctx context.Context, in Intake, k Kind) (*Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now, _, err := s.clock(nil)
	if err != nil {
		return nil, err
	}
	day := sla.DateOf(now)
	if day.Year < 2000 || day.Year > 2099 {
		return nil, fmt.Errorf("%w: a dossier code can be issued in 2000–2099 only, not on %s", ErrInvalid, day)
	}
	if in.Applicant, err = in.Applicant.clean(); err != nil {
		return nil, err
	}
	if in.Applicant.Name == "" {
		return nil, fmt.Errorf("%w: the applicant's name is empty", ErrInvalid)
	}
	if in.Actor, err = cleanText("the actor", in.Actor, false); err != nil {
		return nil, err
	}
	if in.ReturnChannel == 0 {
		in.ReturnChannel = in.Channel
	}
	in.SubmittedAt = Stamp(in.SubmittedAt)
	switch {
	case in.SubmittedAt.IsZero():
		in.SubmittedAt = now
	case in.SubmittedAt.After(now):
		return nil, fmt.Errorf("%w: submitted at %s, in the future", ErrInvalid, in.SubmittedAt.Format(time.RFC3339))
	case !inRange(in.SubmittedAt):
		return nil, fmt.Errorf("%w: submitted at %s, outside 1900–2199", ErrInvalid, in.SubmittedAt.Format(time.RFC3339))
	}
	d := &Dossier{
		Code:      Code{Agency: s.agency, Date: day},
		Applicant: in.Applicant, Channel: in.Channel, ReturnChannel: in.ReturnChannel, SubmittedAt: in.SubmittedAt,
	}
	e := Event{At: now, Kind: k, Actor: in.Actor}
	p, err := s.bind(d, in.Procedure, now, &e)
	if err != nil {
		return nil, err
	}
	d.Procedure = p.Code
	if k == KindReceive {
		if err := s.receipt(d, p, &e); err != nil {
			return nil, err
		}
	}
	if err := d.Apply(e); err != nil {
		return nil, err
	}
	if d.ID, err = uuid.NewV7(); err != nil {
		return nil, err
	}
	if err := s.store.Create(ctx, d); err != nil {
		return nil, err
	}
	return d.Clone(), nil
}

// bind looks up the version of the procedure in force at now, checks that
// it allows the dossier's channels, and records the version, its time
// limit for the dossier's channel and its supplement regime in e.
func (s *Service) bind(d *Dossier, code string, now time.Time, e *Event) (procedure.Procedure, error) {
	p, err := s.catalog.Lookup(code, now)
	if err != nil {
		return p, fmt.Errorf("%w: procedure %q: %w", ErrInvalid, code, err)
	}
	for _, ch := range []procedure.Channel{d.Channel, d.ReturnChannel} {
		if !p.Allows(ch) {
			return p, fmt.Errorf("%w: procedure %s does not allow the %s channel", ErrInvalid, p.Code, ch)
		}
	}
	e.ProcedureVersion, e.Limit, e.Regime = p.EffectiveFrom, p.DurationFor(d.Channel), p.Supplement
	return p, nil
}

// receipt fills in what a receipt decides: the clock starts at e.At, so
// the legal due time and the appointment are the limit from then, and the
// receiving desk holds the dossier for the procedure's first step.
func (s *Service) receipt(d *Dossier, p procedure.Procedure, e *Event) error {
	due, err := s.cal.Due(e.At, e.Limit)
	if err != nil {
		return fmt.Errorf("dossier: due time of %s: %w", e.Limit, err)
	}
	e.Due, e.LegalDue = due, due
	e.Step, e.StepDue, err = s.step(p, 0, e.At, nil)
	return err
}

// Accept receives a dossier filed online once the desk has checked it is
// complete and valid: its clock starts now, under the procedure version in
// force now.
func (s *Service) Accept(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindReceive, actor, func(d *Dossier, e *Event) error {
		p, err := s.bind(d, d.Procedure, e.At, e)
		if err != nil {
			return err
		}
		return s.receipt(d, p, e)
	})
}

// Refuse refuses a dossier at intake with the reasons (form 03).
func (s *Service) Refuse(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	return s.act(ctx, c, KindRefuse, actor, s.because(reason, "the reason for refusal", nil))
}

// Transfer hands the dossier to the next step, performed by to: it closes
// the open row of the control slip and opens a row for the procedure's
// next step with that step's own due time. The first row, the receiving
// desk's, opens at receipt. A step's due time that the calendar cannot give
// (past 2199) is an error wrapping [sla.ErrOutOfRange], and nothing is
// recorded.
func (s *Service) Transfer(ctx context.Context, c Code, actor, to string) (*Dossier, error) {
	return s.act(ctx, c, KindTransfer, actor, func(d *Dossier, e *Event) error {
		var err error
		if e.Receiver, err = cleanText("the receiver of the transfer", to, false); err != nil {
			return err
		}
		if e.Receiver == "" {
			return fmt.Errorf("%w: the receiver of the transfer is empty", ErrInvalid)
		}
		p, err := s.version(d)
		if err != nil {
			return err
		}
		e.Step, e.StepDue, err = s.step(p, len(d.st.handovers), e.At, d.st.pauses)
		return err
	})
}

// RequestSupplement asks the applicant to complete the dossier (form 02),
// listing what is missing in reason; the clock stops, unless the legal due
// time has already passed: a late dossier stays late. The law wants one
// request listing everything; a second is allowed but makes the dossier
// late in the national index.
func (s *Service) RequestSupplement(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	return s.RequestSupplementBy(ctx, c, actor, reason, time.Time{})
}

// RequestSupplementBy is RequestSupplement with the time the applicant is
// asked to supplement by ([Event.SupplementBy]), which must be later than
// now; the zero time sets none.
func (s *Service) RequestSupplementBy(ctx context.Context, c Code, actor, reason string, by time.Time) (*Dossier, error) {
	return s.act(ctx, c, KindRequestSupplement, actor, s.because(reason, "what is missing", func(_ *Dossier, e *Event) error {
		e.SupplementBy = by
		return nil
	}))
}

// Supplement records the supplement: the clock runs again. Under the pause
// regime the due time moves back by the working time paused; under the
// restart regime the whole limit counts again from now, if the request came
// before the legal due time.
func (s *Service) Supplement(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindSupplement, actor, s.resume)
}

// RequestPayment asks the applicant to pay fees or meet financial
// obligations; the clock stops until Pay.
func (s *Service) RequestPayment(ctx context.Context, c Code, actor, note string) (*Dossier, error) {
	return s.act(ctx, c, KindRequestPayment, actor, func(d *Dossier, e *Event) error {
		var err error
		e.Reason, err = cleanText("the payment note", note, true)
		return err
	})
}

// Pay records the payment; the clock runs again, with the due time moved
// back by the working time paused (whatever the supplement regime: only a
// supplement restarts the clock).
func (s *Service) Pay(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindPay, actor, s.resume)
}

// Reschedule sets a later appointment with an apology (form 04). The new
// appointment must fall in working time ([sla.Calendar.InWorkingTime]: a
// session's end, such as 17:00, included). The legal due time stays, and
// timeliness is judged against it.
func (s *Service) Reschedule(ctx context.Context, c Code, actor, reason string, newDue time.Time) (*Dossier, error) {
	return s.act(ctx, c, KindReschedule, actor, s.because(reason, "the reason for the new appointment", func(d *Dossier, e *Event) error {
		e.Due = Stamp(newDue)
		if !s.cal.InWorkingTime(e.Due) {
			return fmt.Errorf("%w: a new appointment must fall in working time, not at %s", ErrInvalid, e.Due.Format("15:04 02/01/2006"))
		}
		return nil
	}))
}

// Resolve records that the result is ready: processing ends now.
func (s *Service) Resolve(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindResolve, actor, nil)
}

// Return records that the result was handed to the applicant.
func (s *Service) Return(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindReturn, actor, nil)
}

// Withdraw withdraws the dossier at the applicant's request, possible until
// the result is ready. A withdrawal during a pause ends it.
func (s *Service) Withdraw(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	return s.act(ctx, c, KindWithdraw, actor, func(d *Dossier, e *Event) error {
		var err error
		if e.Reason, err = cleanText("the reason for withdrawal", reason, true); err != nil {
			return err
		}
		return s.endPause(d, e)
	})
}

// Stop stops processing, with the reason. A stop during a pause ends it.
func (s *Service) Stop(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	return s.act(ctx, c, KindStop, actor, s.because(reason, "the reason for stopping", s.endPause))
}

// Get returns the dossier, or ErrNotFound.
func (s *Service) Get(ctx context.Context, c Code) (*Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.store.Get(ctx, c)
}

// act runs one action: read the dossier, let fill work out the event's
// facts, and append it at the version read. Nothing is written when any
// step fails.
func (s *Service) act(ctx context.Context, c Code, k Kind, actor string, fill func(*Dossier, *Event) error) (*Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !c.Valid() {
		return nil, &CodeError{Input: c.String(), Reason: "not a valid code"}
	}
	actor, err := cleanText("the actor", actor, false)
	if err != nil {
		return nil, err
	}
	d, err := s.store.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	e := Event{Kind: k, Actor: actor}
	if e.At, e.ClockSkew, err = s.clock(d); err != nil {
		return nil, err
	}
	// The lifecycle first, so that a forbidden action says so rather than
	// failing on the facts it would have needed.
	if _, err := next(d.st.status, k); err != nil {
		return nil, err
	}
	if fill != nil {
		if err := fill(d, &e); err != nil {
			return nil, err
		}
	}
	return s.store.Append(ctx, c, d.Version, e)
}

// clock returns the time for the next event of d (nil for a new dossier):
// now, to the microsecond, or the previous event's time, with how far
// behind it the clock stands, if the clock stands before it.
func (s *Service) clock(d *Dossier) (time.Time, time.Duration, error) {
	now := Stamp(s.now())
	if !inRange(now) {
		return time.Time{}, 0, fmt.Errorf("%w: the clock says %s, outside 1900–2199", ErrInvalid, now.Format(time.RFC3339))
	}
	if d != nil {
		if n := len(d.Events); n > 0 && now.Before(d.Events[n-1].At) {
			last := d.Events[n-1].At
			return last, last.Sub(now), nil
		}
	}
	return now, 0, nil
}

// because returns a fill that records the reason, which must not be empty,
// then runs then.
func (s *Service) because(reason, what string, then func(*Dossier, *Event) error) func(*Dossier, *Event) error {
	return func(d *Dossier, e *Event) error {
		var err error
		if e.Reason, err = cleanText(what, reason, true); err != nil {
			return err
		}
		if e.Reason == "" {
			return fmt.Errorf("%w: %s is empty", ErrInvalid, what)
		}
		if then != nil {
			return then(d, e)
		}
		return nil
	}
}

// endPause fills in the due times of an event that ends processing during
// a pause; outside a pause there is nothing to do.
func (s *Service) endPause(d *Dossier, e *Event) error {
	if !d.ClockStopped() {
		return nil
	}
	return s.resume(d, e)
}

// resume fills in the due times as the open pause ends at e.At: the legal
// due time derived from the history, the appointment (which follows the
// legal due time unless a reschedule set a later one) and the open step's
// due time.
func (s *Service) resume(d *Dossier, e *Event) error {
	pauses := d.Pauses()
	n := len(pauses)
	if n == 0 || !pauses[n-1].Open() {
		return fmt.Errorf("dossier: %s has no open pause", d.Code)
	}
	pauses[n-1].End = e.At
	all := pauses
	start := s.clockStart(d)
	if e.Kind == KindSupplement && d.st.regime == procedure.RestartClock && d.supplementInTime(len(d.Events)) {
		start = e.At
	}
	for len(pauses) > 0 && pauses[0].Start.Before(start) {
		pauses = pauses[1:]
	}
	legal, err := s.cal.Due(start, d.st.limit, pauses...)
	if err != nil {
		return fmt.Errorf("dossier: due time of %s: %w", d.st.limit, err)
	}
	e.LegalDue, e.Due = legal, d.st.due
	if d.st.due.Equal(d.st.legalDue) || legal.After(d.st.due) {
		e.Due = legal
	}
	if h := d.st.openStep(); h != nil && !h.Due.IsZero() {
		p, err := s.version(d)
		if err != nil {
			return err
		}
		if _, e.StepDue, err = s.step(p, len(d.st.handovers)-1, h.At, all); err != nil {
			return err
		}
	}
	return nil
}

// clockStart returns when the dossier's limit counts from: its receipt, or,
// under the restart regime, the last supplement that answered a request
// made before the legal due time.
func (s *Service) clockStart(d *Dossier) time.Time {
	start := d.st.receivedAt
	if d.st.regime != procedure.RestartClock {
		return start
	}
	for i, e := range d.Events {
		if e.Kind == KindSupplement && d.supplementInTime(i) {
			start = e.At
		}
	}
	return start
}

// supplementInTime reports whether the last supplement request among the
// first n events came before the legal due time in force when it was made.
func (d *Dossier) supplementInTime(n int) bool {
	var legal, asked time.Time
	inTime := false
	for _, e := range d.Events[:n] {
		if e.Kind == KindRequestSupplement {
			asked, inTime = e.At, e.At.Before(legal)
		}
		if !e.LegalDue.IsZero() {
			legal = e.LegalDue
		}
	}
	return !asked.IsZero() && inTime
}

// step returns the name and due time of the procedure's step for row i of
// the control slip, begun at at, with the clock stopped during pauses; ""
// and the zero time past the procedure's last step. A due time the calendar
// cannot give, such as one past 2199, is an error wrapping the calendar's
// (sla.ErrOutOfRange).
func (s *Service) step(p procedure.Procedure, i int, at time.Time, pauses []sla.Interval) (string, time.Time, error) {
	if i >= len(p.Steps) {
		return "", time.Time{}, nil
	}
	st := p.Steps[i]
	var after []sla.Interval
	for _, iv := range pauses {
		if iv.Open() || iv.End.After(at) {
			after = append(after, iv)
		}
	}
	due, err := s.cal.Due(at, st.Duration, after...)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("dossier: due time of step %q, %s: %w", st.Name, st.Duration, err)
	}
	return st.Name, due, nil
}

// version returns the procedure version the dossier was received under.
func (s *Service) version(d *Dossier) (procedure.Procedure, error) {
	at := d.st.receivedAt
	if !d.st.version.IsZero() {
		at = d.st.version.At(12, 0)
	}
	p, err := s.catalog.Lookup(d.Procedure, at)
	if err != nil {
		return p, fmt.Errorf("dossier: %s: its procedure: %w", d.Code, err)
	}
	return p, nil
}
