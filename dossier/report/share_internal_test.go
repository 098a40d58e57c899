package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

var rankTests = []struct {
	name   string
	values []int
	p      int
	want   int
}{
	{"none", nil, 90, 0},
	{"one", []int{7}, 50, 7},
	{"median of an even count is the lower middle", []int{1, 2, 3, 4}, 50, 2},
	{"median of an odd count", []int{1, 2, 3, 4, 5}, 50, 3},
	{"90th of ten is the ninth", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
	{"90th of thirty is the twenty-seventh", seq(30), 90, 27},
	{"90th of eleven is the tenth", seq(11), 90, 10},
	{"100th is the maximum", seq(11), 100, 11},
	{"1st is the minimum", seq(11), 1, 1},
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestRank(t *testing.T) {
	t.Parallel()
	for _, tt := range rankTests {
		assert.Equal(t, tt.want, rank(tt.values, tt.p), tt.name)
	}
}
