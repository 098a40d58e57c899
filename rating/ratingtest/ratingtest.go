// Package ratingtest is the conformance suite that every rating.Store must
// pass. An embedder with a Store of their own runs it in a test:
//
//	func TestMyRatings(t *testing.T) {
//		ratingtest.Run(t, func(t *testing.T, now func() time.Time) ratingtest.Harness {
//			s := mystore.Open(…)
//			t.Cleanup(func() { s.Close() })
//			return ratingtest.Harness{Store: s.RatingsWithClock(now)}
//		})
//	}
//
// newHarness must return an empty store each time it is called, whose
// clock, which judges whether a rating is in the future, is now. The
// suite's clock is fixed in 2020, so a store that asks time.Now instead
// fails. Times in the suite are whole seconds, so a store may keep
// microseconds only, as PostgreSQL does, and any location: times are
// compared as instants.
//
// A store kept beside the dossiers, such as rating/sqlrating's, refuses a
// rating of a dossier it does not hold; its Harness says how to store one
// (see Harness.AddDossier), and the suite checks the refusal too.
package ratingtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// A Harness is the store for one test of the suite and, if it looks the
// dossiers up, how to give it one.
type Harness struct {
	// Store is the store under test.
	Store rating.Store
	// AddDossier, for a store that refuses a rating of a dossier it does
	// not hold, stores a dossier with the code c where Store looks for it.
	// The suite calls it, once per code, before rating that dossier, and
	// checks that a rating of any other dossier is refused with an error
	// matching dossier.ErrNotFound. Nil means that Store rates any
	// dossier, as rating.MemStore does.
	AddDossier func(t *testing.T, c dossier.Code)
}

// newStore returns the harness of an empty store that holds the dossiers
// of codes (the zero code, a kiosk's, is skipped), if it holds dossiers.
type newStore func(t *testing.T, codes ...dossier.Code) Harness

// Run runs the suite against the stores of the harnesses newHarness makes.
func Run(t *testing.T, newHarness func(t *testing.T, now func() time.Time) Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, newStore newStore)
	}{
		{"AddInvalid", testAddInvalid},
		{"AddValid", testAddValid},
		{"Duplicate", testDuplicate},
		{"Kiosk", testKiosk},
		{"UnknownDossier", testUnknownDossier},
		{"Normalizes", testNormalizes},
		{"ListWindows", testListWindows},
		{"ListOrder", testListOrder},
		{"ListStop", testListStop},
		{"CancelledContext", testCancelledContext},
		{"ConcurrentDuplicates", testConcurrentDuplicates},
		{"ConcurrentAdds", testConcurrentAdds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, func(t *testing.T, codes ...dossier.Code) Harness {
				h := newHarness(t, now)
				if h.AddDossier != nil {
					for _, c := range codes {
						if !c.IsZero() {
							h.AddDossier(t, c)
						}
					}
				}
				return h
			})
		})
	}
}

// clock is the stores' time: a Monday morning at the desk.
var clock = time.Date(2020, time.June, 15, 10, 0, 0, 0, sla.ICT)

func now() time.Time { return clock }

// day returns 09:00 on a day of June 2020.
func day(d int) time.Time { return time.Date(2020, time.June, d, 9, 0, 0, 0, sla.ICT) }

// code returns the code of the i-th dossier received on 1 June 2020.
func code(i int) dossier.Code {
	return dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2020, Month: time.June, Day: 1}, Seq: i}
}

// codes returns the codes of the dossiers from to to (inclusive) received
// on 1 June 2020.
func codes(from, to int) []dossier.Code {
	var out []dossier.Code
	for i := from; i <= to; i++ {
		out = append(out, code(i))
	}
	return out
}

// parse reads a code that the suite writes as text, a constant.
func parse(s string) dossier.Code {
	c, err := dossier.ParseCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

// pst is a zone other than the stores' and UTC, for times given elsewhere.
var pst = time.FixedZone("PST", -8*60*60)

func list(t *testing.T, s rating.Store, from, to time.Time) []rating.Rating {
	t.Helper()
	var out []rating.Rating
	for r, err := range s.List(context.Background(), from, to) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

// instants returns a copy of rs with times in UTC, to compare them as
// instants.
func instants(rs ...rating.Rating) []rating.Rating {
	out := make([]rating.Rating, len(rs))
	for i, r := range rs {
		r.At = r.At.UTC()
		out[i] = r
	}
	return out
}

// same asserts that the store holds exactly want, in order, comparing times
// as instants.
func same(t *testing.T, s rating.Store, want []rating.Rating, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, instants(want...), instants(list(t, s, time.Time{}, time.Time{})...), msgAndArgs...)
}

// comments returns the comments of rs, which the listing tests use as
// labels.
func comments(rs []rating.Rating) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Comment)
	}
	return out
}

