package dossier

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

var (
	// ErrNotFound means no dossier has the code.
	ErrNotFound = errors.New("dossier: not found")
	// ErrExists means a dossier with the same ID or code is already stored.
	ErrExists = errors.New("dossier: already exists")
	// ErrConflict means the dossier changed since it was read: the write was
	// based on a stale version, and nothing was written.
	ErrConflict = errors.New("dossier: changed by someone else; read it again")
	// ErrInvalidTransition means the lifecycle does not allow the action in
	// the dossier's status. Errors that match it are *TransitionError.
	ErrInvalidTransition = errors.New("dossier: invalid transition")
	// ErrInvalidCode means text is not a dossier code. Errors that match it
	// are *CodeError.
	ErrInvalidCode = errors.New("dossier: invalid code")
	// ErrInvalid means an action's input is wrong: an unknown procedure, a
	// channel the procedure does not allow, an empty applicant name or
	// reason, a reschedule to an earlier time or outside working time, a
	// time outside 1900–2199, or an event that lacks a fact its kind needs.
	ErrInvalid = errors.New("dossier: invalid input")
	// ErrHistoryFull means the dossier already holds MaxEvents events; no
	// action can be recorded on it.
	ErrHistoryFull = errors.New("dossier: history is full")
)

// MaxEvents bounds a dossier's history. A real dossier has a few dozen
// events; the bound keeps a runaway client from growing one without end.
const MaxEvents = 1000

// A Dossier is an application for one administrative procedure (hồ sơ
// thủ tục hành chính), from receipt to the returned result, with its whole
// history.
//
// The history is the record. A Dossier's status, times, pauses and control
// slip are what its Events say: [Dossier.Apply] is the one state machine
// that turns events into that state, for the Service, every Store and every
// reader, and [Dossier.AsOf] gives the dossier as it stood at any instant.
// The exported fields are the facts of registration, which no event
// changes. Copy a Dossier with Clone: a copy by value shares its history
// and state with the original.
type Dossier struct {
	ID   uuid.UUID // a UUIDv7, so IDs sort by creation time
	Code Code

	Procedure     string // the procedure's code
	Applicant     Applicant
	Channel       procedure.Channel // how the dossier was filed
	ReturnChannel procedure.Channel // how the result goes back; independent of Channel
	SubmittedAt   time.Time         // filed (online) or handed in (at the counter)

	Events  []Event // every change, oldest first, numbered from 1; never rewritten
	Version int     // the number of events: a Store's optimistic-concurrency token

	st state
}

// state is what the events have made of a dossier.
type state struct {
	status      Status
	version     sla.Date
	limit       sla.Duration
	regime      procedure.SupplementRegime
	receivedAt  time.Time
	due         time.Time
	legalDue    time.Time
	finishedAt  time.Time
	returnedAt  time.Time
	pauses      []sla.Interval
	handovers   []Handover
	supplements int
}

// An Applicant is the person or organisation that files a dossier.
type Applicant struct {
	Name         string `json:"name"`
	IDNumber     string `json:"idNumber,omitempty"` // citizen ID (CCCD) or passport number
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	Address      string `json:"address,omitempty"`
	Organisation string `json:"organisation,omitempty"`
}

// A Handover is a row of the control slip (phiếu kiểm soát quá trình giải
// quyết hồ sơ, form 06 of Circular 03/2025/TT-VPCP): who gave the dossier
// to whom and when, for which step, and the step's own due time.
type Handover struct {
	Step     string    // the procedure step the receiver performs
	From, To string    // the giving and receiving officer or unit
	At       time.Time // when it was handed over
	Due      time.Time // when the step is due; zero if the procedure has no such step
	Done     time.Time // when the step ended: the next handover or the end of processing; zero while open
}

// Timeliness judges the step against its own due time once it is done;
// false while it is open or when it has no due time.
func (h Handover) Timeliness(cal *sla.Calendar) (sla.Timeliness, bool) {
	if h.Done.IsZero() || h.Due.IsZero() {
		return 0, false
	}
	return cal.Classify(h.Due, h.Done), true
}

