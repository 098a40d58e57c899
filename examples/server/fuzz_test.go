package main

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// FuzzMaskName: whatever the name, the mask is NFC, shows nothing
// invisible, and keeps at most one word of the name (the family name, as
// written) and one letter (with its marks) of each other word.
func FuzzMaskName(f *testing.F) {
	for _, tt := range maskTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := maskName(name)
		if strings.ContainsFunc(got, func(r rune) bool { return r != ' ' && (unicode.IsSpace(r) || !unicode.IsGraphic(r)) }) {
			t.Fatalf("maskName(%q) = %q: shows an invisible character", name, got)
		}
		if !utf8.ValidString(name) {
			return
		}
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Fatalf("maskName(%q) = %q: not UTF-8 in NFC", name, got)
		}
		words := strings.Split(got, " ")
		if got == "" {
			return
		}
		if !strings.Contains(norm.NFC.String(name), words[0]) && !isInitial(words[0]) {
			t.Fatalf("maskName(%q) = %q: %q is neither a word of the name nor an initial", name, got, words[0])
		}
		for _, w := range words[1:] {
			if !isInitial(w) {
				t.Fatalf("maskName(%q) = %q: %q is not an initial", name, got, w)
			}
		}
	})
}

// isInitial reports whether w is one letter, at most maxMarks marks and a
// full stop.
func isInitial(w string) bool {
	w, ok := strings.CutSuffix(w, ".")
	r, n := utf8.DecodeRuneInString(w)
	return ok && unicode.IsLetter(r) && utf8.RuneCountInString(w[n:]) <= maxMarks &&
		!strings.ContainsFunc(w[n:], func(m rune) bool { return !unicode.Is(unicode.Mn, m) })
}

// FuzzParseCursor: a cursor reads back what it wrote, and anything else
// either fails or reads as a valid cursor.
func FuzzParseCursor(f *testing.F) {
	c := cursor{received: time.Date(2025, 10, 6, 9, 0, 0, 123, sla.ICT), code: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 10, Day: 6}, Seq: 7}}
	f.Add(c.String())
	f.Add(cursor{code: c.code}.String())
	f.Add("MXwtfA")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := parseCursor(s)
		if !ok {
			return
		}
		if !c.code.Valid() {
			t.Fatalf("parseCursor(%q) gave an invalid code", s)
		}
		back, ok := parseCursor(c.String())
		if !ok || !back.received.Equal(c.received) || back.code != c.code {
			t.Fatalf("parseCursor(%q) = %v, which does not round-trip", s, c)
		}
	})
}
