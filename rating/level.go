package rating

import (
	"fmt"
	"strconv"
)

// A Level is how satisfied a citizen was with the handling of a dossier,
// on the three-level scale that one-stop desks collect.
// The numbers are part of the format: Level marshals to JSON as 1, 2 or 3.
// The zero Level is unset and never valid.
type Level uint8

const (
	// VerySatisfied is "rất hài lòng".
	VerySatisfied Level = 1
	// Satisfied is "hài lòng".
	Satisfied Level = 2
	// Unsatisfied is "không hài lòng".
	Unsatisfied Level = 3
)

// Levels returns the valid levels in order, the order of [Tally.Shares]
// and of the report's lines. The array is the caller's: changing it changes
// nothing else.
func Levels() [3]Level { return [...]Level{VerySatisfied, Satisfied, Unsatisfied} }

var levelNames = [...]string{
	VerySatisfied: "Rất hài lòng",
	Satisfied:     "Hài lòng",
	Unsatisfied:   "Không hài lòng",
}

// Valid reports whether l is VerySatisfied, Satisfied or Unsatisfied.
func (l Level) Valid() bool { return l >= VerySatisfied && l <= Unsatisfied }

// String returns the Vietnamese name that citizens see on the rating
// device: "Rất hài lòng", "Hài lòng" or "Không hài lòng". An invalid level
// prints as Level(n).
func (l Level) String() string {
	if !l.Valid() {
		return "Level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l]
}

// MarshalJSON writes l as the number 1, 2 or 3. An invalid level is an
// error, so that a rating that would not read back is never written.
func (l Level) MarshalJSON() ([]byte, error) {
	if !l.Valid() {
		return nil, &LevelError{Input: strconv.Itoa(int(l))}
	}
	return []byte{'0' + byte(l)}, nil
}

// UnmarshalJSON reads the number 1, 2 or 3, written plainly. Anything else,
// including 0, 4, 1.0, "1" as a string or a level name, is a *LevelError
// and leaves l unchanged. JSON null leaves l unchanged, as encoding/json
// does for other types; Validate then reports the unset level.
func (l *Level) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) == 1 {
		if v := Level(s[0] - '0'); v.Valid() {
			*l = v
			return nil
		}
	}
	return &LevelError{Input: s}
}

// A LevelError reports a satisfaction level outside 1–3, read from JSON or
// passed to Tally.Add or Store.Add. It matches ErrInvalid.
type LevelError struct {
	Input string // the level as given; Error quotes at most 40 bytes of it
}

func (e *LevelError) Error() string {
	in := e.Input
	if len(in) > 40 {
		in = in[:40] + "…"
	}
	return fmt.Sprintf("rating: level %q is not 1 (rất hài lòng), 2 (hài lòng) or 3 (không hài lòng)", in)
}

// Is makes a *LevelError match ErrInvalid.
func (e *LevelError) Is(target error) bool { return target == ErrInvalid }
