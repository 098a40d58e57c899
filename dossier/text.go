package dossier

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cleanText returns s trimmed and in Unicode NFC, the form Vietnamese text
// is compared, searched and masked in: a name typed on a keyboard that
// sends decomposed letters (NFD) is stored as the same name typed
// precomposed. It refuses invalid UTF-8, format characters (category Cf,
// such as U+200B ZERO WIDTH SPACE or U+202E RIGHT-TO-LEFT OVERRIDE, which
// would hide text from a reader or from the public masking of names) and
// control characters; multi-line text may keep newlines and tabs.
func cleanText(what, s string, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, what)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.Is(unicode.Cf, r) || unicode.IsControl(r) {
			return "", fmt.Errorf("%w: %s contains the invisible character %U", ErrInvalid, what, r)
		}
	}
	return norm.NFC.String(strings.TrimSpace(s)), nil
}

// clean brings every field of a to NFC and refuses invisible characters.
func (a Applicant) clean() (Applicant, error) {
	fields := []struct {
		what string
		v    *string
	}{
		{"the applicant's name", &a.Name},
		{"the ID number", &a.IDNumber},
		{"the phone number", &a.Phone},
		{"the e-mail address", &a.Email},
		{"the address", &a.Address},
		{"the organisation", &a.Organisation},
	}
	for _, f := range fields {
		v, err := cleanText(f.what, *f.v, false)
		if err != nil {
			return Applicant{}, err
		}
		*f.v = v
	}
	return a, nil
}
