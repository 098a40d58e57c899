package rating_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/rating"
)

func TestPercentString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    rating.Percent
		want string
	}{
		{"zero", 0, "0,00%"},
		{"a hundredth", 1, "0,01%"},
		{"ten hundredths", 10, "0,10%"},
		{"share", 9566, "95,66%"},
		{"whole", rating.Whole, "100,00%"},
		{"growth with thousands", 394110, "3.941,10%"},
		{"negative", -1250, "-12,50%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.p.String())
		})
	}
}

func TestPercentMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    rating.Percent
		want string
	}{
		{"zero", 0, "0.00"},
		{"share", 9566, "95.66"},
		{"small", 10, "0.10"},
		{"whole", rating.Whole, "100.00"},
		{"negative", -5, "-0.05"},
		{"min", math.MinInt, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := tt.p.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b))
		})
	}
}

var sharesTests = []struct {
	name   string
	counts []int
	want   []rating.Percent
}{
	// The worked examples of the issue, from the 2020 report
	// (examples/report/testdata/report2020.txt).
	{"resolved 2020", []int{21888, 62801, 83}, []rating.Percent{2582, 7408, 10}},
	{"satisfaction 2020", []int{9807, 445}, []rating.Percent{9566, 434}},
	{"thirds: tie to the earlier", []int{1, 1, 1}, []rating.Percent{3334, 3333, 3333}},
	{"channels 2020", []int{51198, 34696, 1070}, []rating.Percent{5887, 3990, 123}},
	// The article's "over 1,078" postal dossiers would not give its shares.
	{"channels with 1078 postal", []int{51198, 34696, 1078}, []rating.Percent{5887, 3989, 124}},
	{"larger remainder wins over index", []int{1, 2}, []rating.Percent{3333, 6667}},
	{"sixths", []int{1, 1, 1, 1, 1, 1}, []rating.Percent{1667, 1667, 1667, 1667, 1666, 1666}},
	{"sevenths", []int{1, 1, 1, 1, 1, 1, 1}, []rating.Percent{1429, 1429, 1429, 1429, 1428, 1428, 1428}},
	{"all in one", []int{0, 5, 0}, []rating.Percent{0, 10000, 0}},
	{"zero total", []int{0, 0, 0}, []rating.Percent{0, 0, 0}},
	{"none", nil, []rating.Percent{}},
	{"one", []int{7}, []rating.Percent{10000}},
	{"negative is zero", []int{-5, 1, 1}, []rating.Percent{0, 5000, 5000}},
	{"only negatives", []int{-1, -2}, []rating.Percent{0, 0}},
	{"tiny share", []int{1, 99999}, []rating.Percent{0, 10000}},
	{"half a hundredth each", []int{1, 1, 19998}, []rating.Percent{1, 0, 9999}},
	{"huge counts", []int{math.MaxInt, math.MaxInt, math.MaxInt}, []rating.Percent{3334, 3333, 3333}},
	{"huge and small", []int{math.MaxInt, 1}, []rating.Percent{10000, 0}},
}

func TestShares(t *testing.T) {
	t.Parallel()
	for _, tt := range sharesTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rating.Shares(tt.counts...)
			assert.Equal(t, tt.want, got)
			total := 0
			for _, c := range tt.counts {
				total += max(c, 0)
			}
			if total != 0 || len(tt.counts) > 0 && tt.counts[0] == math.MaxInt {
				assert.Equal(t, rating.Whole, sum(got), "shares add up to 100,00%")
			}
		})
	}
}

func sum(ps []rating.Percent) rating.Percent {
	var s rating.Percent
	for _, p := range ps {
		s += p
	}
	return s
}

func TestRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		part, whole int
		want        rating.Percent
	}{
		{"growth 2020", 86964 - 17600, 17600, 39411},
		{"on-time rate 2020", 21888 + 62801, 84772, 9990},
		{"a third", 1, 3, 3333},
		{"two thirds rounds up", 2, 3, 6667},
		{"half a hundredth rounds up", 1, 20000, 1},
		{"just under half", 1, 20001, 0},
		{"negative half rounds away from zero", -1, 20000, -1},
		{"negative whole", 1, -4, -2500},
		{"both negative", -1, -4, 2500},
		{"zero whole", 5, 0, 0},
		{"zero part", 0, 5, 0},
		{"whole", 7, 7, rating.Whole},
		{"saturates", math.MaxInt, 1, math.MaxInt},
		{"saturates negative", math.MinInt, 1, math.MinInt},
		{"min whole", 1, math.MinInt, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, rating.Ratio(tt.part, tt.whole))
		})
	}
}
