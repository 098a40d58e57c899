//go:build !race

package procedure_test

const raceEnabled = false