var invalidTests = []struct {
	name   string
	change func(r *rating.Rating)
	level  bool // the error is a *rating.LevelError
}{
	{"level zero", func(r *rating.Rating) { r.Level = 0 }, true},
	{"level four", func(r *rating.Rating) { r.Level = 4 }, true},
	{"level 255", func(r *rating.Rating) { r.Level = 255 }, true},
	{"no time", func(r *rating.Rating) { r.At = time.Time{} }, false},
	{"future beyond the skew", func(r *rating.Rating) { r.At = clock.Add(rating.ClockSkew + time.Second) }, false},
	{"future beyond the skew, in another zone", func(r *rating.Rating) { r.At = clock.Add(rating.ClockSkew + time.Second).In(pst) }, false},
	{"next year", func(r *rating.Rating) { r.At = clock.AddDate(1, 0, 0) }, false},
	{"code with no agency", func(r *rating.Rating) { r.Dossier.Agency = "" }, false},
	{"code with an agency that is no e-ID", func(r *rating.Rating) { r.Dossier.Agency = "hồ sơ 42" }, false},
	{"code with no such date", func(r *rating.Rating) { r.Dossier.Date = sla.Date{Year: 2020, Month: time.June, Day: 31} }, false},
	{"code from before 2000", func(r *rating.Rating) { r.Dossier.Date = sla.Date{Year: 1999, Month: time.December, Day: 31} }, false},
	{"code with sequence zero", func(r *rating.Rating) { r.Dossier.Seq = 0 }, false},
	{"code with a sequence past nine digits", func(r *rating.Rating) { r.Dossier.Seq = 1_000_000_000 }, false},
	{"unknown channel", func(r *rating.Rating) { r.Channel = 9 }, false},
}

// Each refused rating is ErrInvalid, stores nothing, and does not mark its
// dossier as rated.
func testAddInvalid(t *testing.T, newStore newStore) {
	ok := rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock}
	for _, tt := range invalidTests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, ok.Dossier).Store
			ctx := context.Background()
			r := ok
			tt.change(&r)
			err := s.Add(ctx, r)
			assert.ErrorIs(t, err, rating.ErrInvalid)
			assert.NotErrorIs(t, err, rating.ErrDuplicate)
			if tt.level {
				var le *rating.LevelError
				assert.ErrorAs(t, err, &le, "a bad level is a *rating.LevelError")
			}
			assert.Empty(t, list(t, s, time.Time{}, time.Time{}), "nothing stored")
			assert.NoError(t, s.Add(ctx, ok), "the dossier is not marked as rated by a refused rating")
			same(t, s, []rating.Rating{ok})
		})
	}
}

var validTests = []struct {
	name string
	r    rating.Rating
}{
	{"at the clock", rating.Rating{Dossier: code(1), Level: rating.VerySatisfied, At: clock}},
	{"within the skew", rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock.Add(rating.ClockSkew)}},
	{"long ago", rating.Rating{Dossier: parse("000.00.01.H26-000101-0001"), Level: rating.Satisfied, At: time.Date(2000, time.January, 3, 8, 0, 0, 0, sla.ICT)}},
	{"kiosk, no dossier", rating.Rating{Level: rating.Unsatisfied, At: clock.Add(-time.Hour)}},
	{"online", rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock, Channel: procedure.Online}},
	{"every field", rating.Rating{Dossier: parse("000.A0.01.H26-200601-0002"), Level: rating.VerySatisfied, Comment: "Nhanh, đúng hẹn", At: day(1), Channel: procedure.Direct}},
	{"postal, long sequence", rating.Rating{Dossier: code(123456789), Level: rating.Unsatisfied, Comment: "Chờ lâu", At: day(2), Channel: procedure.Postal}},
}

// A valid rating is kept as given.
func testAddValid(t *testing.T, newStore newStore) {
	for _, tt := range validTests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, tt.r.Dossier).Store
			require.NoError(t, s.Add(context.Background(), tt.r))
			same(t, s, []rating.Rating{tt.r})
		})
	}
}

