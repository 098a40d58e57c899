package lunar

import (
	"errors"
	"math"
	"testing"
	"time"
)

// FuzzRoundTrip feeds arbitrary solar dates to FromSolar. It must not
// panic; an error must be one of the sentinels; and a converted date must
// come back unchanged through ToSolar.
func FuzzRoundTrip(f *testing.F) {
	f.Add(2025, 1, 29)
	f.Add(1900, 1, 1)
	f.Add(2199, 12, 31)
	f.Add(2200, 2, 14)
	f.Add(2200, 2, 15)
	f.Add(2025, 2, 30)
	f.Add(math.MaxInt, math.MinInt, 0)
	f.Add(-1, 13, math.MaxInt)
	f.Fuzz(func(t *testing.T, year, month, day int) {
		d, err := FromSolar(year, time.Month(month), day)
		if err != nil {
			if !errors.Is(err, ErrOutOfRange) && !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("FromSolar(%d, %d, %d): unexpected error %v", year, month, day, err)
			}
			return
		}
		y, m, dd, err := ToSolar(d)
		if err != nil {
			t.Fatalf("ToSolar(%v) = %v, from %d-%d-%d", d, err, year, month, day)
		}
		if y != year || int(m) != month || dd != day {
			t.Fatalf("ToSolar(FromSolar(%d-%d-%d)) = %d-%d-%d via %v", year, month, day, y, m, dd, d)
		}
	})
}

// FuzzToSolar feeds arbitrary lunar dates to ToSolar. It must not panic;
// an error must be one of the sentinels; and a converted date must give the
// same lunar date back through FromSolar.
func FuzzToSolar(f *testing.F) {
	f.Add(2025, 1, 1, false)
	f.Add(2025, 6, 29, true)
	f.Add(2025, 6, 30, true)
	f.Add(2033, 11, 1, true)
	f.Add(1899, 11, 29, false)
	f.Add(2199, 11, 14, false)
	f.Add(2199, 12, 30, false)
	f.Add(math.MinInt, math.MaxInt, -1, true)
	f.Fuzz(func(t *testing.T, year, month, day int, leap bool) {
		in := Date{Year: year, Month: month, Day: day, Leap: leap}
		y, m, d, err := ToSolar(in)
		if err != nil {
			if !errors.Is(err, ErrOutOfRange) && !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ToSolar(%v): unexpected error %v", in, err)
			}
			return
		}
		back, err := FromSolar(y, m, d)
		if err != nil {
			t.Fatalf("FromSolar(%d-%d-%d) = %v, from %v", y, m, d, err, in)
		}
		if back != in {
			t.Fatalf("FromSolar(ToSolar(%v)) = %v", in, back)
		}
	})
}
