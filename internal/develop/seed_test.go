package develop_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/develop"
	"hongdun/internal/platform/auth"
)

// TestSeedDemo opens cases on the demo bureau: every stage, overdue
// deadlines in the 待办, warnings, one priority-development case; fast and
// idempotent; every case still accepts the next action the rules allow.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.Demo(demo.Options{Seed: 1, History: true}, develop.SeedDemo)
		cases := e.Count("SELECT COUNT(*) FROM dev_cases")
		t.Logf("%d cases, %d records, %d deadlines", cases, e.Count("SELECT COUNT(*) FROM dev_records"), e.Count("SELECT COUNT(*) FROM dev_deadlines"))
		if cases < 500 {
			t.Fatalf("%d cases", cases)
		}
		for stage, steps := range map[string][2]int{"申请": {1, 2}, "积极分子": {3, 6}, "发展对象": {7, 11}, "接收": {12, 18}, "预备党员": {19, 23}} {
			if n := e.Count("SELECT COUNT(*) FROM dev_cases WHERE status = 'open' AND last_step BETWEEN ? AND ?", steps[0], steps[1]); n < 3 {
				t.Errorf("stage %s: %d open cases", stage, n)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_cases WHERE status = 'converted' AND last_step >= 24"); n < 3 {
			t.Errorf("%d converted cases", n)
		}
		today := e.App.Today()
		for _, rule := range []string{"R-talk", "R-review", "R-approval-time"} {
			if n := e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE rule = ? AND due_on < ?", rule, today); n < 1 {
				t.Errorf("no overdue %s deadline", rule)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'develop.deadline' AND severity = 'bad' AND done_at IS NULL"); n < 10 {
			t.Errorf("%d overdue 待办", n)
		}
		for _, rule := range []string{"R-talk", "R-approval-time"} {
			if n := e.Count("SELECT COUNT(*) FROM dev_records WHERE warnings LIKE ?", "%"+rule+"%"); n < 1 {
				t.Errorf("no record warned by %s", rule)
			}
		}
		// The 火线入党 case: its exception, a waived one-year rule, and the
		// person now a 预备党员.
		var caseID, person int64
		if err := e.DB.QueryRowContext(ctx, "SELECT id, person_id FROM dev_cases WHERE fasttrack = 1").Scan(&caseID, &person); err != nil {
			t.Fatalf("priority-development case: %v", err)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_records WHERE case_id = ? AND kind = 'exception'", caseID); n != 1 {
			t.Fatalf("%d exception records", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_records WHERE case_id = ? AND step = 7 AND data LIKE '%R-target%'", caseID); n != 1 {
			t.Fatal("step 7 of the priority case does not show the waived one-year rule")
		}
		if n := e.Count("SELECT COUNT(*) FROM persons WHERE id = ? AND status = 'probationary'", person); n != 1 {
			t.Fatal("the priority-development person is not a 预备党员")
		}
		// Idempotent.
		if err := develop.SeedDemo(ctx, e.App.Deps); err != nil || e.Count("SELECT COUNT(*) FROM dev_cases") != cases {
			t.Fatalf("second SeedDemo: %v, %d cases", err, e.Count("SELECT COUNT(*) FROM dev_cases"))
		}
		// The pages show the seeded cases, and a seeded case takes the next step through the API.
		root := e.Root()
		c := e.Account(auth.OrgAdmin, root, 0)
		for _, p := range []string{"/api/v1/development/cases", "/api/v1/development/deadlines", "/api/v1/development/stats", fmt.Sprintf("/api/v1/development/cases/%d", caseID)} {
			c.Expect(200, "GET", p, nil, nil)
		}
		var talk int64
		if err := e.DB.QueryRowContext(ctx, "SELECT id FROM dev_cases WHERE last_step = 1 AND status = 'open' ORDER BY id").Scan(&talk); err != nil {
			t.Fatal(err)
		}
		c.Expect(201, "POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", talk), map[string]any{"step": 2, "date": today}, nil) // talk on a seeded case
	})
}
