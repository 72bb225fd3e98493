//go:build race

package ticket_test

// raceEnabled is set when the race detector is on: the longest
// sequential tests then check a sample, as they gain nothing from it.
const raceEnabled = true
