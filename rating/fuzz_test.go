package rating_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/motcua/motcua/rating"
)

// FuzzLevelJSON: a level read from JSON is 1–3 or an error matching
// ErrInvalid, and a level read writes back to the same text.
func FuzzLevelJSON(f *testing.F) {
	for _, s := range []string{`1`, `2`, `3`, `0`, `4`, `null`, `"1"`, `1.0`, `-1`, `1e0`, ` 1`, `{}`, `[1]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var l rating.Level
		err := json.Unmarshal([]byte(s), &l)
		if err != nil {
			var syntax *json.SyntaxError
			if !errors.Is(err, rating.ErrInvalid) && !errors.As(err, &syntax) {
				t.Fatalf("%q: %v matches neither ErrInvalid nor a syntax error", s, err)
			}
			if l != 0 {
				t.Fatalf("%q: level %d set despite the error", s, l)
			}
			return
		}
		if l == 0 {
			return // null
		}
		if !l.Valid() {
			t.Fatalf("%q: read the invalid level %d", s, l)
		}
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back rating.Level
		if err := json.Unmarshal(b, &back); err != nil || back != l {
			t.Fatalf("%q: round trip gave %d, %v", s, back, err)
		}
	})
}

// FuzzRatingJSON: a rating read from JSON never holds a level outside 1–3,
// and one that reads writes back and reads the same.
func FuzzRatingJSON(f *testing.F) {
	f.Add(`{"dossier":"000.00.01.H26-200115-0042","level":2,"comment":"Tốt","at":"2020-01-15T10:05:00+07:00","channel":"online"}`)
	f.Add(`{"level":1,"at":"2020-01-15T10:05:00+07:00"}`)
	f.Add(`{"level":7,"at":"2020-01-15T10:05:00+07:00"}`)
	f.Add(`{"level":null}`)
	f.Fuzz(func(t *testing.T, s string) {
		var r rating.Rating
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			return
		}
		if r.Level != 0 && !r.Level.Valid() {
			t.Fatalf("%q: read the invalid level %d", s, r.Level)
		}
		if !r.Level.Valid() || (r.Channel != 0 && !r.Channel.Valid()) {
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			return // a time json cannot write, such as a year past 9999
		}
		var back rating.Rating
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: does not read back: %v", b, err)
		}
		if !back.At.Equal(r.At) || back.Level != r.Level || back.Dossier != r.Dossier || back.Comment != r.Comment || back.Channel != r.Channel {
			t.Fatalf("%s: read back as %+v, not %+v", b, back, r)
		}
	})
}

// FuzzShares: shares are never negative, add up to exactly 100,00% for a
// positive total, and each is less than a hundredth from the exact share.
func FuzzShares(f *testing.F) {
	f.Add(21888, 62801, 83)
	f.Add(1, 1, 1)
	f.Add(0, 0, 0)
	f.Add(math.MaxInt, math.MaxInt, 5)
	f.Add(-4, 3, 0)
	f.Fuzz(func(t *testing.T, a, b, c int) {
		counts := []int{a, b, c}
		got := rating.Shares(counts...)
		total := 0.0
		for _, n := range counts {
			total += float64(max(n, 0))
		}
		var sum rating.Percent
		for i, p := range got {
			if p < 0 {
				t.Fatalf("%v: negative share %v", counts, got)
			}
			sum += p
			if total > 0 {
				exact := float64(max(counts[i], 0)) / total * 10000
				if math.Abs(float64(p)-exact) >= 1+1e-6 {
					t.Fatalf("%v: share %d is %v, exact %f", counts, i, p, exact)
				}
			}
		}
		if total > 0 && sum != rating.Whole || total == 0 && sum != 0 {
			t.Fatalf("%v: shares %v add up to %d", counts, got, sum)
		}
	})
}
