package develop_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
)

// TestCancelProbation: 取消预备党员资格 closes the case and takes the person
// out of the 预备党员 status in the registry, in one transaction.
func TestCancelProbation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c, r := b.fenjuAdmin, b.openApplication()
		base := fmt.Sprintf("/api/v1/development/cases/%d", r.Case.ID)
		post := func(path string, body map[string]any, want int) {
			t.Helper()
			c.Expect(want, "POST", base+path, body, nil)
		}
		steps := []map[string]any{
			{"step": 2, "date": "2023-01-20"}, {"step": 3, "date": "2023-04-10", "recommendation": "党员推荐"}, {"step": 4, "date": "2023-04-15"},
			{"step": 5, "date": "2023-04-20", "person_ids": b.members[:1]}, {"step": 6, "date": "2023-05-01"},
		}
		for _, s := range steps {
			post("/steps", s, 201)
		}
		// Before the person is a 预备党员, cancellation is out of order.
		post("/cancellation", map[string]any{"date": "2023-06-01", "opinion": "不履行党员义务"}, 422)
		post("/reviews", map[string]any{"date": "2023-10-09", "opinion": "表现良好"}, 201)
		post("/publicity", map[string]any{"publicity": "candidate", "date": "2024-03-25"}, 201)
		for _, s := range []map[string]any{
			{"step": 7, "date": "2024-04-10"}, {"step": 8, "date": "2024-05-15"}, {"step": 9, "date": "2024-05-20", "person_ids": b.members[:2]},
			{"step": 10, "date": "2024-06-10", "vetting_passed": true}, {"step": 11, "date": "2024-06-20", "training_days": 3},
			{"step": 12, "date": "2024-07-01"}, {"step": 13, "date": "2024-07-10"}, {"step": 14, "date": "2024-07-15"},
		} {
			post("/steps", s, 201)
		}
		post("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-16"}, 201)
		post("/steps", map[string]any{"step": 15, "date": "2024-08-01", "vote": vote(9)}, 201)
		post("/steps", map[string]any{"step": 16, "date": "2024-08-10"}, 201)
		post("/steps", map[string]any{"step": 17, "date": "2024-09-01"}, 201)
		post("/cancellation", map[string]any{"date": "2025-03-01", "opinion": "不履行党员义务，经教育仍无转变"}, 201)
		var status, left, caseStatus string
		ctx := context.Background()
		if err := e.DB.QueryRowContext(ctx, "SELECT status, COALESCE(left_date, '') FROM persons WHERE id = ?", b.applicant).Scan(&status, &left); err != nil {
			t.Fatal(err)
		}
		e.DB.QueryRowContext(ctx, "SELECT status FROM dev_cases WHERE id = ?", r.Case.ID).Scan(&caseStatus)
		if status != "cancelled" || left != "2025-03-01" || caseStatus != "cancelled" {
			t.Fatalf("after cancellation: person %s (%s), case %s", status, left, caseStatus)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'cancel'", b.applicant); n != 1 {
			t.Fatalf("cancel events: %d", n)
		}
		// A cancelled case takes no further steps.
		post("/steps", map[string]any{"step": 22, "date": "2025-07-20"}, 422)
	})
}
