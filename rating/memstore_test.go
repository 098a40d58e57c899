package rating_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/rating/ratingtest"
	"github.com/motcua/motcua/sla"
)

var clock = time.Date(2020, time.June, 15, 10, 0, 0, 0, sla.ICT)

// code returns the code of the i-th dossier received on the day of clock.
func code(i int) dossier.Code {
	return dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(clock), Seq: i}
}

func TestMemStore(t *testing.T) {
	t.Parallel()
	ratingtest.Run(t, func(t *testing.T, now func() time.Time) ratingtest.Harness {
		return ratingtest.Harness{Store: rating.NewMemStoreWithClock(now)}
	})
}

// A MemStore gives back what was added, times in the location they were
// given in; the suite compares times as instants only.
func TestMemStoreKeepsLocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := rating.NewMemStoreWithClock(func() time.Time { return clock })
	want := []rating.Rating{
		{Dossier: code(1), Level: rating.VerySatisfied, At: clock.UTC()},
		{Level: rating.Unsatisfied, At: clock.In(time.FixedZone("PST", -8*60*60))},
		{Dossier: code(2), Level: rating.Satisfied, At: clock, Channel: procedure.Online},
	}
	for _, r := range want {
		require.NoError(t, s.Add(ctx, r))
	}
	var got []rating.Rating
	for r, err := range s.List(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	assert.Equal(t, want, got)
}

// NewMemStore judges "in the future" by time.Now.
func TestNewMemStoreClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := rating.NewMemStore()
	require.NoError(t, s.Add(ctx, rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: time.Now()}))
	assert.ErrorIs(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: time.Now().Add(time.Hour)}), rating.ErrInvalid)
	assert.ErrorIs(t, s.Add(ctx, rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: time.Now()}), rating.ErrDuplicate)
}
