package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maskName hides most of an applicant's name for the public lookup: the
// family name stays and every other word becomes its initial, so "Nguyễn Văn
// An" is "Nguyễn V. A.". A name of one word keeps only its initial. An
// initial keeps the combining marks that follow its first letter, so a name
// typed in decomposed form keeps its diacritics too.
func maskName(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(name))
	start := 1
	if len(words) == 1 {
		start = 0
	} else {
		b.WriteString(words[0])
	}
	for _, w := range words[start:] {
		in := initial(w)
		if in == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(in)
		b.WriteByte('.')
	}
	return b.String()
}

// initial returns the first letter of a word, upper-cased, with any
// combining marks that follow it; "" if the word has no letter.
func initial(w string) string {
	i := strings.IndexFunc(w, unicode.IsLetter)
	if i < 0 {
		return ""
	}
	w = w[i:]
	r, n := utf8.DecodeRuneInString(w)
	end := n
	for end < len(w) {
		m, size := utf8.DecodeRuneInString(w[end:])
		if !unicode.Is(unicode.Mn, m) {
			break
		}
		end += size
	}
	return string(unicode.ToUpper(r)) + w[n:end]
}
