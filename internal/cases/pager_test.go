package cases_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// Each list of the 案例库 pages with the shared pager: the next page keeps
// the filters and the page size, the export holds every filtered row (and
// no other), bad paging is refused in Chinese, and an organisation outside
// the caller's scope is a 404 that lists nothing.
func TestListsPageFilterAndExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		at(e, "2026-06-10")
		b := e.Bureau()
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		branch := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branchA := e.Account(auth.OrgAdmin, b.ABranch, 0)
		post := func(c *apptest.Client, path string, in map[string]any) {
			t.Helper()
			if st := c.Do("POST", path, in, nil); st != http.StatusCreated {
				t.Fatalf("POST %s: %d %s", path, st, c.Body())
			}
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

		for _, l := range []struct {
			path, filters, row, export, marker string
			total                              int
		}{
			{"/cases/visits", fmt.Sprintf("org=%d&year=2026", b.BBranch), `<tr id="visit-`, `id="visits-export"`, "乙观摩", 7},
			{"/cases", fmt.Sprintf("org=%d&origin=internal", b.BBranch), `<tr id="case-`, `id="cases-export"`, "乙案例", 7},
			{"/cases/pairings", fmt.Sprintf("org=%d", b.BBranch), `<tr id="pairing-`, `id="pairings-export"`, "乙结对", 5},
		} {
			filters, _ := url.ParseQuery(l.filters)
			keeps := func(q url.Values, what string) {
				t.Helper()
				for k := range filters {
					if q.Get(k) != filters.Get(k) {
						t.Errorf("%s: %s lost %s=%s: %v", l.path, what, k, filters.Get(k), q)
					}
				}
				if q.Get("per_page") != "3" {
					t.Errorf("%s: %s lost per_page: %v", l.path, what, q)
				}
			}
			rows := func(q string) int {
				t.Helper()
				if st := root.Do("GET", l.path+"?"+q, nil, nil); st != http.StatusOK {
					t.Fatalf("GET %s?%s: %d", l.path, q, st)
				}
				return strings.Count(root.Body(), l.row)
			}
			if n := rows(l.filters + "&per_page=3"); n != 3 || !strings.Contains(root.Body(), fmt.Sprintf(`data-total="%d"`, l.total)) {
				t.Fatalf("%s page 1: %d rows, want 3 of %d", l.path, n, l.total)
			}
			next, export := root.Link(`rel="next"`).Query(), root.Link(l.export)
			keeps(next, "the next page")
			keeps(export.Query(), "the export")
			if next.Get("page") != "2" || export.Query().Has("page") || export.Path != l.path+"/export" {
				t.Errorf("%s: next %v, export %s", l.path, next, export)
			}
			if n := rows(next.Encode()); n != min(3, l.total-3) || !strings.Contains(root.Body(), `rel="prev"`) {
				t.Errorf("%s page 2: %d rows", l.path, n)
			}
			if st := root.Do("GET", export.String(), nil, nil); st != http.StatusOK {
				t.Fatalf("%s: %d %s", export, st, root.Body())
			}
			if n := root.Exported(l.marker); n != l.total {
				t.Errorf("%s holds %d rows, want %d", export, n, l.total)
			}

			for _, bad := range []struct {
				q, msg string
				st     int
			}{{"page=0", "页码应在 1 至", 422}, {"per_page=500", "每页条数应在 1 至 200 之间", 422}, {"page=abc", "页码应为整数", 400}} {
				if st := root.Do("GET", l.path+"?"+l.filters+"&"+bad.q, nil, nil); st != bad.st || !strings.Contains(root.Body(), bad.msg) {
					t.Errorf("%s?%s: %d, want %d saying %s", l.path, bad.q, st, bad.st, bad.msg)
				}
			}
			for _, p := range []string{l.path, l.path + "/export"} {
				if st := branchA.Do("GET", p+"?"+l.filters, nil, nil); st != http.StatusNotFound || strings.Contains(branchA.Body(), l.marker) {
					t.Errorf("%s for another branch's organisation: %d", p, st)
				}
			}
		}
	})
}
