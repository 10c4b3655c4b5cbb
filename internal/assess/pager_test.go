package assess_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The 创新事项 list pages with the shared pager, and its export holds
// exactly the rows of its filters.
func TestInnovationsPageFilterAndExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		at(e, "2026-06-10")
		b := e.Bureau()
		branch := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branchA := e.Account(auth.OrgAdmin, b.ABranch, 0)
		register := func(c *apptest.Client, org int64, title, start string) {
			t.Helper()
			if st := c.Do("POST", "/api/v1/innovations", map[string]any{"org_id": org, "title": title, "problem": "群众办事跑多次", "idea": "警格与网格联建",
				"expected": "办事一次办结", "risks": "协调成本高", "planned_start": start}, nil); st != http.StatusCreated {
				t.Fatalf("%s: %d %s", title, st, c.Body())
			}
		}
		for i := range 7 {
			register(branch, b.BBranch, fmt.Sprintf("乙创新%d", i), "2026-07-01")
		}
		register(branch, b.BBranch, "乙明年项目", "2027-02-01")
		register(branchA, b.ABranch, "甲项目", "2026-07-01")
		branch.CheckList(apptest.List{Path: "/assess/innovations", Filters: fmt.Sprintf("org=%d&year=2026", b.BBranch), Row: `<tr id="innovation-`,
			Export: `id="innovations-export"`, Marker: "乙创新", Total: 7, PerPage: 3, Others: []string{"乙明年项目", "甲项目"}}, branchA)
	})
}