// A dossier gets at most one rating; the first stays.
func testDuplicate(t *testing.T, newStore newStore) {
	ctx := context.Background()
	s := newStore(t, code(1), code(2)).Store
	first := rating.Rating{Dossier: code(1), Level: rating.VerySatisfied, At: clock.Add(-time.Hour), Comment: "Tốt"}
	require.NoError(t, s.Add(ctx, first))
	tests := []struct {
		name   string
		change func(r *rating.Rating)
	}{
		{"the same again", func(r *rating.Rating) {}},
		{"another level, later", func(r *rating.Rating) { r.Level, r.At = rating.Unsatisfied, clock }},
		{"earlier", func(r *rating.Rating) { r.At = clock.Add(-48 * time.Hour) }},
		{"another channel and comment", func(r *rating.Rating) { r.Channel, r.Comment = procedure.Online, "Không tốt" }},
		{"in another zone", func(r *rating.Rating) { r.At = r.At.In(pst) }},
	}
	for _, tt := range tests {
		second := first
		tt.change(&second)
		err := s.Add(ctx, second)
		assert.ErrorIs(t, err, rating.ErrDuplicate, tt.name)
		assert.NotErrorIs(t, err, rating.ErrInvalid, tt.name)
	}
	same(t, s, []rating.Rating{first}, "the first rating stays")

	other := rating.Rating{Dossier: code(2), Level: rating.Satisfied, At: clock.Add(-time.Hour)}
	require.NoError(t, s.Add(ctx, other), "another dossier is not a duplicate")
	same(t, s, []rating.Rating{first, other})
}

// Kiosk ratings have no dossier and are never duplicates.
func testKiosk(t *testing.T, newStore newStore) {
	ctx := context.Background()
	s := newStore(t, code(1)).Store
	rated := rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock}
	require.NoError(t, s.Add(ctx, rated))
	kiosk := rating.Rating{Level: rating.Satisfied, At: clock}
	want := []rating.Rating{rated}
	for range 5 {
		require.NoError(t, s.Add(ctx, kiosk))
		want = append(want, kiosk)
	}
	same(t, s, want, "every kiosk rating is kept")
	assert.ErrorIs(t, s.Add(ctx, rated), rating.ErrDuplicate, "kiosk ratings leave the dossier rated")
}

// A store that looks the dossiers up refuses a rating of a dossier it does
// not hold, stores nothing, and rates the dossier once it holds it.
func testUnknownDossier(t *testing.T, newStore newStore) {
	ctx := context.Background()
	h := newStore(t, code(1))
	if h.AddDossier == nil {
		t.Skip("the store rates any dossier: its Harness has no AddDossier")
	}
	s := h.Store
	unknown := rating.Rating{Dossier: code(2), Level: rating.Satisfied, At: clock}
	for _, try := range []string{"first", "second"} {
		err := s.Add(ctx, unknown)
		assert.ErrorIs(t, err, dossier.ErrNotFound, try)
		assert.NotErrorIs(t, err, rating.ErrDuplicate, try)
		assert.NotErrorIs(t, err, rating.ErrInvalid, try)
	}
	assert.Empty(t, list(t, s, time.Time{}, time.Time{}), "nothing stored")

	known := rating.Rating{Dossier: code(1), Level: rating.VerySatisfied, At: clock}
	kiosk := rating.Rating{Level: rating.Unsatisfied, At: clock}
	require.NoError(t, s.Add(ctx, known), "a dossier the store holds")
	require.NoError(t, s.Add(ctx, kiosk), "a kiosk rating names no dossier")
	h.AddDossier(t, code(2))
	require.NoError(t, s.Add(ctx, unknown), "the dossier once stored")
	same(t, s, []rating.Rating{known, kiosk, unknown})
}

