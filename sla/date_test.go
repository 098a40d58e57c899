package sla_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
)

func TestDateAgainstTime(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		tm := time.Date(1600+rng.IntN(800), time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(366))
		d := sla.Date{Year: tm.Year(), Month: tm.Month(), Day: tm.Day()}
		require.Equal(t, tm.Weekday(), d.Weekday(), "%s", d)
		n := rng.IntN(20000) - 10000
		e := tm.AddDate(0, 0, n)
		require.Equal(t, sla.Date{Year: e.Year(), Month: e.Month(), Day: e.Day()}, d.AddDays(n), "%s %+d", d, n)
		require.Equal(t, tm.Format(time.DateOnly), d.String())
	}
}

func TestDateOf(t *testing.T) {
	t.Parallel()
	// 17:30 UTC is already the next day in Vietnam.
	assert.Equal(t, sla.Date{Year: 2025, Month: 1, Day: 29}, sla.DateOf(time.Date(2025, 1, 28, 17, 30, 0, 0, time.UTC)))
	assert.Equal(t, sla.Date{Year: 2025, Month: 1, Day: 28}, sla.DateOf(time.Date(2025, 1, 28, 16, 59, 0, 0, time.UTC)))
	assert.Equal(t, sla.Date{Year: 1969, Month: 12, Day: 31}, sla.DateOf(time.Date(1969, 12, 31, 12, 0, 0, 0, sla.ICT)))
}

func TestDateBasics(t *testing.T) {
	t.Parallel()
	d := sla.Date{Year: 2025, Month: 1, Day: 29}
	assert.True(t, sla.Date{}.IsZero())
	assert.False(t, d.IsZero())
	assert.True(t, d.Valid())
	assert.False(t, sla.Date{Year: 2025, Month: 2, Day: 29}.Valid())
	assert.True(t, sla.Date{Year: 2024, Month: 2, Day: 29}.Valid())
	assert.True(t, d.Before(d.AddDays(1)))
	assert.True(t, d.After(d.AddDays(-1)))
	assert.Equal(t, 0, d.Compare(sla.Date{Year: 2025, Month: 1, Day: 29}))
	assert.Equal(t, time.Date(2025, 1, 29, 7, 30, 0, 0, sla.ICT), d.At(7, 30))

	b, err := json.Marshal(struct{ D, Z sla.Date }{D: d})
	require.NoError(t, err)
	assert.JSONEq(t, `{"D":"2025-01-29","Z":""}`, string(b))
	var back struct{ D, Z sla.Date }
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back.D)
	assert.True(t, back.Z.IsZero())
	assert.Error(t, json.Unmarshal([]byte(`{"D":"29/01/2025"}`), &back))
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 1, 24, 10, 0, 0, 0, sla.ICT)
	for _, s := range []string{"2025-01-24 10:00", "2025-01-24 10:00:00", "2025-01-24T10:00", "2025-01-24T10:00:00+07:00", "2025-01-24T03:00:00Z"} {
		got, err := sla.ParseTime(s)
		require.NoError(t, err, s)
		assert.True(t, want.Equal(got), s)
		assert.Equal(t, sla.ICT, got.Location(), s)
	}
	for _, s := range []string{"", "24/01/2025 10:00", "2025-01-24", "2025-02-30 10:00", "2025-01-24 25:00"} {
		_, err := sla.ParseTime(s)
		var pe *sla.ParseError
		assert.ErrorAs(t, err, &pe, s)
	}
}

func FuzzParseTime(f *testing.F) {
	f.Add("2025-01-24 10:00")
	f.Add("2025-01-24T10:00:00+07:00")
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := sla.ParseTime(s)
		if err != nil {
			return
		}
		require.Equal(t, sla.ICT, tm.Location())
	})
}

func FuzzParseDate(f *testing.F) {
	f.Add("2025-01-29")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sla.ParseDate(s)
		if err != nil {
			return
		}
		require.True(t, d.Valid())
		back, err := sla.ParseDate(d.String())
		require.NoError(t, err)
		require.Equal(t, d, back)
	})
}

// Days and instants anywhere in the range never panic and stay consistent.
func FuzzCalendar(f *testing.F) {
	f.Add(int64(0), int64(0), 15)
	f.Fuzz(func(t *testing.T, sec int64, sec2 int64, n int) {
		cal := sla.Default()
		received := time.Unix(sec%(1<<40), 0)
		d := sla.DateOf(received)
		cal.IsWorkday(d)
		cal.AddWorkdays(d, n%100000)
		cal.WorkdaysBetween(d, sla.DateOf(time.Unix(sec2%(1<<40), 0)))
		cal.WorkingTime(received, time.Unix(sec2%(1<<40), 0))
		due, err := cal.Due(received, sla.WorkingHours(n))
		if err == nil && n > 0 {
			require.Equal(t, time.Duration(n)*time.Hour, cal.WorkingTime(received, due))
		}
		cal.Classify(due, received)
	})
}

func TestWeekdayName(t *testing.T) {
	t.Parallel()
	var got []string
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		got = append(got, sla.WeekdayName(wd))
	}
	assert.Equal(t, []string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}, got)
}
