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
			ta := tally(t, tt.counts)
			assert.Equal(t, tt.counts[0]+tt.counts[1]+tt.counts[2], ta.Total())
			for i, l := range rating.Levels() {
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
	tests := []struct {
		name string
		a, b [3]int // very satisfied, satisfied, unsatisfied
	}{
		{"both empty", [3]int{}, [3]int{}},
		{"into empty", [3]int{}, [3]int{1, 2, 3}},
		{"from empty", [3]int{4, 5, 6}, [3]int{}},
		{"every level", [3]int{1, 0, 2}, [3]int{3, 4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := tally(t, tt.a), tally(t, tt.b)
			a.Merge(b)
			for i, l := range rating.Levels() {
				assert.Equal(t, tt.a[i]+tt.b[i], a.Count(l), "count of %v", l)
			}
			assert.Equal(t, tally(t, tt.b), b, "the merged tally is unchanged")
		})
	}
}

// A caller changing the levels it was given changes neither Levels nor any
// Tally.
func TestLevelsCannotBeChanged(t *testing.T) {
	t.Parallel()
	ls := rating.Levels()
	ls[0], ls[1], ls[2] = rating.Unsatisfied, rating.Unsatisfied, rating.Unsatisfied
	assert.Equal(t, [...]rating.Level{rating.VerySatisfied, rating.Satisfied, rating.Unsatisfied}, rating.Levels())
	a, b := tally(t, [3]int{1, 1, 1}), tally(t, [3]int{1, 1, 1})
	a.Merge(b)
	assert.Equal(t, 6, a.Total())
	assert.Equal(t, 2, a.Count(rating.VerySatisfied))
}

// tally returns a Tally of counts very satisfied, satisfied and unsatisfied
// ratings.
func tally(t *testing.T, counts [3]int) rating.Tally {
	t.Helper()
	var ta rating.Tally
	for i, l := range rating.Levels() {
		for range counts[i] {
			require.NoError(t, ta.Add(l))
		}
	}
	return ta
}
