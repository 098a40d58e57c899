package sqlstore

import (
	"context"
	"iter"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
)

// Ratings returns the store's rating.Store, on the same database; its clock
// is time.Now.
func (s *Store) Ratings() rating.Store { return s.RatingsWithClock(time.Now) }

// RatingsWithClock returns the store's rating.Store with a clock of the
// caller's, which judges whether a rating is in the future, so that tests
// and simulations can fix the time.
func (s *Store) RatingsWithClock(now func() time.Time) rating.Store {
	return &ratings{s: s, now: now}
}

// ratings keeps ratings in the table ratings, whose unique index on the
// dossier code makes a second rating of a dossier insert nothing.
type ratings struct {
	s   *Store
	now func() time.Time
}

// Add implements rating.Store. It keeps the comment in NFC, as
// rating.MemStore does.
func (r *ratings) Add(ctx context.Context, x rating.Rating) error {
	if err := x.Validate(r.now()); err != nil {
		return err
	}
	var code any // NULL: a kiosk rating with no dossier, never a duplicate
	if !x.Dossier.IsZero() {
		code = x.Dossier.String()
	}
	s := r.s
	var added int64
	err := s.write(ctx, func() error {
		res, err := s.db.ExecContext(ctx, s.q.insertRating, code, int64(x.Level), norm.NFC.String(x.Comment), s.timeArg(x.At), int64(x.Channel))
		if err != nil {
			return err
		}
		added, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return s.fail("adding a rating", err)
	}
	if added == 0 {
		return rating.ErrDuplicate
	}
	return nil
}

// List implements rating.Store. It streams, as (*Store).List does.
func (r *ratings) List(ctx context.Context, from, to time.Time) iter.Seq2[rating.Rating, error] {
	s := r.s
	return func(yield func(rating.Rating, error) bool) {
		query := s.q.listRatings
		var (
			where []string
			args  []any
		)
		if !from.IsZero() {
			args = append(args, s.boundArg(from))
			where = append(where, "rated_at >= $"+strconv.Itoa(len(args)))
		}
		if !to.IsZero() {
			args = append(args, s.boundArg(to))
			where = append(where, "rated_at < $"+strconv.Itoa(len(args)))
		}
		if len(where) > 0 {
			query += " WHERE " + strings.Join(where, " AND ")
		}
		rows, err := s.db.QueryContext(ctx, query+" ORDER BY rated_at, id", args...)
		if err != nil {
			yield(rating.Rating{}, s.fail("listing ratings", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var (
				x              rating.Rating
				level, channel int64
			)
			// A NULL code scans as the zero Code: a kiosk rating.
			if err := rows.Scan(&x.Dossier, &level, &x.Comment, timeCol{&x.At}, &channel); err != nil {
				yield(rating.Rating{}, s.fail("listing ratings", err))
				return
			}
			x.Level, x.Channel = rating.Level(level), procedure.Channel(channel)
			if !yield(x, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(rating.Rating{}, s.fail("listing ratings", err))
		}
	}
}