// An Event is one change in a dossier's history, with the facts it decided.
// Which facts an event carries depends on its Kind; the others are zero.
type Event struct {
	N     int       // its number in the history, from 1; Apply sets it, so a caller leaves it zero
	At    time.Time // when it happened; kept to the microsecond, in ICT
	Kind  Kind
	Actor string // who recorded it: the officer, or the applicant for an online filing

	From, To Status // the status before and after; Apply sets them

	// ClockSkew is how far behind the previous event the clock stood when
	// this event was recorded. A Service never records an event before the
	// one it follows: it records it at the previous event's time and keeps
	// the difference here. Zero normally.
	ClockSkew time.Duration

	// Reason is why: what is missing (a supplement request), what to pay,
	// the reasons for a refusal, a stop or a withdrawal, the apology of a
	// reschedule.
	Reason string
	// Receiver is who a transfer hands the dossier to.
	Receiver string
	// Step is the procedure step that begins: the first on receipt, the
	// next on a transfer; "" past the procedure's last step.
	Step string
	// StepDue is the due time of the step that begins, or, on a
	// supplement or a payment, of the open step as the pause moved it.
	StepDue time.Time
	// Due is the appointment as this event leaves it: set on receipt, on a
	// reschedule, and when the clock runs again after a pause.
	Due time.Time
	// LegalDue is the legal due time as this event leaves it: set on
	// receipt and whenever a pause ends (a supplement, a payment, or a
	// withdrawal or stop during a pause).
	LegalDue time.Time
	// SupplementBy is, on a supplement request, the time the applicant is
	// asked to bring what is missing by, printed on form 02; zero when the
	// request sets none. The one-stop decrees (Nghị định 61/2018/NĐ-CP,
	// then Nghị định 118/2025/NĐ-CP) want one request listing everything
	// missing and set no general time to supplement by, so it is the
	// agency's to give, or a procedure's; the clock stays stopped past it.
	SupplementBy time.Time

	// On a submission or a receipt: the procedure version bound, by its
	// effective date, with its time limit for the dossier's channel and its
	// supplement regime.
	ProcedureVersion sla.Date
	Limit            sla.Duration
	Regime           procedure.SupplementRegime
}

// Status returns where the dossier stands in its lifecycle.
func (d *Dossier) Status() Status { return d.st.status }

// ProcedureVersion returns the effective date of the procedure version the
// dossier was received under (or, before receipt, filed under); a dossier
// keeps that version whatever changes later.
func (d *Dossier) ProcedureVersion() sla.Date { return d.st.version }

// Limit returns the processing time of that version for the dossier's
// channel.
func (d *Dossier) Limit() sla.Duration { return d.st.limit }

// Regime returns what a supplement does to the dossier's clock.
func (d *Dossier) Regime() procedure.SupplementRegime { return d.st.regime }

// ReceivedAt returns when a complete, valid dossier was received: the clock
// starts there. Zero before receipt.
func (d *Dossier) ReceivedAt() time.Time { return d.st.receivedAt }

// Due returns the current appointment: the legal due time, or the later
// appointment of a reschedule.
func (d *Dossier) Due() time.Time { return d.st.due }

// OriginalDue returns the legal due time: receipt plus the limit, extended
// by the pauses (or restarted on supplement). A reschedule with an apology
// (form 04) moves Due, never OriginalDue, and timeliness is judged against
// OriginalDue, whatever the apology promised.
func (d *Dossier) OriginalDue() time.Time { return d.st.legalDue }

// FinishedAt returns when processing ended: the result ready, or the
// dossier refused, stopped or withdrawn. Zero while it has not.
func (d *Dossier) FinishedAt() time.Time { return d.st.finishedAt }

// ReturnedAt returns when the result was handed to the applicant.
func (d *Dossier) ReturnedAt() time.Time { return d.st.returnedAt }

// Pauses returns the intervals when the clock stopped (a supplement or a
// payment awaited), oldest first; the last may be open. The slice is the
// caller's.
func (d *Dossier) Pauses() []sla.Interval { return slices.Clone(d.st.pauses) }

// Handovers returns the rows of the control slip, oldest first. The slice
// is the caller's.
func (d *Dossier) Handovers() []Handover { return slices.Clone(d.st.handovers) }

// SupplementRequests returns how many times a supplement was requested. The
// national index counts a dossier with more than one as late.
func (d *Dossier) SupplementRequests() int { return d.st.supplements }

// ClockStopped reports whether the clock is stopped now: a supplement or a
// payment is awaited.
func (d *Dossier) ClockStopped() bool {
	n := len(d.st.pauses)
	return n > 0 && d.st.pauses[n-1].Open()
}

