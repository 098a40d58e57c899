package dossier

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A Store keeps dossiers as their histories: it appends events and never
// overwrites them. Implementations must be safe for concurrent use and must
// pass storetest.Run.
type Store interface {
	// Create stores a new dossier and its first events. In the same
	// transaction it draws the next sequence number of the day d.Code.Date
	// for the agency d.Code.Agency (1, 2, 3, … with no gap or repeat, even
	// under concurrent calls and after failed creates) and sets d.Code.Seq.
	// d's events must have come through Apply. It returns ErrExists when a
	// dossier with the same ID is stored, and ErrInvalid for a dossier it
	// could not read back (a code that does not round-trip, no events).
	Create(ctx context.Context, d *Dossier) error
	// Get returns a copy of the dossier, which the caller may change
	// freely, or ErrNotFound.
	Get(ctx context.Context, c Code) (*Dossier, error)
	// Append adds events to the dossier's history if its stored Version is
	// version, and returns the dossier as they leave it. The events go
	// through Apply, so a store never holds a history the lifecycle
	// refuses: an invalid event returns Apply's error and nothing is
	// written. A stale version returns ErrConflict; an unknown code,
	// ErrNotFound.
	Append(ctx context.Context, c Code, version int, events ...Event) (*Dossier, error)
	// List yields copies of the dossiers that match f, ordered by ReceivedAt,
	// then Code (see Less). It stops when the consumer stops, and yields an
	// error (and stops) if reading fails.
	List(ctx context.Context, f Filter) iter.Seq2[*Dossier, error]
}

// A FactStore is a Store that keeps each dossier's Facts beside its
// history, written in the same transaction as every create and append, so
// that period reports read a few columns instead of whole dossiers. Report
// code looks for it, as io.Copy looks for io.WriterTo, and falls back to
// List.
type FactStore interface {
	Store
	// ListFacts yields the facts of every dossier that was being handled,
	// or filed, at some time in [from, to): registered before to and not
	// finished before from (see Facts.Live). The order is unspecified.
	ListFacts(ctx context.Context, from, to time.Time) iter.Seq2[Facts, error]
}

// Facts are what period reports need to know of a dossier, as its history
// leaves it now. They are enough to judge it at any instant in the past:
// a pause that starts at or after the legal due time does not move it, and
// neither does a supplement after it, so a dossier overdue at an instant
// has a legal due time before that instant now too.
type Facts struct {
	Code             Code
	Procedure        string
	ProcedureVersion sla.Date
	Channel          procedure.Channel
	ReturnChannel    procedure.Channel
	RegisteredAt     time.Time // the first event: filed online or received
	ReceivedAt       time.Time // zero if never received
	LegalDue         time.Time // OriginalDue
	FinishedAt       time.Time // zero while being handled
	ReturnedAt       time.Time
	// PausedSince is the start of the pause under way, if the clock is
	// stopped now.
	PausedSince time.Time
	// Outcome is the status that ended processing: Resolved (for a
	// returned dossier too), Refused, Withdrawn or Stopped; zero while it
	// has not ended.
	Outcome     Status
	Supplements int // supplement requests
	// Pauses counts the closed pauses: how many times the clock stopped (a
	// supplement or a payment awaited) and ran again. A report that needs
	// the paused time reads the dossier's Pauses for the few that have any.
	Pauses int
}

// Facts returns d's facts.
func (d *Dossier) Facts() Facts {
	f := Facts{
		Code: d.Code, Procedure: d.Procedure, ProcedureVersion: d.st.version,
		Channel: d.Channel, ReturnChannel: d.ReturnChannel,
		ReceivedAt: d.st.receivedAt, LegalDue: d.st.legalDue, FinishedAt: d.st.finishedAt, ReturnedAt: d.st.returnedAt,
		Supplements: d.st.supplements,
	}
	if len(d.Events) > 0 {
		f.RegisteredAt = d.Events[0].At
	}
	f.Pauses = len(d.st.pauses)
	if d.ClockStopped() {
		f.PausedSince = d.st.pauses[len(d.st.pauses)-1].Start
		f.Pauses--
	}
	if s := d.st.status; s.Ended() {
		f.Outcome = s
		if s == Returned {
			f.Outcome = Resolved
		}
	}
	return f
}

// Live reports whether the dossier was registered before to and had not
// finished before from: whether a report on [from, to) can count it.
func (f Facts) Live(from, to time.Time) bool {
	return f.RegisteredAt.Before(to) && (f.FinishedAt.IsZero() || !f.FinishedAt.Before(from))
}

// OverdueAt reports whether a dossier being handled at t was overdue then:
// t is past its legal due time, or its clock stopped after the due time had
// passed. A dossier whose clock stopped in time stays in time while it is
// stopped.
func (f Facts) OverdueAt(t time.Time) bool {
	if !f.PausedSince.IsZero() && !f.PausedSince.After(t) {
		return f.PausedSince.After(f.LegalDue)
	}
	return t.After(f.LegalDue)
}

// A Filter selects dossiers for List. Its zero value selects all.
type Filter struct {
	// ReceivedFrom and ReceivedTo bound ReceivedAt to [ReceivedFrom,
	// ReceivedTo); a zero bound is open. With either set, dossiers not yet
	// received are left out.
	ReceivedFrom, ReceivedTo time.Time
	Status                   Status            // zero: any
	Procedure                string            // "": any
	Channel                  procedure.Channel // zero: any
	// Codes, if not nil, selects only the dossiers of these codes, so that
	// a caller reads many named dossiers in one List rather than a Get
	// each. An empty non-nil slice selects nothing; unknown codes select
	// nothing, and a code given twice selects its dossier once. The order
	// is List's, whatever the order of Codes.
	Codes []Code
}

// Match reports whether d passes f. Stores may use it, or translate f into
// their own query.
func (f Filter) Match(d *Dossier) bool {
	r := d.st.receivedAt
	switch {
	case !f.ReceivedFrom.IsZero() && (r.IsZero() || r.Before(f.ReceivedFrom)),
		!f.ReceivedTo.IsZero() && (r.IsZero() || !r.Before(f.ReceivedTo)),
		f.Status != 0 && d.st.status != f.Status,
		f.Procedure != "" && d.Procedure != f.Procedure,
		f.Channel != 0 && d.Channel != f.Channel,
		f.Codes != nil && !slices.Contains(f.Codes, d.Code):
		return false
	}
	return true
}

// Less orders dossiers as List yields them: by ReceivedAt (not yet received
// first), then by code as Compare orders them.
func Less(a, b *Dossier) bool {
	if !a.st.receivedAt.Equal(b.st.receivedAt) {
		return a.st.receivedAt.Before(b.st.receivedAt)
	}
	return a.Code.Compare(b.Code) < 0
}
