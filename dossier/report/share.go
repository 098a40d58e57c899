package report

import (
	"math"
	"slices"
	"time"
)

// A Share is Part out of Whole: the dossiers received online out of those
// received, the ratings satisfied out of all ratings. Keeping both counts
// says what the share is over, and lets shares be added up exactly.
type Share struct {
	Part  int `json:"part"`
	Whole int `json:"whole"`
}

// Ratio returns Part ÷ Whole, between 0 and 1 for a proper share; 0 when
// Whole is 0.
func (s Share) Ratio() float64 {
	if s.Whole == 0 {
		return 0
	}
	return float64(s.Part) / float64(s.Whole)
}

// String writes the share as a percentage the Vietnamese way, with two
// decimals and a decimal comma: "58,87%"; "—" when Whole is 0.
func (s Share) String() string {
	if s.Whole == 0 {
		return "—"
	}
	return Percent(s.Ratio())
}

// Percent writes a ratio (0.5887) as a percentage the Vietnamese way, with
// two decimals: "58,87%".
func Percent(r float64) string { return vi.Sprintf("%.2f%%", 100*r) }

// decimal writes x with one decimal the Vietnamese way: 1,6.
func decimal(x float64) string { return vi.Sprintf("%.1f", x) }

// Hours writes a working time in hours with one decimal, the Vietnamese
// way: "12,5 giờ".
func Hours(d time.Duration) string { return decimal(d.Hours()) + " giờ" }

// rank returns the p-th percentile of sorted by the nearest-rank method:
// the smallest value with at least p% of the values at or below it, so
// the median of an even count is the lower of the middle two. Zero for no
// values.
func rank[T any](sorted []T, p int) T {
	var zero T
	n := len(sorted)
	if n == 0 {
		return zero
	}
	r := (p*n + 99) / 100
	return sorted[min(max(r, 1), n)-1]
}

// spread sorts ds and returns their median, 90th percentile and maximum.
func spread(ds []time.Duration) (median, p90, most time.Duration) {
	slices.Sort(ds)
	if len(ds) == 0 {
		return 0, 0, 0
	}
	return rank(ds, 50), rank(ds, 90), ds[len(ds)-1]
}

// ceilDiv returns ⌈a ÷ b⌉ for a ≥ 0 and b > 0.
func ceilDiv(a, b time.Duration) int64 {
	return int64((a + b - 1) / b)
}

// round2 rounds x to two decimals, for points that print with two.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
