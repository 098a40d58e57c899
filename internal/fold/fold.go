// Package fold reduces Vietnamese text to a plain form for matching: lower
// case, without diacritics, with đ as d and runs of white space as one
// space. "ĐĂNG KÝ  Kết hôn" and "dang ky ket hon" fold to the same string.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// base maps each precomposed letter to its lower-case base letter
// (ế → e, Ư → u). It is derived at start-up from Unicode's canonical
// decompositions (x/text's NFD), not written by hand, and makes String a
// single pass without allocations beyond its result.
var base = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd', 'Đ': 'd'}   // đ has no decomposition
	for r := rune(0x00C0); r < 0x2000; r++ { // Latin, Greek and Cyrillic
		d := norm.NFD.String(string(r))
		if b, size := utf8.DecodeRuneInString(d); size < len(d) && !unicode.Is(unicode.Mn, b) {
			m[r] = unicode.ToLower(b)
		}
	}
	return m
}()

// String returns the folded form of s.
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drops leading space and runs of space
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		case unicode.Is(unicode.Mn, r):
			continue // a combining mark of decomposed (NFD) input
		default:
			if v, ok := base[r]; ok {
				r = v
			} else {
				r = unicode.ToLower(r)
			}
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}
