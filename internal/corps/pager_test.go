package corps_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/corps"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The roster and the nominations page with the shared pager: the next page
// keeps the filters and the page size, the export holds every filtered row
// (and no other), bad paging is refused in Chinese, and an organisation
// outside the caller's scope is a 404 that lists nothing.
func TestListsPageFilterAndExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		at(e, "2026-05-20")
		b := e.Bureau()
		branchB := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branchA := e.Account(auth.OrgAdmin, b.ABranch, 0)
		adminB := e.Account(auth.OrgAdmin, b.B, 0)
		appoint := func(c *apptest.Client, org int64, name, duty string) int64 {
			t.Helper()
			person := e.Person(dbtest.Person{Org: org, Name: name, Category: "民警", Status: "full", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			var w corps.Worker
			if st := c.Do("POST", "/api/v1/party-workers", map[string]any{"person_id": person, "org_id": org, "post": "clerk", "duty": duty,
				"appointed_on": "2020-03-01"}, &w); st != http.StatusCreated {
				t.Fatalf("appoint %s: %d %s", name, st, c.Body())
			}
			return w.ID
		}
		// A branch nominates one a year: five branches of B nominate.
		for i := range 5 {
			branch := b.BBranch
			if i > 0 {
				branch = e.Org(b.B, fmt.Sprintf("乙分局第%d派出所党支部", i), "branch")
			}
			w := appoint(adminB, branch, fmt.Sprintf("乙干事%d", i), "part")
			if st := adminB.Do("POST", "/api/v1/party-worker-nominations", map[string]any{"year": 2026, "worker_id": w, "deeds": "扎实推进支部标准化建设"}, nil); st != http.StatusCreated {
				t.Fatalf("nominate %d: %d %s", i, st, adminB.Body())
			}
		}
		// Rows the filters leave out: a 专职 worker of B, another branch's worker.
		appoint(branchB, b.BBranch, "乙专职", "full")
		appoint(branchA, b.ABranch, "甲干事", "part")

		for _, l := range []struct {
			path, filters, row, export string
		}{
			{"/corps", fmt.Sprintf("org=%d&duty=part", b.B), `<tr id="worker-`, `id="corps-export"`},
			{"/corps/nominations", fmt.Sprintf("org=%d&year=2026", b.B), `<tr id="nomination-`, `id="nominations-export"`},
		} {
			filters, _ := url.ParseQuery(l.filters)
			keeps := func(q url.Values, what string) {
				t.Helper()
				for k := range filters {
					if q.Get(k) != filters.Get(k) {
						t.Errorf("%s: %s lost %s=%s: %v", l.path, what, k, filters.Get(k), q)
					}
				}
				if q.Get("per_page") != "2" || q.Has("page") != (what == "the next page") {
					t.Errorf("%s: %s: %v", l.path, what, q)
				}
			}
			rows := func(q string) int {
				t.Helper()
				if st := adminB.Do("GET", l.path+"?"+q, nil, nil); st != http.StatusOK {
					t.Fatalf("GET %s?%s: %d", l.path, q, st)
				}
				return strings.Count(adminB.Body(), l.row)
			}
			if n := rows(l.filters + "&per_page=2"); n != 2 || !strings.Contains(adminB.Body(), `data-total="5"`) {
				t.Fatalf("%s page 1: %d rows, want 2 of 5", l.path, n)
			}
			next, export := adminB.Link(`rel="next"`).Query(), adminB.Link(l.export)
			keeps(next, "the next page")
			keeps(export.Query(), "the export")
			if n := rows(next.Encode()); n != 2 || next.Get("page") != "2" || !strings.Contains(adminB.Body(), `rel="prev"`) {
				t.Errorf("%s page 2: %d rows", l.path, n)
			}
			if st := adminB.Do("GET", export.String(), nil, nil); st != http.StatusOK || export.Path != l.path+"/export" {
				t.Fatalf("%s: %d %s", export, st, adminB.Body())
			}
			if n, others := adminB.Exported("乙干事"), adminB.Exported("乙专职")+adminB.Exported("甲干事"); n != 5 || others != 0 {
				t.Errorf("%s holds %d rows, want 5 (and %d others)", export, n, others)
			}

			for _, bad := range []struct {
				q, msg string
				st     int
			}{{"page=0", "页码应在 1 至", 422}, {"per_page=500", "每页条数应在 1 至 200 之间", 422}, {"page=abc", "页码应为整数", 400}} {
				if st := adminB.Do("GET", l.path+"?"+l.filters+"&"+bad.q, nil, nil); st != bad.st || !strings.Contains(adminB.Body(), bad.msg) {
					t.Errorf("%s?%s: %d, want %d saying %s", l.path, bad.q, st, bad.st, bad.msg)
				}
			}
			for _, p := range []string{l.path, l.path + "/export"} {
				if st := branchA.Do("GET", p+"?"+l.filters, nil, nil); st != http.StatusNotFound || strings.Contains(branchA.Body(), "乙干事") {
					t.Errorf("%s for another 分局: %d", p, st)
				}
			}
		}

		// The nominations page shows this year by default: its links and its export name it.
		if st := adminB.Do("GET", "/corps/nominations?per_page=2", nil, nil); st != http.StatusOK {
			t.Fatalf("nominations: %d", st)
		}
		if y := adminB.Link(`id="nominations-export"`).Query().Get("year"); y != "2026" {
			t.Errorf("the export of this year's nominations names the year %q", y)
		}
	})
}
