package rating_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

func TestGradeOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		total int
		want  rating.Grade
	}{
		{"full marks", 18, rating.Excellent},
		{"just above 15", 16, rating.Excellent},
		{"exactly 15 is good, not excellent", 15, rating.Good},
		{"inside good", 13, rating.Good},
		{"exactly 12 is good, the band written from it", 12, rating.Good},
		{"just below 12", 11, rating.Fair},
		{"exactly 9 is fair", 9, rating.Fair},
		{"just below 9", 8, rating.Average},
		{"exactly 6 is average", 6, rating.Average},
		{"just below 6", 5, rating.Weak},
		{"nothing", 0, rating.Weak},
		{"negative", -1, 0},
		{"above the maximum", 19, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, rating.GradeOf(tt.total))
		})
	}
}

func TestGradeString(t *testing.T) {
	t.Parallel()
	want := map[rating.Grade]string{rating.Weak: "Yếu", rating.Average: "Trung bình", rating.Fair: "Khá", rating.Good: "Tốt", rating.Excellent: "Rất tốt", 0: "Grade(0)", 6: "Grade(6)"}
	for g, s := range want {
		assert.Equal(t, s, g.String())
	}
	for i := rating.TotalTime; i <= rating.OnlineServices; i++ {
		assert.True(t, norm.NFC.IsNormalString(i.String()))
		assert.NotContains(t, i.String(), "Indicator(")
	}
	assert.Equal(t, "Indicator(10)", rating.Indicator(10).String())
}

// Dossiers for household business registration (1.001612, 03 ngày làm
// việc, three steps of 4, 16 and 4 working hours), received on Monday
// 4/8/2025 at 08:00 and due on Thursday 7/8 at 08:00.
func TestEvaluate(t *testing.T) {
	t.Parallel()
	monday := func(day, hour, min int) time.Time { return at(time.August, 4+day, hour, min) }
	full := rating.Assessment{Agencies: 2, OnTheSpot: 2, Publicity: 2, Conduct: 2, Complaints: 2, OnlineServices: 2}
	tests := []struct {
		name    string
		steps   []time.Time // transfers, each opening the next step (receipt opens the first)
		pauses  [][2]time.Time
		resolve time.Time
		a       rating.Assessment
		want    [9]int
		grade   rating.Grade
	}{
		{
			name:    "early, every step in time: full marks",
			steps:   []time.Time{monday(0, 10, 0), monday(1, 10, 0)},
			resolve: monday(1, 11, 0),
			a:       full,
			want:    [9]int{2, 2, 2, 2, 2, 2, 2, 2, 2},
			grade:   rating.Excellent,
		},
		{
			name:    "on time with one supplement, the desk kept it: 15 is good",
			pauses:  [][2]time.Time{{monday(0, 9, 0), monday(1, 9, 0)}},
			resolve: monday(4, 7, 45), // Friday: the pause moved the due time to Friday 08:00
			a:       rating.Assessment{Agencies: 2, OnTheSpot: 2, Publicity: 2, Conduct: 2, Complaints: 2, OnlineServices: 2},
			want:    [9]int{1, 1, 1, 2, 2, 2, 2, 2, 2}, // the desk's own step (4 h, to Tuesday 13:30) ran late
			grade:   rating.Good,
		},
		{
			name:    "early with one late step: 12 is good",
			steps:   []time.Time{monday(1, 9, 0), monday(1, 10, 0)}, // the first step was due on Monday at 13:30
			resolve: monday(1, 11, 0),
			a:       rating.Assessment{Agencies: 2, OnTheSpot: 1, Publicity: 1, Conduct: 1, Complaints: 1, OnlineServices: 1},
			want:    [9]int{2, 1, 2, 2, 1, 1, 1, 1, 1},
			grade:   rating.Good,
		},
		{
			name:    "late, two late steps, two supplements",
			steps:   []time.Time{monday(1, 9, 0), monday(4, 9, 0)},
			pauses:  [][2]time.Time{{monday(0, 8, 30), monday(0, 9, 0)}, {monday(0, 9, 30), monday(0, 10, 0)}},
			resolve: monday(4, 10, 0),
			a:       rating.Assessment{Agencies: 1, OnTheSpot: 0, Publicity: 2, Conduct: 0, Complaints: 1, OnlineServices: 1},
			want:    [9]int{0, 0, 0, 1, 0, 2, 0, 1, 1},
			grade:   rating.Weak,
		},
		{
			name:    "resolved at the desk within its step, nothing assessed",
			resolve: monday(0, 11, 0),
			want:    [9]int{2, 2, 2, 0, 0, 0, 0, 0, 0},
			grade:   rating.Average, // exactly 6
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			ctx := context.Background()
			x := d.receive(t, monday(0, 8, 0), procedure.Direct)
			// Events in time order: transfers and pauses interleave.
			type act struct {
				at time.Time
				do func() error
			}
			var acts []act
			for i, at := range tt.steps {
				acts = append(acts, act{at, func() error {
					_, err := d.svc.Transfer(ctx, x.Code, "cb", []string{"chuyên viên", "lãnh đạo"}[i])
					return err
				}})
			}
			for _, p := range tt.pauses {
				acts = append(acts, act{p[0], func() error {
					_, err := d.svc.RequestSupplement(ctx, x.Code, "cb", "thiếu bản sao CCCD")
					return err
				}})
				acts = append(acts, act{p[1], func() error { _, err := d.svc.Supplement(ctx, x.Code, "cb"); return err }})
			}
			for len(acts) > 0 {
				k := 0
				for i := range acts {
					if acts[i].at.Before(acts[k].at) {
						k = i
					}
				}
				d.now = acts[k].at
				require.NoError(t, acts[k].do())
				acts = append(acts[:k], acts[k+1:]...)
			}
			d.resolve(t, x, tt.resolve)
			got, err := d.svc.Get(ctx, x.Code)
			require.NoError(t, err)

			e, err := rating.Evaluate(sla.Default(), got, tt.a)
			require.NoError(t, err)
			assert.Equal(t, tt.want, e.Points)
			assert.Equal(t, tt.want[1], e.Of(rating.StepTime))
			total := 0
			for _, p := range tt.want {
				total += p
			}
			assert.Equal(t, total, e.Total())
			assert.Equal(t, tt.grade, e.Grade())
		})
	}
}

func TestEvaluateBadInput(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	x := d.receive(t, at(time.August, 4, 8, 0), procedure.Direct)
	_, err := rating.Evaluate(sla.Default(), x, rating.Assessment{})
	assert.ErrorIs(t, err, rating.ErrNotResolved, "an open dossier")

	d.resolve(t, x, at(time.August, 4, 9, 0))
	got, err := d.svc.Get(context.Background(), x.Code)
	require.NoError(t, err)
	for _, a := range []rating.Assessment{{Agencies: 3}, {OnlineServices: -1}, {Conduct: 7}} {
		_, err := rating.Evaluate(sla.Default(), got, a)
		assert.ErrorIs(t, err, rating.ErrInvalid, "%+v", a)
	}

	d.now = at(time.August, 4, 9, 30)
	y := d.receive(t, d.now, procedure.Direct)
	withdrawn, err := d.svc.Withdraw(context.Background(), y.Code, "cb", "công dân xin rút")
	require.NoError(t, err)
	_, err = rating.Evaluate(sla.Default(), withdrawn, rating.Assessment{})
	assert.ErrorIs(t, err, rating.ErrNotResolved)
	assert.Equal(t, 0, rating.Evaluation{}.Of(0))
	assert.Equal(t, 0, rating.Evaluation{}.Of(10))
}
