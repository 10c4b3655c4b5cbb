package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/training"
)

// The 兜底 asks first: the preview changes nothing, the confirmation of a
// list that changed since is refused with 409, and everyone short in the
// subtree goes into one program, grouped by organisation. A leader never
// sees the button and is refused the routes.
func TestFallbackPreviewConfirmAndLeader(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		leader := e.Account(auth.Leader, w.root, 0)
		ledger := fmt.Sprintf("/training/ledger?org=%d&year=2026", w.root)
		preview := fmt.Sprintf("/training/fallback?org=%d&year=2026", w.root)

		// The leader reads the ledger without the button and cannot preview or confirm.
		if st := leader.Do("GET", ledger, nil, nil); st != 200 || strings.Contains(leader.Body(), "fallback") || strings.Contains(leader.Body(), "兜底培训（先预览") {
			t.Fatalf("leader's ledger: %d", st)
		}
		fp := dbtest.Fingerprint(t, e.DB)
		for _, st := range []int{leader.Do("GET", preview, nil, nil), leader.Do("GET", "/api/v1"+preview, nil, nil),
			leader.Form("/training/fallback", map[string]string{"org_id": fmt.Sprint(w.root), "year": "2026", "expect": "x"}),
			leader.Do("POST", "/api/v1/training/fallback", map[string]any{"org_id": w.root, "year": 2026, "expect": "x"}, nil)} {
			if st != 403 && st != 404 {
				t.Fatalf("leader on the 兜底 routes: %d", st)
			}
		}
		// The officer's ledger links to the preview, which shows who and what and creates nothing.
		if st := city.Do("GET", ledger, nil, nil); st != 200 || !strings.Contains(city.Body(), `id="fallback-preview"`) {
			t.Fatalf("officer's ledger: %d", st)
		}
		if st := city.Do("GET", preview, nil, nil); st != 200 || !strings.Contains(city.Body(), `data-people="3"`) || !strings.Contains(city.Body(), "甲分局党支部") ||
			!strings.Contains(city.Body(), "乙分局党支部") || !strings.Contains(city.Body(), "建立<strong>1</strong>个培训项目") {
			t.Fatalf("preview: %d %s", st, city.Body())
		}
		var plan training.FallbackPlan
		city.Do("GET", "/api/v1"+preview, nil, &plan)
		if len(plan.People) != 3 || len(plan.ByOrg) != 2 || plan.ProgramID != 0 {
			t.Fatalf("plan %+v", plan)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("the previews or the leader changed the database")
		}
		// No confirmation without the preview's fingerprint.
		if st := city.Form("/training/fallback", map[string]string{"org_id": fmt.Sprint(w.root), "year": "2026"}); st != 400 {
			t.Fatalf("confirm without a preview: %d", st)
		}
		// Someone joins the subtree after the preview: the list changed, 409, nothing created, the page shows the new list.
		e.Person(dbtest.Person{Org: w.bBranch, Name: "乙新党员", Pinyin: "yxdy", Category: "民警"})
		fp = dbtest.Fingerprint(t, e.DB)
		if st := city.Form("/training/fallback", map[string]string{"org_id": fmt.Sprint(w.root), "year": "2026", "expect": plan.Expect}); st != 409 ||
			!strings.Contains(city.Body(), "重新预览") || !strings.Contains(city.Body(), `data-people="4"`) {
			t.Fatalf("stale confirmation: %d", st)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused confirmation changed the database")
		}
		// Confirming the fresh preview: one program listing all four, audited.
		city.Do("GET", "/api/v1"+preview, nil, &plan)
		if st := city.Form("/training/fallback", map[string]string{"org_id": fmt.Sprint(w.root), "year": "2026", "expect": plan.Expect}); st != 303 {
			t.Fatalf("confirm: %d %s", st, city.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM training_programs WHERE tier = ?", training.TierFallback); n != 1 {
			t.Fatalf("%d 兜底 programs", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM training_people"); n != 4 {
			t.Fatalf("%d listed", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'training.fallback.create'"); n != 1 {
			t.Fatalf("%d audited", n)
		}
		// A 分局 officer's 兜底 afterwards lists nobody twice.
		adminB := e.Account(auth.OrgAdmin, w.b, 0)
		adminB.Do("GET", fmt.Sprintf("/api/v1/training/fallback?org=%d&year=2026", w.b), nil, &plan)
		if len(plan.People) != 0 || plan.Listed != 2 {
			t.Fatalf("B's plan after the city's: %+v", plan)
		}
	})
}
