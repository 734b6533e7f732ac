//go:build race

package sqs_test

// raceEnabled slows expectations of timing tests under the race detector.
const raceEnabled = true
