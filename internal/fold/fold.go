// Package fold reduces Vietnamese text to a plain form for matching: lower
// case, without diacritics, with đ as d and runs of white space as one
// space. "ĐĂNG KÝ  Kết hôn" and "dang ky ket hon" fold to the same string.
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// String returns the folded form of s.
func String(s string) string {
	// Decompose, drop the combining marks (tones and vowel marks), then
	// recompose; đ/Đ has no decomposition, so it is mapped on its own.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(mapRune), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		// Only ill-formed input reaches here; fold it rune by rune instead.
		out = strings.Map(mapRune, s)
	}
	return strings.Join(strings.Fields(out), " ")
}

func mapRune(r rune) rune {
	switch r {
	case 'đ', 'Đ':
		return 'd'
	}
	return unicode.ToLower(r)
}
