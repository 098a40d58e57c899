package slatest_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/sla"
	"github.com/motcua/motcua/sla/slatest"
)

// A province keeps its own cases in a JSON table next to its procedures and
// runs them in a test of its own:
//
//	func TestDeadlines(t *testing.T) {
//		f, err := os.Open("testdata/deadlines.json")
//		require.NoError(t, err)
//		defer f.Close()
//		cases, err := slatest.ReadCases(f)
//		require.NoError(t, err)
//		slatest.Run(t, sla.Default(), cases)
//	}
//
// ReadCases checks the whole table first, so a broken row fails before any
// case runs.
func Example() {
	cases, err := slatest.ReadCases(strings.NewReader(`[
		{"name": "three working days across Tết 2025", "received": "2025-01-24 10:00", "duration": "3 ngày làm việc", "due": "2025-02-05 10:00"},
		{"name": "finished the day before is early", "due": "2025-03-05 09:00", "finished": "2025-03-04 16:00", "timeliness": "trước hạn"},
		{"name": "the 2025 make-up Saturday is worked", "date": "2025-04-26", "workday": true}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cases {
		fmt.Println(c.Name)
	}

	_, err = slatest.ReadCases(strings.NewReader(`[{"name": "a typo", "received": "2025-03-03 09:00", "duration": "hai ngày", "due": "2025-03-05 09:00"}]`))
	fmt.Println(err)
	// Output:
	// three working days across Tết 2025
	// finished the day before is early
	// the 2025 make-up Saturday is worked
	// slatest: case 0 ("a typo"): sla: cannot parse "hai ngày": want a time limit such as "15 ngày làm việc", "04 giờ làm việc", "30 ngày", "03 tháng" or "trong ngày"
}

// printer is an assert.TestingT that prints the expected and actual lines
// of a failure, as go test would show them.
type printer struct{}

func (printer) Errorf(format string, args ...any) {
	for _, line := range strings.Split(fmt.Sprintf(format, args...), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "expected") || strings.HasPrefix(line, "actual") {
			fmt.Println(line)
		}
	}
}

// AssertDue shows both due times with their weekdays: here a test that
// forgot the five days of Tết 2025.
func ExampleAssertDue() {
	received := time.Date(2025, time.January, 24, 10, 0, 0, 0, sla.ICT)
	want := time.Date(2025, time.January, 29, 10, 0, 0, 0, sla.ICT)
	ok := slatest.AssertDue(printer{}, sla.Default(), received, sla.WorkingDays(3), want)
	fmt.Println(ok)
	// Output:
	// expected: "Wed 2025-01-29 10:00:00 +07:00"
	// actual  : "Wed 2025-02-05 10:00:00 +07:00"
	// false
}
