package rating_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/rating"
)

func TestTally(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts [3]int // very satisfied, satisfied, unsatisfied
		shares [3]rating.Percent
	}{
		{"empty", [3]int{}, [3]rating.Percent{}},
		{"2020", [3]int{9807, 445, 0}, [3]rating.Percent{9566, 434, 0}},
		{"thirds", [3]int{1, 1, 1}, [3]rating.Percent{3334, 3333, 3333}},
		{"all unsatisfied", [3]int{0, 0, 4}, [3]rating.Percent{0, 0, 10000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ta rating.Tally
			for i, l := range rating.Levels {
				for range tt.counts[i] {
					require.NoError(t, ta.Add(l))
				}
			}
			assert.Equal(t, tt.counts[0]+tt.counts[1]+tt.counts[2], ta.Total())
			for i, l := range rating.Levels {
				assert.Equal(t, tt.counts[i], ta.Count(l), "count of %v", l)
				assert.Equal(t, tt.shares[i], ta.Share(l), "share of %v", l)
			}
			assert.Equal(t, tt.shares, ta.Shares())
		})
	}
}

func TestTallyInvalidLevel(t *testing.T) {
	t.Parallel()
	var ta rating.Tally
	require.NoError(t, ta.Add(rating.Satisfied))
	for _, l := range []rating.Level{0, 4, 255} {
		err := ta.Add(l)
		assert.ErrorIs(t, err, rating.ErrInvalid, "level %d", l)
		assert.Equal(t, 0, ta.Count(l))
		assert.Equal(t, rating.Percent(0), ta.Share(l))
	}
	assert.Equal(t, 1, ta.Total(), "an invalid level is never counted")
	assert.Equal(t, rating.Whole, ta.Share(rating.Satisfied))
}

func TestTallyMerge(t *testing.T) {
	t.Parallel()
	var a, b rating.Tally
	a.Add(rating.VerySatisfied)
	b.Add(rating.VerySatisfied)
	b.Add(rating.Unsatisfied)
	a.Merge(b)
	assert.Equal(t, 2, a.Count(rating.VerySatisfied))
	assert.Equal(t, 1, a.Count(rating.Unsatisfied))
	assert.Equal(t, 3, a.Total())
}