// Stores keep comments in NFC, codes as they were given, and times as
// instants.
func testNormalizes(t *testing.T, newStore newStore) {
	ctx := context.Background()
	t.Run("comment", func(t *testing.T) {
		s := newStore(t).Store
		decomposed := "Ra\u0302\u0301t to\u0302\u0301t" // "Rất tốt" with combining marks
		require.NoError(t, s.Add(ctx, rating.Rating{Level: rating.VerySatisfied, At: clock, Comment: decomposed}))
		require.NoError(t, s.Add(ctx, rating.Rating{Level: rating.VerySatisfied, At: clock, Comment: "Rất tốt"}))
		assert.Equal(t, []string{"Rất tốt", "Rất tốt"}, comments(list(t, s, time.Time{}, time.Time{})))
	})
	t.Run("code", func(t *testing.T) {
		cs := []dossier.Code{code(1), parse("000.A0.01.h26-200615-0042"), code(10000), code(999_999_999)}
		s := newStore(t, cs...).Store
		for _, c := range cs {
			require.NoError(t, s.Add(ctx, rating.Rating{Dossier: c, Level: rating.Satisfied, At: clock}))
			got := list(t, s, clock, clock.Add(time.Second))
			require.NotEmpty(t, got)
			assert.Equal(t, c, got[len(got)-1].Dossier)
		}
	})
	t.Run("time", func(t *testing.T) {
		s := newStore(t, codes(1, 3)...).Store
		at := []time.Time{day(1).UTC(), day(2).In(pst), day(3)}
		for i, a := range at {
			require.NoError(t, s.Add(ctx, rating.Rating{Dossier: code(i + 1), Level: rating.Satisfied, At: a}))
		}
		got := list(t, s, time.Time{}, time.Time{})
		require.Len(t, got, len(at))
		for i, r := range got {
			assert.True(t, r.At.Equal(at[i]), "rating %d: %s, want the instant %s", i, r.At, at[i])
		}
	})
}

// listFixture adds ratings out of order, with ties at one instant given in
// three zones, and returns them by label (comment) and the labels in the
// order a listing must give them: by time, then by the order they were
// added.
func listFixture(t *testing.T, s rating.Store) (map[string]rating.Rating, []string) {
	t.Helper()
	adds := []rating.Rating{
		{Dossier: code(1), Level: rating.Satisfied, At: day(5), Comment: "1"},
		{Dossier: code(2), Level: rating.VerySatisfied, At: day(1), Channel: procedure.Online, Comment: "2"},
		{Dossier: code(3), Level: rating.Unsatisfied, At: day(3), Channel: procedure.Direct, Comment: "3"},
		{Dossier: code(4), Level: rating.Satisfied, At: day(3).UTC(), Comment: "4"},
		{Level: rating.Satisfied, At: day(3).In(pst), Channel: procedure.Postal, Comment: "5"},
		{Dossier: code(6), Level: rating.Satisfied, At: day(10), Comment: "6"},
		{Dossier: code(7), Level: rating.Satisfied, At: day(4).UTC(), Comment: "7"},
	}
	byLabel := map[string]rating.Rating{}
	for _, r := range adds {
		require.NoError(t, s.Add(context.Background(), r))
		byLabel[r.Comment] = r
	}
	return byLabel, []string{"2", "3", "4", "5", "7", "1", "6"}
}

// List yields [from, to); a zero bound is open.
func testListWindows(t *testing.T, newStore newStore) {
	s := newStore(t, codes(1, 7)...).Store
	byLabel, _ := listFixture(t, s)
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"all", time.Time{}, time.Time{}, []string{"2", "3", "4", "5", "7", "1", "6"}},
		{"from inclusive", day(3), time.Time{}, []string{"3", "4", "5", "7", "1", "6"}},
		{"from a second later", day(3).Add(time.Second), time.Time{}, []string{"7", "1", "6"}},
		{"to exclusive", time.Time{}, day(5), []string{"2", "3", "4", "5", "7"}},
		{"to a second later", time.Time{}, day(5).Add(time.Second), []string{"2", "3", "4", "5", "7", "1"}},
		{"window", day(2), day(6), []string{"3", "4", "5", "7", "1"}},
		{"window in another zone", day(2).UTC(), day(6).In(pst), []string{"3", "4", "5", "7", "1"}},
		{"one instant", day(3), day(3).Add(time.Second), []string{"3", "4", "5"}},
		{"empty", day(6), day(7), nil},
		{"from equals to", day(3), day(3), nil},
		{"inverted", day(6), day(2), nil},
		{"before everything", time.Time{}, day(1), nil},
		{"after everything", day(11), time.Time{}, nil},
	}
	for _, tt := range tests {
		var want []rating.Rating
		for _, l := range tt.want {
			want = append(want, byLabel[l])
		}
		assert.Equal(t, instants(want...), instants(list(t, s, tt.from, tt.to)...), tt.name)
	}
}

