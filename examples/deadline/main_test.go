package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunAcrossTet(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run([]string{"-received", "2025-01-24 10:00", "-duration", "3 ngày làm việc"}, &out))
	assert.Contains(t, out.String(), "Hẹn trả kết quả:  Thứ Tư, 05/02/2025 10:00")
	assert.Contains(t, out.String(), "Ngày nghỉ đi qua: 5")
	assert.Contains(t, out.String(), "Thứ Hai  27/01/2025  Tết Nguyên đán")
}

func TestRunWithPause(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run([]string{"-received", "2025-03-03 09:00", "-duration", "05 ngày làm việc", "-pause", "2025-03-04 09:00/2025-03-06 09:00"}, &out))
	assert.Contains(t, out.String(), "(16 giờ làm việc)")
	assert.Contains(t, out.String(), "Hẹn trả kết quả:  Thứ Tư, 12/03/2025 09:00")
}

// The README's command with its supplement pause: the pause starts after
// the due time, so it changes nothing.
func TestRunREADMEPause(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run([]string{"-received", "2025-01-24 10:00", "-duration", "3 ngày làm việc", "-pause", "2025-03-04 09:00/2025-03-06 09:00"}, &out))
	assert.Contains(t, out.String(), "Hẹn trả kết quả:  Thứ Tư, 05/02/2025 10:00")
	assert.Contains(t, out.String(), "(sau hạn trả kết quả, không tính)")
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
