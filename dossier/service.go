package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
// checks the lifecycle, records an event and writes it back with optimistic
// concurrency. Two officers acting on one dossier at once get one success
// and one ErrConflict; no event is ever lost. A Service is safe for
// concurrent use.
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

// An Intake is what the desk records when it takes a dossier in.
type Intake struct {
	Procedure     string            // the procedure's code
	Applicant     Applicant         // Name is required
	Channel       procedure.Channel // how the dossier was filed
	ReturnChannel procedure.Channel // how the result goes back; defaults to Channel
	SubmittedAt   time.Time         // when it was handed in or filed; defaults to now
	Actor         string            // the officer
}

// Receive takes in a complete, valid dossier now: it issues a code, starts
// the clock and sets the due time from the procedure version in force, with
// its online processing time for online dossiers where it has one. An
// unknown procedure, a channel the procedure does not allow or an empty
// applicant name is an ErrInvalid error, and nothing is stored.
func (s *Service) Receive(ctx context.Context, in Intake) (*Dossier, error) {
	return s.create(ctx, in, KindReceive)
}

// Submit records a dossier filed online and not yet checked: it gets a code,
// but its clock starts only when Accept receives it.
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
	now := s.now()
	if in.ReturnChannel == 0 {
		in.ReturnChannel = in.Channel
	}
	d := &Dossier{Applicant: in.Applicant, Channel: in.Channel, ReturnChannel: in.ReturnChannel}
	if err := s.bind(d, in.Procedure, now); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Applicant.Name) == "" {
		return nil, fmt.Errorf("%w: the applicant's name is empty", ErrInvalid)
	}
	if in.SubmittedAt.IsZero() {
		in.SubmittedAt = now
	}
	if in.SubmittedAt.After(now) {
		return nil, fmt.Errorf("%w: submitted at %s, in the future", ErrInvalid, in.SubmittedAt.Format(time.RFC3339))
	}
	d.SubmittedAt = in.SubmittedAt.In(sla.ICT)
	if err := d.apply(k, now, in.Actor, ""); err != nil {
		return nil, err
	}
	if k == KindReceive {
		if err := s.start(d, now, in.Actor); err != nil {
			return nil, err
		}
	}
	var err error
	if d.ID, err = uuid.NewV7(); err != nil {
		return nil, err
	}
	day := sla.DateOf(now)
	seq, err := s.store.NextSequence(ctx, s.agency, day)
	if err != nil {
		return nil, err
	}
	d.Code = Code{Agency: s.agency, Date: day, Seq: seq}
	if err := s.store.Create(ctx, d); err != nil {
		return nil, err
	}
	return d.Clone(), nil
}

// bind ties d to the version of the procedure in force at now, with the
// processing time for its channel, checking that the procedure allows the
// dossier's channels.
func (s *Service) bind(d *Dossier, code string, now time.Time) error {
	p, err := s.catalog.Lookup(code, now)
	if err != nil {
		return fmt.Errorf("%w: procedure %q: %w", ErrInvalid, code, err)
	}
	for _, ch := range []procedure.Channel{d.Channel, d.ReturnChannel} {
		if !p.Allows(ch) {
			return fmt.Errorf("%w: procedure %s does not allow the %s channel", ErrInvalid, p.Code, ch)
		}
	}
	d.Procedure, d.ProcedureVersion = p.Code, p.EffectiveFrom
	d.Limit, d.Regime = p.DurationFor(d.Channel), p.Supplement
	return nil
}

// start starts the clock of a dossier received now by actor, and opens the
// control slip's first row: the receiving desk holds the dossier for the
// procedure's first step.
func (s *Service) start(d *Dossier, now time.Time, actor string) error {
	d.ReceivedAt = now.In(sla.ICT)
	due, err := s.legalDue(d)
	if err != nil {
		return err
	}
	d.Due, d.OriginalDue = due, due
	d.Handovers = append(d.Handovers, Handover{To: actor, At: d.ReceivedAt})
	s.stepDue(d)
	return nil
}