// Timeliness judges a dossier whose result is ready (or returned) against
// its legal due time; false for one still being handled and for one that
// ended without a result (refused, withdrawn or stopped). A dossier with
// more than one supplement request is late, as the national index counts
// it.
func (d *Dossier) Timeliness(cal *sla.Calendar) (sla.Timeliness, bool) {
	if !d.st.status.HasResult() || d.st.receivedAt.IsZero() {
		return 0, false
	}
	if d.st.supplements > 1 {
		return sla.Late, true
	}
	return cal.Classify(d.st.legalDue, d.st.finishedAt), true
}

// Clone returns a deep copy of d that shares nothing with it.
func (d *Dossier) Clone() *Dossier {
	c := *d
	c.Events = slices.Clone(d.Events)
	c.st.pauses = slices.Clone(d.st.pauses)
	c.st.handovers = slices.Clone(d.st.handovers)
	return &c
}

// AsOf returns the dossier as it stood at instant t: only the events at or
// before t, with the due times they had set. A pause that ended after t is
// still open in it. AsOf returns nil when the dossier was not yet
// registered at t. A history that did not come through Apply is replayed
// up to its first event that Apply refuses.
func (d *Dossier) AsOf(t time.Time) *Dossier {
	past := *d
	past.Events, past.Version, past.st = nil, 0, state{}
	for _, e := range d.Events {
		if e.At.After(t) || past.Apply(e) != nil {
			break
		}
	}
	if len(past.Events) == 0 {
		return nil
	}
	return &past
}

// Apply records e as the next event of d's history and moves d to the state
// it leads to. It numbers e (a caller leaves N zero, or gives the next
// number), sets its From and To statuses, and keeps its times to the
// microsecond in ICT. It refuses, changing nothing:
//   - an event the lifecycle does not allow in d's status
//     (ErrInvalidTransition);
//   - an event earlier than the one before it, a time outside 1900–2199, a
//     wrong number, or an event without the facts its kind needs
//     (ErrInvalid): a receipt's due times and time limit, a supplement's or
//     payment's new due times, a reschedule's later appointment, a
//     transfer's receiver, the reason of a refusal, supplement request,
//     reschedule or stop; a time to supplement by (SupplementBy) on
//     another kind of event, or not after the request;
//   - a history already MaxEvents long (ErrHistoryFull).
func (d *Dossier) Apply(e Event) error {
	n := len(d.Events)
	if n >= MaxEvents {
		return fmt.Errorf("%w: %s already has %d events", ErrHistoryFull, d.Code, n)
	}
	if e.N != 0 && e.N != n+1 {
		return fmt.Errorf("%w: event number %d, want %d", ErrInvalid, e.N, n+1)
	}
	e.N = n + 1
	for _, t := range []*time.Time{&e.At, &e.StepDue, &e.Due, &e.LegalDue, &e.SupplementBy} {
		if !t.IsZero() {
			*t = Stamp(*t)
			if !inRange(*t) {
				return fmt.Errorf("%w: %s is outside 1900–2199", ErrInvalid, t.Format(time.RFC3339))
			}
		}
	}
	switch {
	case e.At.IsZero():
		return fmt.Errorf("%w: an event needs its time", ErrInvalid)
	case n > 0 && e.At.Before(d.Events[n-1].At):
		return fmt.Errorf("%w: event %d at %s is earlier than event %d at %s", ErrInvalid,
			e.N, e.At.Format(time.RFC3339Nano), n, d.Events[n-1].At.Format(time.RFC3339Nano))
	}
	to, err := next(d.st.status, e.Kind)
	if err != nil {
		return err
	}
	if err := d.check(e); err != nil {
		return err
	}
	e.From, e.To = d.st.status, to
	d.st.apply(e) // nothing fails past the checks above
	d.Events = append(d.Events, e)
	d.Version = len(d.Events)
	return nil
}

