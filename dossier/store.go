package dossier

import (
	"context"
	"iter"
	"time"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A Store keeps dossiers. Implementations must be safe for concurrent use
// and must pass storetest.Run.
type Store interface {
	// Create stores a new dossier at Version 1 (it sets d.Version). It
	// returns ErrExists when a dossier with the same ID or code is stored.
	Create(ctx context.Context, d *Dossier) error
	// Get returns a copy of the dossier, which the caller may change
	// freely, or ErrNotFound.
	Get(ctx context.Context, c Code) (*Dossier, error)
	// Update replaces the stored dossier when d.Version equals the stored
	// version, and bumps d.Version. Otherwise it returns ErrConflict (or
	// ErrNotFound) and writes nothing. Stored events are never rewritten: d
	// must hold them all, with any new ones after them.
	Update(ctx context.Context, d *Dossier) error
	// List yields copies of the dossiers that match f, ordered by ReceivedAt,
	// then Code (see Less). It stops when the consumer stops, and yields an error (and
	// stops) if reading fails.
	List(ctx context.Context, f Filter) iter.Seq2[*Dossier, error]
	// NextSequence returns the next number of the day for the agency: 1, 2,
	// 3, … with no gap or repeat, even under concurrent calls.
	NextSequence(ctx context.Context, agency string, day sla.Date) (int, error)
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
}

// Match reports whether d passes f. Stores may use it, or translate f into
// their own query.
func (f Filter) Match(d *Dossier) bool {
	switch {
	case !f.ReceivedFrom.IsZero() && (d.ReceivedAt.IsZero() || d.ReceivedAt.Before(f.ReceivedFrom)),
		!f.ReceivedTo.IsZero() && (d.ReceivedAt.IsZero() || !d.ReceivedAt.Before(f.ReceivedTo)),
		f.Status != 0 && d.Status != f.Status,
		f.Procedure != "" && d.Procedure != f.Procedure,
		f.Channel != 0 && d.Channel != f.Channel:
		return false
	}
	return true
}

// Less orders dossiers as List yields them: by ReceivedAt (not yet received
// first), then by code as Compare orders them.
func Less(a, b *Dossier) bool {
	if !a.ReceivedAt.Equal(b.ReceivedAt) {
		return a.ReceivedAt.Before(b.ReceivedAt)
	}
	return a.Code.Compare(b.Code) < 0
}
