package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The rounds page with the shared pager: the next page keeps the filters
// and the size, the export holds exactly the filtered rounds, bad paging
// is refused and another bureau's organisation is a 404.
func TestRoundsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := appraisalSetup(t, e)
		e.At("2026-01-05")
		open := func(c *apptest.Client, org int64, year int) {
			t.Helper()
			if st := c.Do("POST", "/api/v1/appraisals", map[string]any{"org_id": org, "year": year, "started_on": "2026-01-05",
				"self_due": "2026-01-10", "vote_due": "2026-01-20", "rate_due": "2026-01-31"}, nil); st != 201 {
				t.Fatalf("open: %d %s", st, c.Body())
			}
		}
		root := e.Account(auth.OrgAdmin, b.root, 0)
		for i := range 7 {
			id := e.Org(b.root, fmt.Sprintf("城关%d所党支部", i), "branch")
			for j := range 2 {
				e.Person(dbtest.Person{Org: id, Name: fmt.Sprintf("民警%d%d", i, j), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			}
			open(root, id, 2025)
		}
		open(root, b.id, 2026)
		e.Person(dbtest.Person{Org: b.other, Name: "庚", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		outsider := e.Account(auth.OrgAdmin, b.other, 0)
		open(outsider, b.other, 2025)
		root.CheckList(apptest.List{Path: "/appraisals", Filters: fmt.Sprintf("org=%d&year=2025", b.root), Row: `<tr data-round=`, Export: `id="appraisal-export"`,
			Marker: "城关", Total: 7, PerPage: 3, Others: []string{"外局", "城关派出所"}}, outsider)
	})
}
