package sla

import (
	"errors"
	"strconv"
)

var (
	// ErrOutOfRange means a date or a result falls outside the years the
	// calendar covers, 1900 to 2199 (solar years whose lunar dates package
	// lunar converts).
	ErrOutOfRange = errors.New("sla: date out of range 1900–2199")

	// ErrInvalidDuration means a Duration is unset or negative.
	ErrInvalidDuration = errors.New("sla: invalid duration")

	// ErrInvalidInterval means an Interval ends before it starts.
	ErrInvalidInterval = errors.New("sla: interval ends before it starts")
)

// A ParseError reports text that could not be read as a duration, a date or
// a time.
type ParseError struct {
	Input  string // the text as given
	Reason string // what was wrong with it
}

func (e *ParseError) Error() string {
	return "sla: cannot parse " + quote(e.Input) + ": " + e.Reason
}

// A ConfigError names the field of a Config that New rejected.
type ConfigError struct {
	Field  string // e.g. "Schedules[1].Swaps[0].Worked"
	Reason string
}

func (e *ConfigError) Error() string { return "sla: invalid config: " + e.Field + ": " + e.Reason }

func quote(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
