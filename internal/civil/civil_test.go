package civil

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Against the standard library, every day from 1600 to 2400.
func TestAgainstTime(t *testing.T) {
	t.Parallel()
	for tm := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC); tm.Year() <= 2400; tm = tm.AddDate(0, 0, 1) {
		n := Days(tm.Year(), int(tm.Month()), tm.Day())
		require.Equal(t, int(tm.Unix()/86400), n, tm.Format(time.DateOnly))
		y, m, d := Date(n)
		require.Equal(t, [3]int{tm.Year(), int(tm.Month()), tm.Day()}, [3]int{y, m, d})
		require.Equal(t, time.Date(tm.Year(), tm.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day(), DaysIn(tm.Year(), int(tm.Month())))
	}
}

// Out-of-range months and days carry over as time.Date's do.
func TestNormalizes(t *testing.T) {
	t.Parallel()
	for _, c := range [][3]int{{2025, 13, 1}, {2025, 0, 31}, {2025, 2, 30}, {2025, -14, 0}, {2024, 3, 0}, {-5, 1, 1}} {
		want := time.Date(c[0], time.Month(c[1]), c[2], 0, 0, 0, 0, time.UTC)
		require.Equal(t, int(want.Unix()/86400), Days(c[0], c[1], c[2]), "%v", c)
	}
}

func TestFloorDiv(t *testing.T) {
	t.Parallel()
	require.Equal(t, -1, FloorDiv(-1, 7))
	require.Equal(t, -1, FloorDiv(-7, 7))
	require.Equal(t, -2, FloorDiv(-8, 7))
	require.Equal(t, int64(1), FloorDiv(int64(7), 7))
}
