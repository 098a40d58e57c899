package sqlrating

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
)

// A Store keeps ratings in the table ratings of a sqlstore.Store's
// database. It is safe for concurrent use, and several Stores, in one
// process or many, may share one database.
type Store struct {
	st  *sqlstore.Store
	now func() time.Time
}

// New returns the ratings kept in the database of st, which must be
// migrated (see sqlstore.Store.Migrate). Its clock, which judges whether a
// rating is in the future, is time.Now.
func New(st *sqlstore.Store) *Store { return NewWithClock(st, time.Now) }

// NewWithClock is New with a clock of the caller's, so that tests and
// simulations can fix the time.
func NewWithClock(st *sqlstore.Store, now func() time.Time) *Store {
	return &Store{st: st, now: now}
}

// insertRating inserts nothing for a rating of a dossier that the table
// dossiers does not hold, and nothing for a second rating of a dossier,
// which the unique index on the code makes a conflict. It checks and
// inserts in one statement, so that no rating can name a missing dossier.
// The CAST gives PostgreSQL the type of $1, which IS NULL does not.
const insertRating = `INSERT INTO ratings (dossier_code, level, comment, rated_at, channel)
	SELECT $1, $2, $3, $4, $5 WHERE CAST($1 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM dossiers WHERE code = $1)
	ON CONFLICT DO NOTHING`

// rated tells the two apart when insertRating inserted nothing. Ratings are
// never deleted, so a rating of the dossier found now was there, or was
// added since, and "rated already" is true either way; none found means
// that the dossier was missing.
const rated = `SELECT EXISTS (SELECT 1 FROM ratings WHERE dossier_code = $1)`

const listRatings = `SELECT dossier_code, level, comment, rated_at, channel FROM ratings`

// Add implements rating.Store. It keeps the comment in NFC, as
// rating.MemStore does. A rating of a dossier that the database does not
// hold is refused with an error matching dossier.ErrNotFound.
func (s *Store) Add(ctx context.Context, r rating.Rating) error {
	if err := r.Validate(s.now()); err != nil {
		return err
	}
	var code any // NULL: a kiosk rating with no dossier, never a duplicate
	if !r.Dossier.IsZero() {
		code = r.Dossier.String()
	}
	res, err := s.st.DB().ExecContext(ctx, insertRating, code, int64(r.Level), norm.NFC.String(r.Comment), s.st.TimeArg(r.At), int64(r.Channel))
	if err != nil {
		return fmt.Errorf("sqlrating: adding a rating: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlrating: adding a rating: %w", err)
	}
	if n == 1 {
		return nil
	}
	var dup bool
	if err := s.st.DB().QueryRowContext(ctx, rated, code).Scan(&dup); err != nil {
		return fmt.Errorf("sqlrating: adding a rating: %w", err)
	}
	if dup {
		return rating.ErrDuplicate
	}
	return fmt.Errorf("sqlrating: rating dossier %s: %w", r.Dossier, dossier.ErrNotFound)
}

// List implements rating.Store. It streams the rows, and closes them when
// the consumer stops.
func (s *Store) List(ctx context.Context, from, to time.Time) iter.Seq2[rating.Rating, error] {
	return func(yield func(rating.Rating, error) bool) {
		query := listRatings
		var (
			where []string
			args  []any
		)
		if !from.IsZero() {
			args = append(args, s.st.BoundArg(from))
			where = append(where, "rated_at >= $"+strconv.Itoa(len(args)))
		}
		if !to.IsZero() {
			args = append(args, s.st.BoundArg(to))
			where = append(where, "rated_at < $"+strconv.Itoa(len(args)))
		}
		if len(where) > 0 {
			query += " WHERE " + strings.Join(where, " AND ")
		}
		rows, err := s.st.DB().QueryContext(ctx, query+" ORDER BY rated_at, id", args...)
		if err != nil {
			yield(rating.Rating{}, fmt.Errorf("sqlrating: listing ratings: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r              rating.Rating
				level, channel int64
			)
			// A NULL code scans as the zero Code: a kiosk rating.
			if err := rows.Scan(&r.Dossier, &level, &r.Comment, sqlstore.ScanTime(&r.At), &channel); err != nil {
				yield(rating.Rating{}, fmt.Errorf("sqlrating: listing ratings: %w", err))
				return
			}
			r.Level, r.Channel = rating.Level(level), procedure.Channel(channel)
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(rating.Rating{}, fmt.Errorf("sqlrating: listing ratings: %w", err))
		}
	}
}

// compile-time check
var _ rating.Store = (*Store)(nil)
