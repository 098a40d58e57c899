package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/rating/ratingtest"
	"github.com/motcua/motcua/sla"
)

func TestRatings(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		ratingtest.Run(t, func(t *testing.T, now func() time.Time) rating.Store {
			return newStore(t).RatingsWithClock(now)
		})
	})
}

// Ratings judges "in the future" by time.Now, and gives times back in ICT
// whatever zone they were given in.
func TestRatingsClockAndZone(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(testing.TB) *sqlstore.Store) {
		ctx := context.Background()
		s := newStore(t).Ratings()
		at := time.Date(2020, time.June, 15, 3, 0, 0, 0, time.UTC)
		require.NoError(t, s.Add(ctx, rating.Rating{Dossier: dossier.Code{Agency: agency, Date: sla.DateOf(at), Seq: 1}, Level: rating.Satisfied, At: at}))
		require.NoError(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: time.Now()}), "now")
		assert.ErrorIs(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: time.Now().Add(time.Hour)}), rating.ErrInvalid, "an hour ahead")
		var all []rating.Rating
		for r, err := range s.List(ctx, time.Time{}, time.Time{}) {
			require.NoError(t, err)
			all = append(all, r)
		}
		require.Len(t, all, 2)
		for _, r := range all {
			assert.Equal(t, sla.ICT, r.At.Location(), "times come back in ICT")
		}
		assert.True(t, all[0].At.Equal(at), "%s, want the instant %s", all[0].At, at)
	})
}
