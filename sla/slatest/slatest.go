// Package slatest helps users test their own SLA rules against a motcua
// calendar: an assertion for due times built on testify, and a JSON table of
// cases that a province can keep next to its procedures.
//
// A table is a JSON array of cases. Each case is one of three forms:
//
//	{"name": "…", "received": "2025-03-03 09:00", "duration": "2 ngày làm việc",
//	 "pauses": [{"start": "…", "end": "…"}], "due": "2025-03-05 09:00"}
//	{"name": "…", "due": "2025-03-05 09:00", "finished": "2025-03-04 16:00", "timeliness": "trước hạn"}
//	{"name": "…", "date": "2025-04-26", "workday": true}
//
// Times are "2006-01-02 15:04" in ICT or RFC 3339; durations are the
// published Vietnamese text read by sla.ParseDuration; timeliness is the
// Vietnamese term ("trước hạn", "đúng hạn", "trễ hạn").
package slatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/motcua/motcua/sla"
)

// AssertDue asserts that cal gives want as the due time of a dossier
// received at received with time limit d. It reports both times in ICT with
// their weekdays, and returns whether the assertion held.
func AssertDue(t assert.TestingT, cal *sla.Calendar, received time.Time, d sla.Duration, want time.Time, msgAndArgs ...any) bool {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	got, err := cal.Due(received, d)
	if !assert.NoError(t, err, msgAndArgs...) {
		return false
	}
	return assert.Equal(t, format(want), format(got), msgAndArgs...)
}

// A Case is one row of a table.
type Case struct {
	Name string `json:"name"`
	// Due cases: received with duration, and pauses, give due.
	Received string  `json:"received,omitempty"`
	Duration string  `json:"duration,omitempty"`
	Pauses   []Pause `json:"pauses,omitempty"`
	Due      string  `json:"due,omitempty"`
	// Classification cases: due and finished give timeliness.
	Finished   string `json:"finished,omitempty"`
	Timeliness string `json:"timeliness,omitempty"`
	// Working-day cases: whether date is a working day.
	Date    string `json:"date,omitempty"`
	Workday *bool  `json:"workday,omitempty"`

	check func(t *testing.T, cal *sla.Calendar)
}

// A Pause is a stretch of time with the clock stopped.
type Pause struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// ReadCases reads a table of cases and checks that every case is complete
// and well formed, so that a broken table fails before any test runs.
func ReadCases(r io.Reader) ([]Case, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var cases []Case
	if err := dec.Decode(&cases); err != nil {
		return nil, fmt.Errorf("slatest: %w", err)
	}
	for i := range cases {
		if err := cases[i].compile(); err != nil {
			return nil, fmt.Errorf("slatest: case %d (%q): %w", i, cases[i].Name, err)
		}
	}
	return cases, nil
}

// Run runs each case as a subtest against cal.
func Run(t *testing.T, cal *sla.Calendar, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.check == nil {
				if err := c.compile(); err != nil {
					t.Fatal(err)
				}
			}
			c.check(t, cal)
		})
	}
}

var errForm = errors.New(`want "received", "duration" and "due"; or "due", "finished" and "timeliness"; or "date" and "workday"`)

// compile parses the case and sets its check.
func (c *Case) compile() error {
	switch {
	case c.Received != "" && c.Duration != "" && c.Due != "" && c.Finished == "" && c.Date == "":
		received, err := sla.ParseTime(c.Received)
		if err != nil {
			return err
		}
		d, err := sla.ParseDuration(c.Duration)
		if err != nil {
			return err
		}
		due, err := sla.ParseTime(c.Due)
		if err != nil {
			return err
		}
		pauses := make([]sla.Interval, len(c.Pauses))
		for i, p := range c.Pauses {
			if pauses[i].Start, err = sla.ParseTime(p.Start); err != nil {
				return err
			}
			if pauses[i].End, err = sla.ParseTime(p.End); err != nil {
				return err
			}
		}
		c.check = func(t *testing.T, cal *sla.Calendar) {
			got, err := cal.Due(received, d, pauses...)
			if assert.NoError(t, err) {
				assert.Equal(t, format(due), format(got), "due time of %s received %s", d, format(received))
			}
		}
	case c.Due != "" && c.Finished != "" && c.Timeliness != "" && c.Received == "" && c.Duration == "" && c.Date == "":
		due, err := sla.ParseTime(c.Due)
		if err != nil {
			return err
		}
		finished, err := sla.ParseTime(c.Finished)
		if err != nil {
			return err
		}
		want, err := parseTimeliness(c.Timeliness)
		if err != nil {
			return err
		}
		c.check = func(t *testing.T, cal *sla.Calendar) {
			assert.Equal(t, want.String(), cal.Classify(due, finished).String(), "finished %s against due %s", format(finished), format(due))
		}
	case c.Date != "" && c.Workday != nil && c.Received == "" && c.Due == "":
		d, err := sla.ParseDate(c.Date)
		if err != nil {
			return err
		}
		want := *c.Workday
		c.check = func(t *testing.T, cal *sla.Calendar) {
			assert.Equal(t, want, cal.IsWorkday(d), "is %s (%s) a working day", d, d.Weekday())
		}
	default:
		return errForm
	}
	return nil
}

func parseTimeliness(s string) (sla.Timeliness, error) {
	for t := sla.Early; t <= sla.Overdue; t++ {
		if t.String() == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown timeliness %q: want trước hạn, đúng hạn or trễ hạn", s)
}

// format writes t in ICT with its weekday, so that failures read easily.
func format(t time.Time) string {
	if t.IsZero() {
		return "(no due time)"
	}
	return t.In(sla.ICT).Format("Mon 2006-01-02 15:04:05 -07:00")
}
