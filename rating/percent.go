package rating

import (
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// A Percent is a percentage in hundredths of a percent, the precision of
// the provinces' reports: 9566 is 95.66%. Integers keep shares exact, so
// that the shares of a whole add up to 100.00% and not to 99.99%.
type Percent int

// Whole is 100.00%.
const Whole Percent = 10000

// vi prints numbers the Vietnamese way: a dot between thousands and a
// decimal comma, 51.198 and 95,66. A Printer is safe for concurrent use.
var vi = message.NewPrinter(language.Vietnamese)

// String writes p as Vietnamese readers expect, with a decimal comma and
// two decimals: "95,66%", "0,10%", "394,11%", "-12,50%".
func (p Percent) String() string {
	return vi.Sprintf("%v%%", number.Decimal(float64(p)/100, number.Scale(2)))
}

// MarshalJSON writes p as a JSON number of percent with two decimals, such
// as 95.66, exactly: machines get the point, not the comma.
func (p Percent) MarshalJSON() ([]byte, error) {
	u := uint64(p)
	var b []byte
	if p < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	b = append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
	return b, nil
}

// Ratio returns part ÷ whole as a Percent, rounded to the nearest
// hundredth of a percent, halves away from zero: Ratio(1, 3) is 33,33%,
// Ratio(2, 3) is 66,67%. A zero whole gives 0. A result too large for a
// Percent saturates.
//
// Use Ratio for a single figure, such as growth or the on-time rate; use
// Shares for the parts of a whole, which must add up to 100,00%.
func Ratio(part, whole int) Percent {
	if whole == 0 {
		return 0
	}
	neg := (part < 0) != (whole < 0)
	p, w := abs(part), abs(whole)
	hi, lo := bits.Mul64(p, uint64(Whole))
	if hi >= w {
		return saturate(neg)
	}
	q, r := bits.Div64(hi, lo, w)
	if r >= w-r { // r ≥ w/2 without overflow: round half away from zero
		q++
	}
	if q > math.MaxInt {
		return saturate(neg)
	}
	if neg {
		return -Percent(q)
	}
	return Percent(q)
}

func abs(x int) uint64 {
	if x < 0 {
		return -uint64(x) // correct for math.MinInt too
	}
	return uint64(x)
}

func saturate(neg bool) Percent {
	if neg {
		return math.MinInt
	}
	return math.MaxInt
}

// Shares returns each count's share of their sum, in hundredths of a
// percent, by largest-remainder rounding (the Hamilton method): every share
// is first rounded down, then the hundredths still missing from 100,00% go
// one each to the counts with the largest remainders. The shares of a
// non-zero sum therefore add up to exactly 100,00%, and no share is more
// than a hundredth away from the exact one.
//
// Ties between equal remainders go to the earlier count, so the result
// never depends on anything but the order of the arguments:
// Shares(1, 1, 1) is 33,34%, 33,33%, 33,33%. List counts in the order the
// report prints them.
//
// A zero sum, or no counts, gives all zeros. A negative count is taken as
// zero: counts cannot be negative, and a share must not be.
func Shares(counts ...int) []Percent {
	shares := make([]Percent, len(counts))
	var total uint64
	for _, c := range counts {
		var carry uint64
		total, carry = bits.Add64(total, uint64(max(c, 0)), 0)
		if carry != 0 {
			return bigShares(shares, counts)
		}
	}
	if total == 0 {
		return shares
	}
	rems := make([]uint64, len(counts))
	left := Whole
	for i, c := range counts {
		// c ≤ total, so c × 10000 ÷ total ≤ 10000 and hi < total.
		hi, lo := bits.Mul64(uint64(max(c, 0)), uint64(Whole))
		q, r := bits.Div64(hi, lo, total)
		shares[i], rems[i] = Percent(q), r
		left -= Percent(q)
	}
	distribute(shares, left, func(i, j int) int {
		switch {
		case rems[i] > rems[j]:
			return -1
		case rems[i] < rems[j]:
			return 1
		}
		return i - j
	})
	return shares
}

// bigShares is Shares for counts whose sum overflows 64 bits.
func bigShares(shares []Percent, counts []int) []Percent {
	total := new(big.Int)
	for _, c := range counts {
		total.Add(total, big.NewInt(int64(max(c, 0))))
	}
	rems := make([]*big.Int, len(counts))
	left := Whole
	for i, c := range counts {
		q, r := new(big.Int), new(big.Int)
		q.QuoRem(new(big.Int).Mul(big.NewInt(int64(max(c, 0))), big.NewInt(int64(Whole))), total, r)
		shares[i], rems[i] = Percent(q.Int64()), r
		left -= shares[i]
	}
	distribute(shares, left, func(i, j int) int {
		if c := rems[j].Cmp(rems[i]); c != 0 {
			return c
		}
		return i - j
	})
	return shares
}

// distribute gives one hundredth each to the first left indexes of shares
// in the order cmp defines; left is less than len(shares).
func distribute(shares []Percent, left Percent, cmp func(i, j int) int) {
	if left == 0 {
		return
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, cmp)
	for _, i := range order[:left] {
		shares[i]++
	}
}
