package listing

import "time"

// SetClock makes the minute Capped remembers a count pass when the test
// moves now; the returned function restores the wall clock.
func SetClock(now func() time.Time) func() {
	overCap.now = now
	return func() { overCap.now = time.Now }
}
