package dossier

import (
	"errors"
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
	// reason, a reschedule to an earlier time.
	ErrInvalid = errors.New("dossier: invalid input")
)

// A Dossier is an application for one administrative procedure (hồ sơ
// thủ tục hành chính), from receipt to the returned result, with its whole
// history.
type Dossier struct {
	ID   uuid.UUID // a UUIDv7, so IDs sort by creation time
	Code Code

	// Procedure is the procedure's code; ProcedureVersion is the effective
	// date of the version in force when the dossier was received, which it
	// keeps (DESIGN.md). Limit and Regime are that version's processing time
	// for the dossier's channel and its supplement regime.
	Procedure        string
	ProcedureVersion sla.Date
	Limit            sla.Duration
	Regime           procedure.SupplementRegime

	Applicant     Applicant
	Channel       procedure.Channel // how the dossier was filed
	ReturnChannel procedure.Channel // how the result goes back; independent of Channel

	SubmittedAt time.Time // filed (online) or handed in (at the counter)
	ReceivedAt  time.Time // received complete and valid: the clock starts here
	Due         time.Time // the current appointment
	// OriginalDue is the legal due time: receipt plus the limit, extended by
	// pauses (or restarted on supplement). A reschedule moves Due, never
	// OriginalDue, and timeliness is judged against it (DOMAIN.md §4).
	OriginalDue time.Time
	FinishedAt  time.Time // processing ended: result ready, refused, stopped or withdrawn
	ReturnedAt  time.Time

	Pauses    []sla.Interval // clock stopped: supplement or payment; the last may be open
	Handovers []Handover     // the control slip (form 05)

	Status  Status
	Events  []Event // every change, oldest first; never rewritten
	Version int     // bumped by the Store on every write
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

// A Handover is a row of the control slip (form 05, phiếu kiểm soát quá
// trình giải quyết hồ sơ): who gave the dossier to whom and when, for which
// step, the step's own due time, and how the step went.
type Handover struct {
	Step       string         // the procedure step the receiver performs
	From, To   string         // the giving and receiving officer or unit
	At         time.Time      // when it was handed over
	Due        time.Time      // when the step is due; zero if the procedure has no such step
	Done       time.Time      // when the step ended: the next handover or the result; zero while open
	Timeliness sla.Timeliness // the step's timeliness once Done; zero before
}

// An Event is one change in a dossier's history.
type Event struct {
	At       time.Time
	Kind     Kind
	Actor    string
	From, To Status
	Note     string // the reason, the receiver or the new appointment, as the event needs
}

// SupplementRequests returns how many times a supplement was requested. The
// national index counts a dossier with more than one as late.
func (d *Dossier) SupplementRequests() int {
	n := 0
	for _, e := range d.Events {
		if e.Kind == KindRequestSupplement {
			n++
		}
	}
	return n
}

// Timeliness judges a received dossier whose processing has ended (the
// first of result ready, refused, stopped or withdrawn) against its original
// due time, extended by its pauses; false while it has not ended, and for
// one that ended before it was received. A dossier with more than one
// supplement request is late, as the national index counts it.
func (d *Dossier) Timeliness(cal *sla.Calendar) (sla.Timeliness, bool) {
	if d.FinishedAt.IsZero() || d.ReceivedAt.IsZero() {
		return 0, false
	}
	if d.SupplementRequests() > 1 {
		return sla.Late, true
	}
	return cal.Classify(d.OriginalDue, d.FinishedAt), true
}

// Clone returns a deep copy of d that shares nothing with it.
func (d *Dossier) Clone() *Dossier {
	c := *d
	c.Pauses = slices.Clone(d.Pauses)
	c.Handovers = slices.Clone(d.Handovers)
	c.Events = slices.Clone(d.Events)
	return &c
}

// apply records an event of kind k at, by actor, moving d to the status the
// lifecycle gives. It changes nothing when the lifecycle forbids it.
func (d *Dossier) apply(k Kind, at time.Time, actor, note string) error {
	to, err := next(d.Status, k)
	if err != nil {
		return err
	}
	d.Events = append(d.Events, Event{At: at, Kind: k, Actor: actor, From: d.Status, To: to, Note: note})
	d.Status = to
	return nil
}
