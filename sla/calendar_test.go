package sla_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
)

// Many goroutines filling a new calendar's year cache at once agree with a
// calendar filled by one goroutine (run with -race).
func TestConcurrentYearCache(t *testing.T) {
	t.Parallel()
	cal, err := sla.New(sla.Config{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make([][]int, 8)
	for g := range results {
		wg.Go(func() {
			for y := 2000; y < 2060; y++ {
				results[g] = append(results[g], cal.WorkdaysBetween(sla.Date{Year: y, Month: 1, Day: 1}, sla.Date{Year: y + 1, Month: 1, Day: 1}))
				_, _ = cal.Due(time.Date(y, 6, 1, 9, 0, 0, 0, sla.ICT), sla.WorkingDays(15))
			}
		})
	}
	wg.Wait()
	for g := range results {
		assert.Equal(t, results[0], results[g])
	}
	assert.Equal(t, 250, results[0][2025-2000])
}

// A custom week: desk hours on Saturday mornings make Saturday a working day
// and stop a holiday on it from being compensated.
func TestCustomWeek(t *testing.T) {
	t.Parallel()
	week := sla.StandardWeek()
	week[time.Saturday] = []sla.Session{{Start: sla.Clock(7, 30), End: sla.Clock(11, 30)}}
	cal, err := sla.New(sla.Config{Week: week})
	require.NoError(t, err)
	sat := sla.Date{Year: 2025, Month: 3, Day: 8}
	assert.True(t, cal.IsWorkday(sat))
	// Friday 16:00 plus 8 working hours: 1 h on Friday, 4 h on Saturday, 3 h on Monday.
	got, err := cal.Due(time.Date(2025, 3, 7, 16, 0, 0, 0, sla.ICT), sla.WorkingDays(1))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 3, 10, 10, 30, 0, 0, sla.ICT), got)
	// 2023-04-29 (Hùng Kings, a Saturday) is then not compensated.
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2023, Month: 4, Day: 29}))
	assert.False(t, cal.IsWorkday(sla.Date{Year: 2023, Month: 5, Day: 2}), "30/4 (Sunday) is still compensated")
	assert.True(t, cal.IsWorkday(sla.Date{Year: 2023, Month: 5, Day: 3}))
	// The caller's week is not shared.
	week[time.Saturday][0].End = sla.Clock(8, 0)
	again, err := cal.Due(time.Date(2025, 3, 7, 16, 0, 0, 0, sla.ICT), sla.WorkingDays(1))
	require.NoError(t, err)
	assert.Equal(t, got, again)
}
