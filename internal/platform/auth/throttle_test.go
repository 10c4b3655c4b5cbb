package auth

import (
	"fmt"
	"testing"
	"time"
)

// The throttle counts the usernames an address tried in the last minute,
// whenever that minute began: 60 names in two seconds are refused even when
// another address's try started a minute just before them.
func TestThrottleCountsTheLastMinuteOfEachAddress(t *testing.T) {
	now := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
	s := &Service{Policy: DefaultPolicy, Now: func() time.Time { return now }}
	s.throttled("10.0.0.9", "someone")
	tries := func(from, n int) (refused int) {
		for i := from; i < from+n; i++ {
			if s.throttled("10.0.0.1", fmt.Sprintf("user%d", i)) {
				refused++
			}
		}
		return refused
	}
	now = now.Add(59 * time.Second)
	if r := tries(0, 30); r != 0 {
		t.Fatalf("30 names refused %d", r)
	}
	now = now.Add(2 * time.Second)
	if r := tries(30, 30); r != 10 {
		t.Fatalf("names 31 to 60 within two seconds: %d refused, want the 10 beyond 50", r)
	}
	if s.throttled("10.0.0.2", "user0") {
		t.Fatal("another address is refused")
	}
	if s.throttled("10.0.0.1", "user3") {
		t.Fatal("a name among the 50 already tried is refused")
	}
	// A minute after the first 30, their room is free again: the 21 names
	// of the last minute (user3 again, user30 to user49) leave room for 29.
	now = now.Add(59 * time.Second)
	if r := tries(100, 29); r != 0 {
		t.Fatalf("a minute later: %d refused", r)
	}
	if r := tries(200, 1); r != 1 {
		t.Fatal("the 51st name of the last minute is let through")
	}
}
