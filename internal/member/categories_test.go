package member

import (
	"slices"
	"testing"
)

// Only the 书记 is a 支部书记; every committee member is a 支委委员; the
// party-worker roster, not the free-text post, makes a 党务工作者.
func TestCategoriesOfCommitteeSeats(t *testing.T) {
	for _, c := range []struct {
		seat      int
		secretary bool
		committee bool
	}{{0, false, false}, {1, false, true}, {2, true, true}} {
		got := CategoriesOf("民警", c.seat, true)
		if slices.Contains(got, "支部书记") != c.secretary || slices.Contains(got, "支委委员") != c.committee {
			t.Errorf("seat %d: %v", c.seat, got)
		}
		if !slices.Contains(got, "民警党员") || !slices.Contains(got, "党务工作者") {
			t.Errorf("seat %d lost the category or the roster: %v", c.seat, got)
		}
		if slices.Contains(CategoriesOf("民警", c.seat, false), "党务工作者") {
			t.Errorf("seat %d: 党务工作者 without the roster", c.seat)
		}
	}
}
