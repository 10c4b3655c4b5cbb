package honour

import (
	"strings"
	"testing"

	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// The year's 「光荣在党50年」 list seeks its two kinds of people by their
// indexes, never reading every person (an OR across the medals join read a
// million people in 9 s). SQLite only: on PostgreSQL an empty table is
// best read whole, and its plan says nothing about a large one.
func TestMedalListSeeksItsPeople(t *testing.T) {
	d := dbtest.SQLite(t)
	from, args := MedalFilter{Year: 2026}.eligibleWhere(scope.Under("/1/"))
	plan := dbtest.Plan(t, d, "SELECT p.id"+from+" ORDER BY p.full_date, p.id", args...)
	if strings.Contains(plan, "SCAN p") || !strings.Contains(plan, "persons_full_cover") {
		t.Errorf("the medal list reads every person:\n%s", plan)
	}
}
