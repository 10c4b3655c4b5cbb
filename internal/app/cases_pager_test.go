package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// Each list of the 案例库 pages with the shared pager: the next page keeps
// the filters and the page size, the export holds every filtered row (and
// no other), bad paging is refused in Chinese, and an organisation outside
// the caller's scope is a 404 that lists nothing.
func TestCasesListsPageFilterAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-06-10")
		b := e.Bureau()
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		branch := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branchA := e.Account(auth.OrgAdmin, b.ABranch, 0)
		post := func(c *apptest.Client, path string, in map[string]any) {
			t.Helper()
			c.Expect(http.StatusCreated, "POST", path, in, nil)
		}
		for i := range 7 {
			post(branch, "/api/v1/study-visits", map[string]any{"org_id": b.BBranch, "host": "文艺路派出所", "topic": fmt.Sprintf("乙观摩%d", i),
				"visited_on": fmt.Sprintf("2026-05-%02d", i+1), "participants": "全体党员", "takeaways": "学到了"})
			post(branch, "/api/v1/cases", map[string]any{"org_id": b.BBranch, "title": fmt.Sprintf("乙案例%d", i), "origin": "internal", "source": "本支部",
				"problem": "问题", "practice": "做法", "effect": "成效"})
			if i < 5 {
				post(branch, "/api/v1/pairings", map[string]any{"org_id": b.BBranch, "partner": fmt.Sprintf("乙结对%d", i), "goal": "提升", "started_on": "2026-03-01"})
			}
		}
		// Rows the filters leave out: another year, another origin, another branch.
		post(branch, "/api/v1/study-visits", map[string]any{"org_id": b.BBranch, "host": "文艺路派出所", "topic": "乙观摩去年",
			"visited_on": "2025-05-01", "participants": "全体党员", "takeaways": "学到了"})
		post(branch, "/api/v1/cases", map[string]any{"org_id": b.BBranch, "title": "乙外地经验", "origin": "external", "source": "外省",
			"problem": "问题", "practice": "做法", "effect": "成效"})
		post(branchA, "/api/v1/pairings", map[string]any{"org_id": b.ABranch, "partner": "甲结对", "goal": "提升", "started_on": "2026-03-01"})

		for _, l := range []apptest.List{
			{Path: "/cases/visits", Filters: fmt.Sprintf("org=%d&year=2026", b.BBranch), Row: `<tr id="visit-`, Export: `id="visits-export"`, Marker: "乙观摩", Total: 7, Others: []string{"乙观摩去年"}},
			{Path: "/cases", Filters: fmt.Sprintf("org=%d&origin=internal", b.BBranch), Row: `<tr id="case-`, Export: `id="cases-export"`, Marker: "乙案例", Total: 7, Others: []string{"乙外地经验"}},
			{Path: "/cases/pairings", Filters: fmt.Sprintf("org=%d", b.BBranch), Row: `<tr id="pairing-`, Export: `id="pairings-export"`, Marker: "乙结对", Total: 5, Others: []string{"甲结对"}},
		} {
			l.PerPage = 3
			root.CheckList(l, branchA)
		}
	})
}
