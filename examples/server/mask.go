package main

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maskName hides most of an applicant's name for the public lookup: the
// family name stays and every other word becomes its initial, so "Nguyễn Văn
// An" is "Nguyễn V. A.". A name of one word keeps only its initial.
//
// The name is read in NFC, so that a name typed in decomposed form keeps its
// diacritics, and every character that is not visible (a control, or a
// format character such as U+200B zero width space, U+2060 word joiner or
// U+202E right-to-left override) separates words: none can join the given
// names to the family name, nor reorder what is shown.
func maskName(name string) string {
	words := strings.FieldsFunc(norm.NFC.String(name), func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsGraphic(r)
	})
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

// maxMarks is how many combining marks an initial keeps: a Vietnamese letter
// carries at most two, a vowel mark and a tone mark (NFC composes both).
const maxMarks = 2

// initial returns the first letter of a word, upper-cased, with at most
// maxMarks combining marks that follow it; "" if the word has no letter.
func initial(w string) string {
	i := strings.IndexFunc(w, unicode.IsLetter)
	if i < 0 {
		return ""
	}
	w = w[i:]
	r, n := utf8.DecodeRuneInString(w)
	end := n
	for marks := 0; marks < maxMarks && end < len(w); marks++ {
		m, size := utf8.DecodeRuneInString(w[end:])
		if !unicode.Is(unicode.Mn, m) {
			break
		}
		end += size
	}
	return string(unicode.ToUpper(r)) + w[n:end]
}
