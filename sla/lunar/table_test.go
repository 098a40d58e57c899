package lunar

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/internal/civil"
	"github.com/motcua/motcua/sla/lunar/internal/astro"
)

var update = flag.Bool("update", false, "rewrite the data lines of testdata/tet.txt from the table")

// jdnToDays converts a Julian Day Number to days since 1970-01-01.
func jdnToDays(jdn int) int { return jdn - 2440588 }

// TestTableMatchesAstronomy decodes every year of the table and compares it
// with the astronomical computation: Tết, the first day of every month, the
// leap month and the year's length.
func TestTableMatchesAstronomy(t *testing.T) {
	t.Parallel()
	require.Len(t, years, 2200-firstYear+1)
	for y := firstYear; y <= 2200; y++ {
		info := years[y-firstYear]
		want := astro.LunarYear(y, astro.Vietnam)

		tet := civil.Days(y, 1, 1) + tetOffset(info)
		require.Equal(t, jdnToDays(want.Tet()), tet, "Tết %d", y)
		require.Equal(t, want.Leap(), leapOf(info), "leap month of %d", y)

		for i, m := range want.Months {
			require.Equal(t, jdnToDays(m.Start), tet+monthStart(info, i), "lunar %d, month %d (position %d)", y, m.Number, i)
			pos, ok := index(m.Number, m.Leap, leapOf(info))
			require.True(t, ok)
			require.Equal(t, i, pos)
		}
		require.Equal(t, jdnToDays(want.Next), tet+monthStart(info, len(want.Months)), "end of %d", y)
		// Unused month bits stay clear, so a 12-month year cannot grow a
		// thirteenth month.
		require.Zero(t, info&(1<<leapShift-1)>>uint(len(want.Months)), "spare bits of %d", y)

		if y < 2200 {
			next := years[y+1-firstYear]
			assert.Equal(t, civil.Days(y+1, 1, 1)+tetOffset(next), tet+monthStart(info, len(want.Months)), "year %d ends where %d begins", y, y+1)
		}
	}
}

// uncertainMonths lists the lunar months whose first day, or whose being
// the leap month, changes when every instant is moved by 3 minutes: a new
// moon or a major solar term within 3 minutes of local midnight. doc.go
// lists the same months; keep them in step.
var uncertainMonths = []string{
	"8/1938", "8 nhuận/1938",
	"5/1944",
	"6/1967",
	"8/1998",
	"3 nhuận/2031",
	"4/2054",
	"11/2072",
	"10/2077",
	"8/2079",
	"9/2085",
	"8 nhuận/2090",
	"12/2124",
	"4/2130",
	"5/2150",
	"9/2153",
	"4/2159",
	"1/2175",
	"4/2188",
	"1/2199",
}

func TestUncertainMonths(t *testing.T) {
	t.Parallel()
	const shift = 3.0 / 60 // hours
	var got []string
	for y := firstYear; y <= lastYear; y++ {
		early := astro.LunarYear(y, astro.Vietnam-shift)
		late := astro.LunarYear(y, astro.Vietnam+shift)
		require.Len(t, late.Months, len(early.Months), "year %d", y)
		for i, m := range astro.LunarYear(y, astro.Vietnam).Months {
			if early.Months[i] != late.Months[i] {
				month := strconv.Itoa(m.Number)
				if m.Leap {
					month += " nhuận"
				}
				got = append(got, month+"/"+strconv.Itoa(y))
			}
		}
	}
	assert.Equal(t, uncertainMonths, got)
}

// TestGolden compares the table with testdata/tet.txt: Tết and the leap
// month of every lunar year 1900..2199, checked against the npm packages
// named in that file's header.
func TestGolden(t *testing.T) {
	t.Parallel()
	const path = "testdata/tet.txt"
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	var header []string
	golden := map[int]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			header = append(header, line)
			continue
		}
		y, err := strconv.Atoi(strings.Fields(line)[0])
		require.NoError(t, err, line)
		golden[y] = line
	}
	require.NoError(t, sc.Err())

	var lines []string
	for y := 1900; y <= lastYear; y++ {
		yy, m, d, err := ToSolar(Date{y, 1, 1, false})
		require.NoError(t, err)
		leap, err := LeapMonth(y)
		require.NoError(t, err)
		line := fmt.Sprintf("%d %s %d", y, solar{yy, m, d}, leap)
		lines = append(lines, line)
		if !*update {
			assert.Equal(t, golden[y], line, "year %d", y)
		}
	}
	if *update {
		out := strings.Join(header, "\n") + "\n" + strings.Join(lines, "\n") + "\n"
		require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
	} else {
		assert.Len(t, golden, len(lines))
	}
}