// check refuses an event that lacks a fact its kind needs.
func (d *Dossier) check(e Event) error {
	missing := func(what string) error {
		return fmt.Errorf("%w: a %s event needs %s", ErrInvalid, verbs[e.Kind], what)
	}
	switch e.Kind {
	case KindReceive:
		switch {
		case e.Due.IsZero() || e.LegalDue.IsZero():
			return missing("the due time")
		case e.LegalDue.Before(e.At) || e.Due.Before(e.LegalDue):
			return fmt.Errorf("%w: a due time before the receipt", ErrInvalid)
		case e.Limit.Validate() != nil:
			return missing("the time limit")
		}
	case KindSupplement, KindPay:
		if e.Due.IsZero() || e.LegalDue.IsZero() {
			return missing("the due time")
		}
	case KindReschedule:
		switch {
		case e.Reason == "":
			return missing("the reason")
		case !e.Due.After(d.st.due):
			return fmt.Errorf("%w: a new appointment must be later than %s", ErrInvalid, d.st.due.Format(time.RFC3339))
		}
	case KindTransfer:
		if e.Receiver == "" {
			return missing("the receiver")
		}
	case KindRefuse, KindRequestSupplement, KindStop:
		if e.Reason == "" {
			return missing("the reason")
		}
	}
	if !e.SupplementBy.IsZero() {
		switch {
		case e.Kind != KindRequestSupplement:
			return fmt.Errorf("%w: only a supplement request has a time to supplement by", ErrInvalid)
		case !e.SupplementBy.After(e.At):
			return fmt.Errorf("%w: the time to supplement by, %s, is not after the request", ErrInvalid, e.SupplementBy.Format(time.RFC3339))
		}
	}
	if (e.Kind == KindWithdraw || e.Kind == KindStop) && d.ClockStopped() && e.LegalDue.IsZero() {
		return missing("the legal due time, as it ends a pause")
	}
	return nil
}

// apply moves s to the state that e leads to. A dossier's slices are its
// own (Clone copies them), so they grow in place.
func (s *state) apply(e Event) {
	s.status = e.To
	if !e.Due.IsZero() {
		s.due = e.Due
	}
	if !e.LegalDue.IsZero() {
		s.legalDue = e.LegalDue
	}
	switch e.Kind {
	case KindSubmit, KindReceive:
		s.version, s.limit, s.regime = e.ProcedureVersion, e.Limit, e.Regime
	}
	switch e.Kind {
	case KindReceive:
		s.receivedAt = e.At
		s.handovers = append(s.handovers, Handover{Step: e.Step, To: e.Actor, At: e.At, Due: e.StepDue})
	case KindTransfer:
		s.closeStep(e.At)
		s.handovers = append(s.handovers, Handover{Step: e.Step, From: e.Actor, To: e.Receiver, At: e.At, Due: e.StepDue})
	case KindRequestSupplement, KindRequestPayment:
		if e.Kind == KindRequestSupplement {
			s.supplements++
		}
		s.pauses = append(s.pauses, sla.Interval{Start: e.At})
	case KindSupplement, KindPay:
		s.endPause(e.At)
		if h := s.openStep(); h != nil {
			h.Due = e.StepDue
		}
	case KindResolve, KindRefuse, KindWithdraw, KindStop:
		s.endPause(e.At)
		s.closeStep(e.At)
		s.finishedAt = e.At
	case KindReturn:
		s.returnedAt = e.At
	}
}

func (s *state) openStep() *Handover {
	if n := len(s.handovers); n > 0 && s.handovers[n-1].Done.IsZero() {
		return &s.handovers[n-1]
	}
	return nil
}

func (s *state) closeStep(at time.Time) {
	if h := s.openStep(); h != nil {
		h.Done = at
	}
}

func (s *state) endPause(at time.Time) {
	if n := len(s.pauses); n > 0 && s.pauses[n-1].Open() {
		s.pauses[n-1].End = at
	}
}

// Stamp returns t as dossiers keep times: to the microsecond, the precision
// PostgreSQL keeps, in ICT. The zero time stays zero.
func Stamp(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Microsecond).In(sla.ICT)
}

// inRange reports whether t falls within the years the calendar covers.
func inRange(t time.Time) bool {
	y := t.In(sla.ICT).Year()
	return y >= 1900 && y <= 2199
}

// Restore rebuilds a dossier from its registration facts (the exported
// fields of d but Events and Version) and its stored history, replaying
// every event through Apply. A Store uses it to read a dossier back, and to
// check a new one before it stores it: a history that Apply refuses is
// refused here with Apply's error.
func Restore(d Dossier, events []Event) (*Dossier, error) {
	d.Events, d.Version, d.st = make([]Event, 0, len(events)), 0, state{}
	for _, e := range events {
		if err := d.Apply(e); err != nil {
			return nil, fmt.Errorf("dossier: %s: event %d: %w", d.Code, len(d.Events)+1, err)
		}
	}
	return &d, nil
}
