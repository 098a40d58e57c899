package dossier

import (
	"cmp"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/sla"
)

// A Code identifies a dossier as the national portal does:
// <agency e-ID>-<yyMMdd>-<NNNN>, such as 000.00.01.H26-250127-0042, where
// the sequence restarts every day for each agency (the form set by Circular
// 01/2018/TT-VPCP).
// The zero Code is unset.
type Code struct {
	Agency string   // the receiving agency's e-ID, dotted groups such as 000.A0.01.H26
	Date   sla.Date // the day of registration (receipt, or online filing); years 2000–2099
	Seq    int      // 1, 2, 3, … within the agency and day
}

// maxSeq keeps a sequence within nine digits.
const maxSeq = 999_999_999

// A CodeError reports text that is not a dossier code.
type CodeError struct {
	Input  string
	Reason string
}

func (e *CodeError) Error() string {
	return fmt.Sprintf("dossier: invalid code %s: %s", strconv.Quote(truncate(e.Input, 60)), e.Reason)
}

// Is makes a *CodeError match ErrInvalidCode.
func (e *CodeError) Is(target error) bool { return target == ErrInvalidCode }

// ParseCode reads a code written as String writes it.
func ParseCode(s string) (Code, error) {
	bad := func(reason string) (Code, error) { return Code{}, &CodeError{Input: s, Reason: reason} }
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return bad("want <agency e-ID>-<yyMMdd>-<NNNN>")
	}
	j := strings.LastIndexByte(s[:i], '-')
	if j < 0 {
		return bad("want <agency e-ID>-<yyMMdd>-<NNNN>")
	}
	agency, day, seq := s[:j], s[j+1:i], s[i+1:]
	if !ValidAgency(agency) {
		return bad("the agency e-ID must be dotted groups of letters and digits, such as 000.00.01.H26")
	}
	if len(day) != 6 || !digits(day) {
		return bad("the date must be yyMMdd")
	}
	t, err := time.Parse("060102", day)
	if err != nil {
		return bad("no such date " + day)
	}
	if len(seq) < 4 || len(seq) > 9 || !digits(seq) || len(seq) > 4 && seq[0] == '0' {
		return bad("the sequence must be 4 digits, or more without leading zeros past 9999")
	}
	n, _ := strconv.Atoi(seq)
	if n == 0 {
		return bad("the sequence starts at 0001")
	}
	return Code{Agency: agency, Date: sla.Date{Year: 2000 + t.Year()%100, Month: t.Month(), Day: t.Day()}, Seq: n}, nil
}

// ValidAgency reports whether s has the shape of an agency e-ID: groups of
// ASCII letters and digits separated by dots, such as 000.00.01.H26.
func ValidAgency(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, g := range strings.Split(s, ".") {
		if g == "" {
			return false
		}
		for _, r := range g {
			if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') {
				return false
			}
		}
	}
	return true
}

// Compare orders codes by agency, date and sequence number: -1, 0 or +1.
// It differs from the order of the texts past sequence 9999 ("…-10000"
// sorts after "…-9999").
func (c Code) Compare(d Code) int {
	if r := strings.Compare(c.Agency, d.Agency); r != 0 {
		return r
	}
	if r := c.Date.Compare(d.Date); r != 0 {
		return r
	}
	return cmp.Compare(c.Seq, d.Seq)
}

// IsZero reports whether c is unset.
func (c Code) IsZero() bool { return c == Code{} }

// Valid reports whether c can be written and read back.
func (c Code) Valid() bool {
	return ValidAgency(c.Agency) && c.Date.Valid() && c.Date.Year >= 2000 && c.Date.Year <= 2099 && c.Seq >= 1 && c.Seq <= maxSeq
}

// String writes c as 000.00.01.H26-250127-0042; "" for the zero Code.
func (c Code) String() string {
	if c.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s-%02d%02d%02d-%04d", c.Agency, c.Date.Year%100, int(c.Date.Month), c.Date.Day, c.Seq)
}

// MarshalText writes c as String does; an invalid Code is an error.
func (c Code) MarshalText() ([]byte, error) {
	if !c.IsZero() && !c.Valid() {
		return nil, &CodeError{Input: c.String(), Reason: "not a valid code"}
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads c as ParseCode does; "" gives the zero Code.
func (c *Code) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Code{}
		return nil
	}
	v, err := ParseCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Value stores c in SQL as its string.
func (c Code) Value() (driver.Value, error) {
	b, err := c.MarshalText()
	return string(b), err
}

// Scan reads c from an SQL string.
func (c *Code) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return c.UnmarshalText([]byte(v))
	case []byte:
		return c.UnmarshalText(v)
	case nil:
		*c = Code{}
		return nil
	}
	return fmt.Errorf("dossier: cannot scan %T into a Code", src)
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
