package main

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// FuzzMaskName: whatever the name, the mask keeps at most the first word
// and one letter (with its marks) of each other word.
func FuzzMaskName(f *testing.F) {
	for _, tt := range maskTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := maskName(name)
		words := strings.Fields(got)
		in := strings.Fields(name)
		if len(in) == 0 {
			if got != "" {
				t.Fatalf("maskName(%q) = %q, want empty", name, got)
			}
			return
		}
		rest := words
		if len(in) > 1 {
			if len(words) == 0 || words[0] != in[0] {
				t.Fatalf("maskName(%q) = %q: the family name is not kept", name, got)
			}
			rest = words[1:]
		}
		for _, w := range rest {
			letters := 0
			for _, r := range strings.TrimSuffix(w, ".") {
				if !unicode.Is(unicode.Mn, r) {
					letters++
				}
			}
			if letters != 1 || !strings.HasSuffix(w, ".") {
				t.Fatalf("maskName(%q) = %q: %q is not an initial", name, got, w)
			}
		}
		if utf8.ValidString(name) && !utf8.ValidString(got) {
			t.Fatalf("maskName(%q) = %q: not UTF-8", name, got)
		}
	})
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
