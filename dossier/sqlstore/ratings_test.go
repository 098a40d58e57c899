package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

var clock = time.Date(2020, time.June, 15, 10, 0, 0, 0, sla.ICT)

// The SQL ratings behave as rating.MemStore, the reference: the same adds
// give the same errors, and the same listings the same ratings.
func TestRatingsAsMemStore(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2020, time.June, d, 9, 0, 0, 0, sla.ICT) }
	code := func(i int) string { return fmt.Sprintf("000.00.01.H26-200601-%04d", i) }
	adds := []struct {
		name string
		r    rating.Rating
	}{
		{"first", rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: day(5)}},
		{"earlier", rating.Rating{Dossier: code(2), Level: rating.VerySatisfied, At: day(1), Channel: procedure.Online, Comment: "Nhanh, đúng hẹn"}},
		{"same time 1", rating.Rating{Dossier: code(3), Level: rating.Unsatisfied, At: day(3), Channel: procedure.Direct}},
		{"same time 2", rating.Rating{Dossier: code(4), Level: rating.Satisfied, At: day(3)}},
		{"duplicate", rating.Rating{Dossier: code(1), Level: rating.Unsatisfied, At: day(6)}},
		{"kiosk", rating.Rating{Level: rating.Satisfied, At: day(3)}},
		{"kiosk again", rating.Rating{Level: rating.Satisfied, At: day(3)}},
		{"decomposed comment", rating.Rating{Dossier: code(5), Level: rating.VerySatisfied, At: day(10), Comment: "Ra\u0302\u0301t to\u0302\u0301t"}},
		{"in another zone", rating.Rating{Dossier: code(6), Level: rating.Satisfied, At: day(4).UTC()}},
		{"level zero", rating.Rating{Dossier: code(7), Level: 0, At: day(4)}},
		{"no time", rating.Rating{Dossier: code(7), Level: rating.Satisfied}},
		{"in the future", rating.Rating{Dossier: code(7), Level: rating.Satisfied, At: clock.Add(rating.ClockSkew + time.Second)}},
		{"malformed code", rating.Rating{Dossier: "hồ sơ 42", Level: rating.Satisfied, At: day(4)}},
		{"unknown channel", rating.Rating{Dossier: code(7), Level: rating.Satisfied, At: day(4), Channel: 9}},
		{"after refusals", rating.Rating{Dossier: code(7), Level: rating.Satisfied, At: day(4)}},
	}
	windows := []struct {
		name     string
		from, to time.Time
	}{
		{"all", time.Time{}, time.Time{}},
		{"from inclusive", day(3), time.Time{}},
		{"to exclusive", time.Time{}, day(5)},
		{"window", day(2), day(6)},
		{"empty", day(6), day(7)},
		{"inverted", day(6), day(2)},
	}
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		fixed := func() time.Time { return clock }
		sqlRatings, memRatings := newStore(t).RatingsWithClock(fixed), rating.NewMemStoreWithClock(fixed)
		ctx := context.Background()
		for _, a := range adds {
			want := memRatings.Add(ctx, a.r)
			got := sqlRatings.Add(ctx, a.r)
			if want == nil {
				assert.NoError(t, got, a.name)
				continue
			}
			assert.Error(t, got, a.name)
			for _, sentinel := range []error{rating.ErrDuplicate, rating.ErrInvalid} {
				if errors.Is(want, sentinel) {
					assert.ErrorIs(t, got, sentinel, a.name)
				}
			}
		}
		for _, w := range windows {
			assert.Equal(t, instants(list(t, memRatings, w.from, w.to)), instants(list(t, sqlRatings, w.from, w.to)), w.name)
		}
		all := list(t, sqlRatings, time.Time{}, time.Time{})
		require.NotEmpty(t, all)
		assert.Equal(t, sla.ICT, all[0].At.Location(), "times come back in ICT")
	})
}

// Two devices rating one dossier at once, on two instances: one wins, the
// others are told.
func TestRatingsConcurrent(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t).Ratings()
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range errs {
			wg.Go(func() {
				errs[i] = s.Add(context.Background(), rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.Satisfied, At: time.Now()})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, rating.ErrDuplicate)
			}
		}
		assert.Equal(t, 1, ok)
	})
}

func TestRatingsListStopsAndCancels(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		s := newStore(t).Ratings()
		for range 3 {
			require.NoError(t, s.Add(context.Background(), rating.Rating{Level: rating.Satisfied, At: clock}))
		}
		n := 0
		for range s.List(context.Background(), time.Time{}, time.Time{}) {
			n++
			break
		}
		assert.Equal(t, 1, n)
		assert.Len(t, list(t, s, time.Time{}, time.Time{}), 3, "the store works after an abandoned listing")

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, err := range s.List(ctx, time.Time{}, time.Time{}) {
			assert.ErrorIs(t, err, context.Canceled)
		}
		assert.ErrorIs(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: clock}), context.Canceled)
	})
}

func list(t *testing.T, s rating.Store, from, to time.Time) []rating.Rating {
	t.Helper()
	var out []rating.Rating
	for r, err := range s.List(context.Background(), from, to) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

// instants returns rs with times in UTC, to compare them as instants.
func instants(rs []rating.Rating) []rating.Rating {
	for i := range rs {
		rs[i].At = rs[i].At.UTC()
	}
	return rs
}
