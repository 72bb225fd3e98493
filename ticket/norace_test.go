//go:build !race

package ticket_test

// raceEnabled is set when the race detector is on (race_test.go).
const raceEnabled = false