// List orders by time, then by the order the ratings were added, whatever
// the zone a time was given in and whether a rating names a dossier.
func testListOrder(t *testing.T, newStore newStore) {
	ctx := context.Background()
	s := newStore(t, codes(1, 17)...).Store
	_, want := listFixture(t, s)
	assert.Equal(t, want, comments(list(t, s, time.Time{}, time.Time{})))

	// Many more at one instant, then one earlier: ties keep their order,
	// and the earlier one goes first.
	var tied []string
	for i := range 30 {
		r := rating.Rating{Level: rating.Satisfied, At: day(3), Comment: fmt.Sprintf("tie %02d", i)}
		switch i % 3 {
		case 0:
			r.Dossier = code(8 + i/3)
		case 1:
			r.At = r.At.UTC()
		}
		require.NoError(t, s.Add(ctx, r))
		tied = append(tied, r.Comment)
	}
	require.NoError(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: day(3).Add(-time.Second), Comment: "just before"}))
	want = append([]string{"just before", "3", "4", "5"}, tied...)
	assert.Equal(t, want, comments(list(t, s, day(3).Add(-time.Second), day(3).Add(time.Second))))
}

// A consumer may stop a listing early, and the store goes on working.
func testListStop(t *testing.T, newStore newStore) {
	ctx := context.Background()
	s := newStore(t, code(1)).Store
	for range 3 {
		require.NoError(t, s.Add(ctx, rating.Rating{Level: rating.Satisfied, At: clock}))
	}
	n := 0
	for _, err := range s.List(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Len(t, list(t, s, time.Time{}, time.Time{}), 3, "the store works after an abandoned listing")
	require.NoError(t, s.Add(ctx, rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock}), "Add after an abandoned listing")
	assert.Len(t, list(t, s, time.Time{}, time.Time{}), 4)
}

func testCancelledContext(t *testing.T, newStore newStore) {
	s := newStore(t, code(1)).Store
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock}
	assert.ErrorIs(t, s.Add(ctx, r), context.Canceled, "Add")
	assert.Empty(t, list(t, s, time.Time{}, time.Time{}), "a cancelled Add stores nothing")
	require.NoError(t, s.Add(context.Background(), r), "a cancelled Add does not mark the dossier as rated")

	var errs []error
	for got, err := range s.List(ctx, time.Time{}, time.Time{}) {
		if err == nil {
			t.Errorf("a cancelled List yields %+v", got)
		}
		errs = append(errs, err)
	}
	require.Len(t, errs, 1, "a cancelled List yields one error and stops")
	assert.ErrorIs(t, errs[0], context.Canceled, "List")
}

// Devices rating one dossier at once, while others list: exactly one wins,
// the others are told ErrDuplicate.
func testConcurrentDuplicates(t *testing.T, newStore newStore) {
	s := newStore(t, code(1)).Store
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.Add(ctx, rating.Rating{Dossier: code(1), Level: rating.Satisfied, At: clock, Comment: fmt.Sprint(i)})
			for _, err := range s.List(ctx, time.Time{}, time.Time{}) {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			assert.Equal(t, -1, winner, "a second winner")
			winner = i
		case !errors.Is(err, rating.ErrDuplicate):
			t.Errorf("device %d: %v, want ErrDuplicate", i, err)
		}
	}
	require.NotEqual(t, -1, winner, "no device won")
	assert.Equal(t, []string{fmt.Sprint(winner)}, comments(list(t, s, time.Time{}, time.Time{})), "the winner's rating is kept, and no other")
}

// Devices rating different dossiers and visits at once: every rating is
// kept.
func testConcurrentAdds(t *testing.T, newStore newStore) {
	const n = 50
	s := newStore(t, codes(1, n)...).Store
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := rating.Rating{Level: rating.Satisfied, At: day(1).Add(time.Duration(i) * time.Minute), Comment: fmt.Sprintf("%02d", i)}
			if i%2 == 0 {
				r.Dossier = code(i + 1)
			}
			assert.NoError(t, s.Add(ctx, r), "rating %d", i)
		})
	}
	wg.Wait()
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("%02d", i))
	}
	assert.Equal(t, want, comments(list(t, s, time.Time{}, time.Time{})), "every rating, in time order")
}
