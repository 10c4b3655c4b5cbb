package develop_test

import (
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// walkToAdmission walks the applicant's case through the 上级党委审批 of
// the admission (step 17, on 2024-09-01).
func walkToAdmission(t *testing.T, b *bureau) walker {
	t.Helper()
	w := walkToAdmissionVote(t, b)
	w.step(15, "2024-08-01", map[string]any{"vote": vote(9)})
	w.step(16, "2024-08-10", nil)
	w.step(17, "2024-09-01", nil)
	return w
}

// walkToAdmissionVote walks the applicant's case up to the 支部大会 on the
// admission (step 15): through the 公示 from 2024-07-16.
func walkToAdmissionVote(t *testing.T, b *bureau) walker {
	t.Helper()
	w := openCase(t, b, 12)
	w.step(13, "2024-07-10", nil)
	w.step(14, "2024-07-15", nil)
	w.post("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-16"}, 201)
	return w
}

// walkToConversion walks the applicant's case through the 上级党委审批 of
// the 转正 (step 24, on 2025-08-10).
func walkToConversion(t *testing.T, b *bureau) walker {
	t.Helper()
	w := walkToAdmission(t, b)
	w.step(22, "2025-07-20", nil)
	w.step(23, "2025-08-01", map[string]any{"vote": vote(9)})
	w.step(24, "2025-08-10", nil)
	return w
}

// TestArchiveReminded: after the 转正 is approved the branch is reminded
// in its 待办 to file the materials (R-archive, due a configurable month
// after the approval), and the reminder closes when step 25 is recorded.
func TestArchiveReminded(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := walkToConversion(t, b)
		branch := e.Account(auth.OrgAdmin, b.branch, 0)
		archive := func(status string) []map[string]any {
			t.Helper()
			var out struct {
				Items []map[string]any `json:"items"`
			}
			branch.Expect(200, "GET", "/api/v1/todos?source=develop.deadline&status="+status, nil, &out)
			var hits []map[string]any
			for _, it := range out.Items {
				if strings.Contains(it["title"].(string), "转正材料归档") {
					hits = append(hits, it)
				}
			}
			return hits
		}
		open := archive("open")
		if len(open) != 1 || open[0]["due_on"] != "2025-09-10" || !strings.Contains(open[0]["title"].(string), "张申请") {
			t.Fatalf("the branch's 待办 after the 转正: %v", open)
		}
		w.step(25, "2025-08-25", nil)
		if open, done := archive("open"), archive("done"); len(open) != 0 || len(done) != 1 {
			t.Fatalf("after 材料归档: open %v, done %v", open, done)
		}
	})
}
