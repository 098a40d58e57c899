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

// A working day is as long as a regular weekday of the calendar's week,
// unless Config.DayLength says otherwise.
func TestDayLength(t *testing.T) {
	t.Parallel()
	long := sla.Week{}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		long[wd] = []sla.Session{{Start: sla.Clock(7, 0), End: sla.Clock(11, 30)}, {Start: sla.Clock(13, 0), End: sla.Clock(17, 0)}}
	}
	shortFriday := sla.StandardWeek()
	shortFriday[time.Friday] = []sla.Session{{Start: sla.Clock(7, 30), End: sla.Clock(11, 30)}}
	halfSaturday := sla.StandardWeek()
	halfSaturday[time.Saturday] = []sla.Session{{Start: sla.Clock(7, 30), End: sla.Clock(11, 30)}}
	tie := sla.Week{
		time.Monday:  {{Start: sla.Clock(8, 0), End: sla.Clock(12, 0)}},
		time.Tuesday: {{Start: sla.Clock(8, 0), End: sla.Clock(14, 0)}},
	}
	tests := []struct {
		name     string
		cfg      sla.Config
		received string
		d        sla.Duration
		want     string
	}{
		{"8 h 30 days: one day from Monday 10:00 ends Tuesday 10:00", sla.Config{Week: long}, "2025-03-03 10:00", sla.WorkingDays(1), "2025-03-04 10:00"},
		{"8 h 30 days: two days", sla.Config{Week: long}, "2025-03-03 10:00", sla.WorkingDays(2), "2025-03-05 10:00"},
		{"an explicit length wins over the week's", sla.Config{Week: long, DayLength: 8 * time.Hour}, "2025-03-03 10:00", sla.WorkingDays(1), "2025-03-04 09:30"},
		{"a short Friday leaves the day at 8 h", sla.Config{Week: shortFriday}, "2025-03-03 10:00", sla.WorkingDays(1), "2025-03-04 10:00"},
		{"a half Saturday leaves the day at 8 h", sla.Config{Week: halfSaturday}, "2025-03-03 10:00", sla.WorkingDays(1), "2025-03-04 10:00"},
		{"on a tie, the longer day: 4 h on Monday, 2 h on Tuesday", sla.Config{Week: tie}, "2025-03-03 08:00", sla.WorkingDays(1), "2025-03-04 10:00"},
	}
	for _, tt := range tests {
		cal, err := sla.New(tt.cfg)
		require.NoError(t, err, tt.name)
		got, err := cal.Due(at(tt.received), tt.d)
		require.NoError(t, err, tt.name)
		assert.Equal(t, at(tt.want), got, tt.name)
	}
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
