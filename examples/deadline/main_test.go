package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var runTests = []struct {
	name string
	args []string
	want []string // lines or parts of lines of the output
}{
	{"three working days across Tết",
		[]string{"-received", "2025-01-24 10:00", "-duration", "3 ngày làm việc"},
		[]string{"Hẹn trả kết quả:  Thứ Tư, 05/02/2025 10:00", "Ngày nghỉ đi qua: 5", "Thứ Hai  27/01/2025  Tết Nguyên đán"}},
	{"a pause of 16 working hours",
		[]string{"-received", "2025-03-03 09:00", "-duration", "05 ngày làm việc", "-pause", "2025-03-04 09:00/2025-03-06 09:00"},
		[]string{"(16 giờ làm việc)", "Hẹn trả kết quả:  Thứ Tư, 12/03/2025 09:00"}},
	// The README's command with its supplement pause: the pause starts
	// after the due time, so it changes nothing.
	{"the README's pause after the due time",
		[]string{"-received", "2025-01-24 10:00", "-duration", "3 ngày làm việc", "-pause", "2025-03-04 09:00/2025-03-06 09:00"},
		[]string{"(sau hạn trả kết quả, không tính)", "Hẹn trả kết quả:  Thứ Tư, 05/02/2025 10:00"}},
}

func TestRun(t *testing.T) {
	t.Parallel()
	for _, tt := range runTests {
		var out strings.Builder
		require.NoError(t, run(tt.args, &out), tt.name)
		for _, want := range tt.want {
			assert.Contains(t, out.String(), want, tt.name)
		}
	}
}

func TestRunBadInput(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"-received", "24/01/2025", "-duration", "3 ngày làm việc"},
		{"-received", "2025-01-24 10:00", "-duration", "-3 ngày làm việc"},
		{"-received", "2025-01-24 10:00", "-duration", "ba ngày"},
		{"-received", "2025-01-24 10:00", "-duration", "3 ngày làm việc", "-pause", "2025-01-25 10:00/2025-01-24 10:00"},
		{"-received", "2300-01-24 10:00", "-duration", "3 ngày làm việc"},
	} {
		assert.Error(t, run(args, &strings.Builder{}), "%q", args)
	}
}
