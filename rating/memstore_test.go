package rating_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

var clock = time.Date(2020, time.June, 15, 10, 0, 0, 0, sla.ICT)

func fixed() time.Time { return clock }

func TestMemStoreAddInvalid(t *testing.T) {
	t.Parallel()
	ok := rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.Satisfied, At: clock}
	tests := []struct {
		name   string
		change func(r *rating.Rating)
	}{
		{"level zero", func(r *rating.Rating) { r.Level = 0 }},
		{"level four", func(r *rating.Rating) { r.Level = 4 }},
		{"no time", func(r *rating.Rating) { r.At = time.Time{} }},
		{"future beyond the skew", func(r *rating.Rating) { r.At = clock.Add(rating.ClockSkew + time.Second) }},
		{"next year", func(r *rating.Rating) { r.At = clock.AddDate(1, 0, 0) }},
		{"malformed code", func(r *rating.Rating) { r.Dossier = "hồ sơ 42" }},
		{"unknown channel", func(r *rating.Rating) { r.Channel = 9 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := rating.NewMemStoreWithClock(fixed)
			r := ok
			tt.change(&r)
			err := s.Add(context.Background(), r)
			assert.ErrorIs(t, err, rating.ErrInvalid)
			assert.Empty(t, list(t, s, time.Time{}, time.Time{}), "nothing stored")
			// The dossier is not marked as rated by a refused rating.
			assert.NoError(t, s.Add(context.Background(), ok))
		})
	}
}

func TestMemStoreAddValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    rating.Rating
	}{
		{"at the clock", rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.VerySatisfied, At: clock}},
		{"within the skew", rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.Satisfied, At: clock.Add(rating.ClockSkew)}},
		{"kiosk, no dossier", rating.Rating{Level: rating.Unsatisfied, At: clock.Add(-time.Hour)}},
		{"online", rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.Satisfied, At: clock, Channel: procedure.Online}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := rating.NewMemStoreWithClock(fixed)
			require.NoError(t, s.Add(context.Background(), tt.r))
			got := list(t, s, time.Time{}, time.Time{})
			require.Len(t, got, 1)
			assert.Equal(t, tt.r, got[0])
		})
	}
}

func TestMemStoreDuplicate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := rating.NewMemStoreWithClock(fixed)
	first := rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.VerySatisfied, At: clock.Add(-time.Hour)}
	require.NoError(t, s.Add(ctx, first))
	second := first
	second.Level, second.At = rating.Unsatisfied, clock
	assert.ErrorIs(t, s.Add(ctx, second), rating.ErrDuplicate)
	got := list(t, s, time.Time{}, time.Time{})
	require.Len(t, got, 1)
	assert.Equal(t, first, got[0], "the first rating stays")

	// Kiosk ratings have no dossier and are never duplicates.
	kiosk := rating.Rating{Level: rating.Satisfied, At: clock}
	require.NoError(t, s.Add(ctx, kiosk))
	require.NoError(t, s.Add(ctx, kiosk))
	assert.Len(t, list(t, s, time.Time{}, time.Time{}), 3)
}

func TestMemStoreNormalizes(t *testing.T) {
	t.Parallel()
	s := rating.NewMemStoreWithClock(fixed)
	decomposed := "Ra\u0302\u0301t to\u0302\u0301t" // "Rất tốt" with combining marks
	require.NoError(t, s.Add(context.Background(), rating.Rating{Level: rating.VerySatisfied, At: clock, Comment: decomposed}))
	got := list(t, s, time.Time{}, time.Time{})
	require.Len(t, got, 1)
	assert.Equal(t, "Rất tốt", got[0].Comment)
}

func TestMemStoreList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := rating.NewMemStoreWithClock(fixed)
	day := func(d int) time.Time { return time.Date(2020, time.June, d, 9, 0, 0, 0, sla.ICT) }
	// Added out of order; equal times keep the order they were added in.
	for i, d := range []int{5, 1, 3, 3, 10} {
		require.NoError(t, s.Add(ctx, rating.Rating{Dossier: fmt.Sprintf("000.00.01.H26-200601-%04d", i+1), Level: rating.Satisfied, At: day(d)}))
	}
	codes := func(rs []rating.Rating) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Dossier[len(r.Dossier)-1:])
		}
		return out
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"all", time.Time{}, time.Time{}, []string{"2", "3", "4", "1", "5"}},
		{"from inclusive", day(3), time.Time{}, []string{"3", "4", "1", "5"}},
		{"to exclusive", time.Time{}, day(5), []string{"2", "3", "4"}},
		{"window", day(2), day(6), []string{"3", "4", "1"}},
		{"empty", day(6), day(7), nil},
		{"inverted", day(6), day(2), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, codes(list(t, s, tt.from, tt.to)))
		})
	}
}

func TestMemStoreListStopsAndCancels(t *testing.T) {
	t.Parallel()
	s := rating.NewMemStoreWithClock(fixed)
	for range 3 {
		require.NoError(t, s.Add(context.Background(), rating.Rating{Level: rating.Satisfied, At: clock}))
	}
	n := 0
	for range s.List(context.Background(), time.Time{}, time.Time{}) {
		n++
		break
	}
	assert.Equal(t, 1, n)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range s.List(ctx, time.Time{}, time.Time{}) {
		assert.ErrorIs(t, err, context.Canceled)
	}
	assert.ErrorIs(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: clock}), context.Canceled)
}

// Two devices rating one dossier at once: one wins, the other is told.
func TestMemStoreConcurrent(t *testing.T) {
	t.Parallel()
	s := rating.NewMemStore()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.Add(context.Background(), rating.Rating{Dossier: "000.00.01.H26-200615-0001", Level: rating.Satisfied, At: time.Now()})
			for range s.List(context.Background(), time.Time{}, time.Time{}) {
			}
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
