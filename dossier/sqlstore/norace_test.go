//go:build !race

package sqlstore_test

// raceEnabled says whether the race detector is on: it slows the pure-Go
// SQLite down several times over, so the longest tests do less under it.
const raceEnabled = false