// Accept receives a dossier filed online once the desk has checked it is
// complete and valid: its clock starts now, under the procedure version in
// force now.
func (s *Service) Accept(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindReceive, actor, "", func(d *Dossier, now time.Time) error {
		if err := s.bind(d, d.Procedure, now); err != nil {
			return err
		}
		return s.start(d, now, actor)
	})
}

// Refuse refuses a dossier at intake with the reasons (form 03).
func (s *Service) Refuse(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	if err := required(reason, "the reason for refusal"); err != nil {
		return nil, err
	}
	return s.act(ctx, c, KindRefuse, actor, reason, s.finish)
}

// Transfer hands the dossier to the next step, performed by to: it closes
// the open row of the control slip, judging that step against its own due
// time, and opens a row for the procedure's next step with that step's due
// time. The first row, the receiving desk's, opens at receipt.
func (s *Service) Transfer(ctx context.Context, c Code, actor, to string) (*Dossier, error) {
	if err := required(to, "the receiver of the transfer"); err != nil {
		return nil, err
	}
	return s.act(ctx, c, KindTransfer, actor, to, func(d *Dossier, now time.Time) error {
		s.closeStep(d, now)
		d.Handovers = append(d.Handovers, Handover{From: actor, To: to, At: now})
		s.stepDue(d)
		return nil
	})
}

// RequestSupplement asks the applicant to complete the dossier (form 02),
// listing what is missing in reason; the clock stops. The law wants one
// request listing everything; a second is allowed but makes the dossier late
// in the national index.
func (s *Service) RequestSupplement(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	if err := required(reason, "what is missing"); err != nil {
		return nil, err
	}
	return s.act(ctx, c, KindRequestSupplement, actor, reason, s.pause)
}

// Supplement records the supplement: the clock runs again. Under the pause
// regime the due time moves back by the working time paused; under the
// restart regime the whole limit counts again from now.
func (s *Service) Supplement(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindSupplement, actor, "", s.resume)
}

// RequestPayment asks the applicant to pay fees or meet financial
// obligations; the clock stops until Pay.
func (s *Service) RequestPayment(ctx context.Context, c Code, actor, note string) (*Dossier, error) {
	return s.act(ctx, c, KindRequestPayment, actor, note, s.pause)
}

// Pay records the payment; the clock runs again, with the due time moved
// back by the working time paused (whatever the supplement regime: only a
// supplement restarts the clock).
func (s *Service) Pay(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindPay, actor, "", s.resume)
}

// Reschedule sets a later appointment with an apology (form 04). The
// original due time stays, and timeliness is judged against it.
func (s *Service) Reschedule(ctx context.Context, c Code, actor, reason string, newDue time.Time) (*Dossier, error) {
	if err := required(reason, "the reason for the new appointment"); err != nil {
		return nil, err
	}
	return s.act(ctx, c, KindReschedule, actor, reason+" (hẹn lại: "+newDue.In(sla.ICT).Format("15:04 02/01/2006")+")", func(d *Dossier, now time.Time) error {
		if !newDue.After(d.Due) {
			return fmt.Errorf("%w: a new appointment must be later than %s", ErrInvalid, d.Due.Format(time.RFC3339))
		}
		d.Due = newDue.In(sla.ICT)
		return nil
	})
}

// Resolve records that the result is ready: processing ends now.
func (s *Service) Resolve(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindResolve, actor, "", s.finish)
}

// Return records that the result was handed to the applicant.
func (s *Service) Return(ctx context.Context, c Code, actor string) (*Dossier, error) {
	return s.act(ctx, c, KindReturn, actor, "", func(d *Dossier, now time.Time) error {
		d.ReturnedAt = now.In(sla.ICT)
		return nil
	})
}

// Withdraw withdraws the dossier at the applicant's request, possible until
// the result is ready.
func (s *Service) Withdraw(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	return s.act(ctx, c, KindWithdraw, actor, reason, s.finish)
}

// Stop stops processing, with the reason.
func (s *Service) Stop(ctx context.Context, c Code, actor, reason string) (*Dossier, error) {
	if err := required(reason, "the reason for stopping"); err != nil {
		return nil, err
	}
	return s.act(ctx, c, KindStop, actor, reason, s.finish)
}

