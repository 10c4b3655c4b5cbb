package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/assess"
	"hongdun/internal/platform/auth"
)

// The 创新事项 list pages with the shared pager, and its export holds
// exactly the rows of its filters.
func TestInnovationsPageFilterAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-06-10")
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

// A set's results and an indicator's scoring sheet page with the shared
// pager; the results' export holds exactly the organisations of the filter.
func TestResultsAndScoringPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-11-10")
		b := e.Bureau()
		for i := range 7 {
			e.Org(b.B, fmt.Sprintf("乙分局%d所党支部", i+1), "branch")
		}
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		adminA := e.Account(auth.OrgAdmin, b.A, 0)
		var set assess.Set
		if st := root.Do("POST", "/api/v1/assess-sets", map[string]any{"org_id": b.Root, "year": 2026, "kind": "branches", "title": "2026年度党支部考评", "standard": true}, &set); st != 201 {
			t.Fatalf("create: %d %s", st, root.Body())
		}
		if st := root.Do("POST", fmt.Sprintf("/api/v1/assess-sets/%d/publish", set.ID), map[string]int{"version": set.Version}, &set); st != 200 {
			t.Fatalf("publish: %d %s", st, root.Body())
		}
		root.CheckList(apptest.List{Path: fmt.Sprintf("/assess/sets/%d", set.ID), Filters: fmt.Sprintf("org=%d", b.B), Row: `<tr id="result-`,
			Export: `id="results-export"`, Marker: "乙分局", Total: 8, PerPage: 3, Others: []string{"甲分局"}}, adminA)
		var scored int64
		for _, ind := range set.Indicators {
			if ind.Kind == assess.Scored {
				scored = ind.ID
			}
		}
		sheet := fmt.Sprintf("/assess/sets/%d/indicators/%d", set.ID, scored)
		root.CheckList(apptest.List{Path: sheet, Row: `<tr id="score-`, Total: 9, PerPage: 4}, adminA)
		// The sheet posts to its page's address: a refused save re-shows the
		// same page of the same size, its links to the sheet's pages.
		if st := root.Do("GET", sheet+"?per_page=4&page=2", nil, nil); st != 200 {
			t.Fatal(st)
		}
		action := regexp.MustCompile(`action="([^"]*)" id="score-sheet"`).FindStringSubmatch(root.Body())
		row := regexp.MustCompile(`<tr id="score-(\d+)"`).FindStringSubmatch(root.Body())
		if action == nil || row == nil {
			t.Fatalf("no sheet on page 2: %s", root.Body())
		}
		if st := root.PostForm(html.UnescapeString(action[1]), url.Values{"points_" + row[1]: {"999"}}); st != http.StatusBadRequest ||
			strings.Count(root.Body(), `<tr id="score-`) != 4 || !strings.Contains(root.Body(), "第 2 / 3 页") || root.Link(`rel="next"`).Path != sheet {
			t.Fatalf("a refused save from page 2 (%s): %d", action[1], st)
		}
	})
}
