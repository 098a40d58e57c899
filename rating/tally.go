package rating

import "strconv"

// A Tally counts ratings by level. Its shares are taken over the ratings,
// not over the dossiers, as the reports take them: 9.807 very satisfied out
// of 10.252 ratings is 95,66%, however many dossiers were resolved
// (examples/report/testdata/report2020.txt). The zero Tally is empty and
// ready to use. A Tally is a value; it is not safe for concurrent Adds.
type Tally struct {
	n [Unsatisfied + 1]int // indexed by Level; n[0] is never counted
}

// Add counts one rating of level l. A level outside 1–3 is a *LevelError
// (matching ErrInvalid) and is not counted.
func (t *Tally) Add(l Level) error {
	if !l.Valid() {
		return &LevelError{Input: strconv.Itoa(int(l))}
	}
	t.n[l]++
	return nil
}

// Count returns the number of ratings of level l; 0 for an invalid level.
func (t Tally) Count(l Level) int {
	if !l.Valid() {
		return 0
	}
	return t.n[l]
}

// Total returns the number of ratings counted.
func (t Tally) Total() int { return t.n[VerySatisfied] + t.n[Satisfied] + t.n[Unsatisfied] }

// Share returns the share of level l among the ratings, rounded so that
// the three shares add up to exactly 100,00% (see Shares); 0 for an invalid
// level or an empty tally.
func (t Tally) Share(l Level) Percent {
	if !l.Valid() {
		return 0
	}
	return t.Shares()[l-1]
}

// Shares returns the shares of VerySatisfied, Satisfied and Unsatisfied, in
// that order, adding up to exactly 100,00% when anything was counted.
func (t Tally) Shares() [3]Percent {
	s := Shares(t.n[VerySatisfied], t.n[Satisfied], t.n[Unsatisfied])
	return [3]Percent(s)
}

// Merge adds u's counts to t, to combine tallies made separately, for
// example by several goroutines or desks.
func (t *Tally) Merge(u Tally) {
	for i := range t.n {
		t.n[i] += u.n[i]
	}
}