// Get returns the dossier, or ErrNotFound.
func (s *Service) Get(ctx context.Context, c Code) (*Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.store.Get(ctx, c)
}

// act runs one action: read, check the lifecycle, change, write. Nothing is
// written when any step fails.
func (s *Service) act(ctx context.Context, c Code, k Kind, actor, note string, change func(*Dossier, time.Time) error) (*Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !c.Valid() {
		return nil, &CodeError{Input: c.String(), Reason: "not a valid code"}
	}
	d, err := s.store.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := d.apply(k, now, actor, note); err != nil {
		return nil, err
	}
	if err := change(d, now); err != nil {
		return nil, err
	}
	if err := s.store.Update(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Service) finish(d *Dossier, now time.Time) error {
	s.closeStep(d, now)
	if d.clockStopped() {
		// A withdrawal or stop while paused ends the pause, which still
		// pushes the due time back.
		if err := s.resume(d, now); err != nil {
			return err
		}
	}
	d.FinishedAt = now.In(sla.ICT)
	return nil
}

// closeStep ends the open row of the control slip and judges the step.
func (s *Service) closeStep(d *Dossier, now time.Time) {
	if n := len(d.Handovers); n > 0 && d.Handovers[n-1].Done.IsZero() {
		h := &d.Handovers[n-1]
		h.Done = now.In(sla.ICT)
		if !h.Due.IsZero() {
			h.Timeliness = s.cal.Classify(h.Due, now)
		}
	}
}

func (s *Service) pause(d *Dossier, now time.Time) error {
	d.Pauses = append(d.Pauses, sla.Interval{Start: now.In(sla.ICT)})
	return nil
}

// resume closes the open pause and recomputes the legal due time. An
// appointment not moved by a reschedule follows it; a rescheduled one moves
// only if the new due time passes it.
func (s *Service) resume(d *Dossier, now time.Time) error {
	if !d.clockStopped() {
		return fmt.Errorf("dossier: %s has no open pause", d.Code)
	}
	d.Pauses[len(d.Pauses)-1].End = now.In(sla.ICT)
	due, err := s.legalDue(d)
	if err != nil {
		return err
	}
	if d.Due.Equal(d.OriginalDue) || due.After(d.Due) {
		d.Due = due
	}
	d.OriginalDue = due
	s.stepDue(d)
	return nil
}

// legalDue is the dossier's legal due time, derived from its history: the
// limit from receipt with the clock stopped during the pauses, or, under
// the restart regime, the whole limit again from the last supplement, with
// only the pauses after it.
func (s *Service) legalDue(d *Dossier) (time.Time, error) {
	start := d.ReceivedAt
	if d.Regime == procedure.RestartClock {
		for _, e := range d.Events {
			if e.Kind == KindSupplement {
				start = e.At
			}
		}
	}
	pauses := d.Pauses
	for len(pauses) > 0 && pauses[0].Start.Before(start) {
		pauses = pauses[1:]
	}
	due, err := s.cal.Due(start, d.Limit, pauses...)
	if err != nil {
		return time.Time{}, fmt.Errorf("dossier: due time of %s: %w", d.Limit, err)
	}
	return due, nil
}

// stepDue sets the step and due time of the open row of the control slip:
// the procedure step it is for, whose time counts from the handover with the
// clock stopped during the pauses since.
func (s *Service) stepDue(d *Dossier) {
	n := len(d.Handovers)
	if n == 0 || !d.Handovers[n-1].Done.IsZero() {
		return
	}
	h := &d.Handovers[n-1]
	p, err := s.version(d)
	if err != nil || n > len(p.Steps) {
		return
	}
	step := p.Steps[n-1]
	h.Step = step.Name
	h.Due, _ = s.cal.Due(h.At, step.Duration, d.Pauses...)
}

// version returns the procedure version the dossier was received under.
func (s *Service) version(d *Dossier) (procedure.Procedure, error) {
	at := d.ReceivedAt
	if !d.ProcedureVersion.IsZero() {
		at = d.ProcedureVersion.At(12, 0)
	}
	return s.catalog.Lookup(d.Procedure, at)
}

func required(s, what string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalid, what)
	}
	return nil
}
