package rating

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
)

var (
	// ErrInvalid means a rating cannot be stored: its level is outside 1–3
	// (a *LevelError), its time is unset or in the future, or its dossier
	// code or channel is malformed.
	ErrInvalid = errors.New("rating: invalid rating")
	// ErrDuplicate means the dossier has been rated already. A dossier gets
	// at most one rating; the first one stays.
	ErrDuplicate = errors.New("rating: the dossier has been rated already")
	// ErrNotReady means the dossier cannot be rated, as its result is not
	// ready: it is still being handled, or it was refused, withdrawn or
	// stopped (see [Rateable]).
	ErrNotReady = errors.New("rating: the dossier's result is not ready")
)

// ClockSkew is how far ahead of the store's clock a rating's time may be.
// Kiosks and phones keep their own clocks, which drift; a rating more than
// this ahead was not made yet, and is refused.
const ClockSkew = time.Minute

// A Rating is a citizen's satisfaction with the handling of one dossier
// (đánh giá mức độ hài lòng), as given on the desk's rating device, the
// public service portal or a phone.
type Rating struct {
	// Dossier is the code of the dossier rated, such as
	// 000.00.01.H26-200115-0042. It is optional: a kiosk at the centre's
	// door takes ratings of a visit with no dossier, whose code is zero.
	// Ratings with no dossier are never duplicates.
	Dossier dossier.Code `json:"dossier,omitzero"`
	// Level is how satisfied the citizen was.
	Level Level `json:"level"`
	// Comment is what the citizen wrote, if anything. Stores keep it in
	// Unicode NFC, the form officers' screens and reports expect.
	Comment string `json:"comment,omitempty"`
	// At is when the rating was given. Reports count a rating in the
	// period that holds At.
	At time.Time `json:"at"`
	// Channel is where the rating was given: Direct on the desk's device,
	// Online on the portal, Postal on a returned form. Zero is unknown.
	Channel procedure.Channel `json:"channel,omitzero"`
}

// Validate checks r as a Store does before keeping it, against the store's
// clock now: a valid level, a set time at most ClockSkew after now, a
// valid dossier code if any, and a known channel if any. The error matches
// ErrInvalid.
func (r Rating) Validate(now time.Time) error {
	if err := r.valid(); err != nil {
		return err
	}
	if r.At.After(now.Add(ClockSkew)) {
		return fmt.Errorf("%w: rated at %s, after the clock's %s", ErrInvalid, r.At.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// valid checks what Validate checks but the time against a clock.
func (r Rating) valid() error {
	if !r.Level.Valid() {
		return &LevelError{Input: strconv.Itoa(int(r.Level))}
	}
	if r.At.IsZero() {
		return fmt.Errorf("%w: the time of the rating is unset", ErrInvalid)
	}
	if !r.Dossier.IsZero() && !r.Dossier.Valid() {
		return fmt.Errorf("%w: the dossier code %q is not valid", ErrInvalid, r.Dossier.String())
	}
	if r.Channel != 0 && !r.Channel.Valid() {
		return fmt.Errorf("%w: unknown channel %d", ErrInvalid, r.Channel)
	}
	return nil
}

// normalize brings r to the form stores keep: the comment in NFC.
func (r Rating) normalize() Rating {
	r.Comment = norm.NFC.String(r.Comment)
	return r
}

// A Store keeps ratings. Implementations must be safe for concurrent use
// and must pass ratingtest.Run. A Store checks the rating itself, not the
// dossier's state: [Rate] adds a rating under the rules of rating.
type Store interface {
	// Add validates r (see Rating.Validate) against the store's clock and
	// keeps it. A second rating of a dossier is ErrDuplicate, and the first
	// stays. A store kept beside the dossiers may refuse a rating of a
	// dossier it does not hold, with an error matching
	// dossier.ErrNotFound.
	Add(ctx context.Context, r Rating) error
	// List yields the ratings given in [from, to), ordered by time, then by
	// the order they were added; a zero bound is open. It stops when the
	// consumer stops, and yields an error (and stops) if reading fails.
	List(ctx context.Context, from, to time.Time) iter.Seq2[Rating, error]
}

// Dossiers finds a dossier by its code, or returns an error matching
// dossier.ErrNotFound. A dossier.Store and a *dossier.Service are Dossiers.
type Dossiers interface {
	Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error)
}

// Rateable reports whether a citizen may rate the handling of d: once its
// result is ready, resolved or returned. A dossier still being handled has
// nothing to rate yet, and one refused, withdrawn or stopped never will.
func Rateable(d *dossier.Dossier) bool {
	return d.Status().HasResult()
}

// Rate adds a citizen's rating r to store under the rules of rating, so
// that every desk, portal and kiosk applies the same ones. It refuses, in
// this order:
//   - an invalid rating (see [Rating.Validate]; the store's clock judges its
//     time): ErrInvalid;
//   - a rating of a dossier that dossiers does not hold: an error matching
//     dossier.ErrNotFound;
//   - a rating of a dossier whose result is not ready (see [Rateable]):
//     ErrNotReady;
//   - a second rating of a dossier: ErrDuplicate.
//
// An error of dossiers.Get is wrapped and one of store.Add returned as it
// is, so that errors.Is finds their causes. A rating with no dossier, a
// kiosk's rating of a visit, has no dossier to check and goes to store as
// it is.
func Rate(ctx context.Context, dossiers Dossiers, store Store, r Rating) error {
	if err := r.valid(); err != nil {
		return err
	}
	if !r.Dossier.IsZero() {
		d, err := dossiers.Get(ctx, r.Dossier)
		if err != nil {
			return fmt.Errorf("rating: dossier %s: %w", r.Dossier, err)
		}
		if !Rateable(d) {
			return fmt.Errorf("%w: dossier %s", ErrNotReady, r.Dossier)
		}
	}
	return store.Add(ctx, r)
}
