package slatest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
	"github.com/motcua/motcua/sla/slatest"
)

// recorder is a TestingT that records failures instead of failing.
type recorder struct{ failures []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func TestAssertDue(t *testing.T) {
	t.Parallel()
	cal := sla.Default()
	received := time.Date(2025, 3, 3, 9, 0, 0, 0, sla.ICT)
	assert.True(t, slatest.AssertDue(t, cal, received, sla.WorkingDays(2), time.Date(2025, 3, 5, 9, 0, 0, 0, sla.ICT)))

	var r recorder
	assert.False(t, slatest.AssertDue(&r, cal, received, sla.WorkingDays(2), time.Date(2025, 3, 4, 9, 0, 0, 0, sla.ICT)))
	require.Len(t, r.failures, 1)
	assert.Contains(t, r.failures[0], "Wed 2025-03-05 09:00:00 +07:00", "the failure shows the due time with its weekday")

	r = recorder{}
	assert.False(t, slatest.AssertDue(&r, cal, received, sla.WorkingDays(-2), received))
	assert.Len(t, r.failures, 1, "an invalid duration fails")
}

func TestReadCasesErrors(t *testing.T) {
	t.Parallel()
	for name, table := range map[string]string{
		"not JSON":           `[{`,
		"unknown field":      `[{"name":"x","recieved":"2025-03-03 09:00"}]`,
		"incomplete":         `[{"name":"x","received":"2025-03-03 09:00","duration":"2 ngày làm việc"}]`,
		"mixed forms":        `[{"name":"x","received":"2025-03-03 09:00","duration":"2 ngày làm việc","due":"2025-03-05 09:00","finished":"2025-03-05 09:00"}]`,
		"bad time":           `[{"name":"x","received":"03/03/2025","duration":"2 ngày làm việc","due":"2025-03-05 09:00"}]`,
		"bad duration":       `[{"name":"x","received":"2025-03-03 09:00","duration":"hai ngày","due":"2025-03-05 09:00"}]`,
		"bad pause":          `[{"name":"x","received":"2025-03-03 09:00","duration":"2 ngày làm việc","pauses":[{"start":"x","end":"y"}],"due":"2025-03-05 09:00"}]`,
		"unknown timeliness": `[{"name":"x","due":"2025-03-05 09:00","finished":"2025-03-05 09:00","timeliness":"sớm"}]`,
		"bad date":           `[{"name":"x","date":"2025-02-30","workday":true}]`,
	} {
		_, err := slatest.ReadCases(strings.NewReader(table))
		assert.Error(t, err, name)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	cases, err := slatest.ReadCases(strings.NewReader(`[
		{"name": "Tết 2026 starts on Monday 16/2", "date": "2026-02-16", "workday": false},
		{"name": "four working hours before lunch", "received": "2026-03-02 07:30", "duration": "04 giờ làm việc", "due": "2026-03-02 11:30"}
	]`))
	require.NoError(t, err)
	slatest.Run(t, sla.Default(), cases)
}
