package app_test

import (
	"fmt"
	"net/http"
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
func TestCorpsListsPageFilterAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		branchB := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branchA := e.Account(auth.OrgAdmin, b.ABranch, 0)
		adminB := e.Account(auth.OrgAdmin, b.B, 0)
		appoint := func(c *apptest.Client, org int64, name, duty string) int64 {
			t.Helper()
			person := e.Person(dbtest.Person{Org: org, Name: name, Category: "民警", Status: "full", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			var w corps.Worker
			c.Expect(http.StatusCreated, "POST", "/api/v1/party-workers", map[string]any{"person_id": person, "org_id": org, "post": "clerk", "duty": duty,
				"appointed_on": "2020-03-01"}, &w)
			return w.ID
		}
		// A branch nominates one a year: five branches of B nominate.
		for i := range 5 {
			branch := b.BBranch
			if i > 0 {
				branch = e.Org(b.B, fmt.Sprintf("乙分局第%d派出所党支部", i), "branch")
			}
			w := appoint(adminB, branch, fmt.Sprintf("乙干事%d", i), "part")
			adminB.Expect(http.StatusCreated, "POST", "/api/v1/party-worker-nominations", map[string]any{"year": 2026, "worker_id": w, "deeds": "扎实推进支部标准化建设"}, nil)
		}
		// Rows the filters leave out: a 专职 worker of B, another branch's worker.
		appoint(branchB, b.BBranch, "乙专职", "full")
		appoint(branchA, b.ABranch, "甲干事", "part")

		for _, l := range []apptest.List{
			{Path: "/corps", Filters: fmt.Sprintf("org=%d&duty=part", b.B), Row: `<tr id="worker-`, Export: `id="corps-export"`, Marker: "乙干事", Total: 5, PerPage: 2, Others: []string{"乙专职", "甲干事"}},
			{Path: "/corps/nominations", Filters: fmt.Sprintf("org=%d&year=2026", b.B), Row: `<tr id="nomination-`, Export: `id="nominations-export"`, Marker: "乙干事", Total: 5, PerPage: 2, Others: []string{"乙专职", "甲干事"}},
		} {
			adminB.CheckList(l, branchA)
		}

		// The nominations page shows this year by default: its links and its export name it.
		adminB.Expect(http.StatusOK, "GET", "/corps/nominations?per_page=2", nil, nil)
		if y := adminB.Link(`id="nominations-export"`).Query().Get("year"); y != "2026" {
			t.Errorf("the export of this year's nominations names the year %q", y)
		}
	})
}
