package annual_test

import (
	"context"
	"testing"
	"time"

	"hongdun/internal/annual"
	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/scope"
)

// The identity holds for every year of the demo bureau's history, from its
// first recorded event to this year, and the check finds nothing in it.
func TestDemoReconciles(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.Demo(demo.Options{Seed: 3, Members: 2000, History: true})
		root := e.Root()
		s, err := annual.SubjectOf(ctx, e.DB, scope.All(), root)
		if err != nil {
			t.Fatal(err)
		}
		today := civil.Today(time.Now())
		var first string
		if err := e.DB.QueryRowContext(ctx, "SELECT MIN(on_date) FROM person_events").Scan(&first); err != nil {
			t.Fatal(err)
		}
		from, err := civil.Parse(first)
		if err != nil || from.Year() > today.Year()-20 {
			t.Fatalf("the demo's history starts %q: too short to prove much", first)
		}
		members := 0
		for y := from.Year(); y <= today.Year(); y++ { // every year of the demo's history
			r, issues, err := annual.Compute(ctx, e.DB, s, y, today)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Reconciliation.Holds {
				t.Errorf("%d: %s", y, r.Reconciliation.Formula)
			}
			if len(issues) > 0 {
				t.Errorf("%d: %d issues, first %+v", y, len(issues), issues[0])
			}
			members = r.Members
		}
		if want := e.Count("SELECT COUNT(*) FROM persons WHERE status IN ('full', 'probationary')"); members != want {
			t.Errorf("this year's report counts %d members, the registry %d", members, want)
		}
	})
}
