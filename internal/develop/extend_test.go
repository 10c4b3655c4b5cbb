package develop_test

import (
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// TestExtendProbation: 延长预备期 takes the cancellation's shape (党章第七条):
// a 支部大会 vote (quorum, majority, 6–12 months, once), then the approval
// of a 党委 with 审批权限, recorded by that 党委, awaited in its 待办; only
// the approval extends the 预备期 and puts the 转正 back.
func TestExtendProbation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 12)
		w.step(13, "2024-07-10", nil)
		w.step(14, "2024-07-15", nil)
		w.post("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-16"}, 201)
		w.step(15, "2024-08-01", map[string]any{"vote": vote(9)})
		w.step(16, "2024-08-10", nil)
		w.step(17, "2024-09-01", nil)
		refused := func(c *apptest.Client, path string, body map[string]any, rule string) {
			t.Helper()
			var out reply
			c.Expect(422, "POST", w.base+path, body, &out)
			if out.Error.Rule != rule || out.Error.Citation == "" || out.Error.RuleTitle == "" || strings.Contains(out.Error.Message, "R-") {
				t.Fatalf("%s %v: %+v", path, body, out.Error)
			}
		}
		fp := dbtest.Fingerprint(t, e.DB)
		refused(w.c, "/extension", map[string]any{"date": "2025-08-01", "opinion": "同意"}, "R-extend")
		meeting := map[string]any{"date": "2025-07-20", "months": 6, "opinion": "理论学习有待加强", "vote": map[string]int{"expected": 10, "present": 8, "for": 5, "against": 3}}
		refused(w.c, "/extension-meeting", meeting, "R-majority")
		meeting["vote"], meeting["months"] = vote(9), 13
		refused(w.c, "/extension-meeting", meeting, "R-probation")
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused extension changed the database")
		}
		meeting["months"] = 6
		if out := w.post("/extension-meeting", meeting, 201); out.Case.ProbationEndExtended != "" {
			t.Fatalf("the vote alone extended the 预备期 to %s", out.Case.ProbationEndExtended)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'extend'", b.applicant); n != 0 {
			t.Fatalf("the vote alone wrote %d extensions into the registry", n)
		}
		// The approval awaited is the 党委's 待办.
		var todos struct {
			Items []struct{ Title string } `json:"items"`
		}
		b.fenjuAdmin.Expect(200, "GET", "/api/v1/todos?source=develop.deadline&status=open", nil, &todos)
		awaited := 0
		for _, it := range todos.Items {
			if strings.Contains(it.Title, "上级党委审批延长预备期") {
				awaited++
			}
		}
		if awaited != 1 || e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE kind = 'extend_approval' AND upper = 1") != 1 {
			t.Fatalf("the 党委's 待办 while the approval is awaited: %+v", todos.Items)
		}
		// The branch records the vote, not the 党委's approval; nor does the
		// approval come before the vote.
		branch := e.Account(auth.OrgAdmin, b.branch, 0)
		refused(branch, "/extension", map[string]any{"date": "2025-08-01"}, "R-approver")
		refused(w.c, "/extension", map[string]any{"date": "2025-07-19"}, "R-sequence")
		if out := w.post("/extension-meeting", meeting, 200); !out.Replayed {
			t.Fatal("the vote posted twice is not replayed")
		}
		out := w.post("/extension", map[string]any{"date": "2025-08-01", "opinion": "同意延长预备期六个月"}, 201)
		if out.Case.ProbationEnd != "2025-08-01" || out.Case.ProbationEndExtended != "2026-02-01" {
			t.Fatalf("probation ends after the approval: %q %q", out.Case.ProbationEnd, out.Case.ProbationEndExtended)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'extend' AND on_date = '2025-08-01'", b.applicant); n != 1 {
			t.Fatalf("the approval's extension in the registry: %d", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE kind = 'extend_approval'"); n != 0 {
			t.Fatalf("the approval still awaited: %d", n)
		}
		// Extended once: no second vote.
		meeting["date"] = "2025-09-01"
		var again struct {
			Error struct{ Message string } `json:"error"`
		}
		w.c.Expect(409, "POST", w.base+"/extension-meeting", meeting, &again)
		if !strings.Contains(again.Error.Message, "不能重复记录") {
			t.Fatalf("a second vote: %+v", again.Error)
		}
	})
}
