package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The posts and the commitments page with the shared pager: the next page
// keeps the filters and the size, each export holds exactly the filtered
// rows, bad paging is refused and another bureau's organisation is a 404.
func TestPioneerListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pioneerSetup(t, e)
		e.At("2026-03-10")
		admin, outsider := e.Account(auth.OrgAdmin, b.root, 0), e.Account(auth.OrgAdmin, b.other, 0)
		post := func(c *apptest.Client, path string, in map[string]any) {
			t.Helper()
			if st := c.Do("POST", path, in, nil); st != 200 && st != 201 {
				t.Fatalf("POST %s: %d %s", path, st, c.Body())
			}
		}
		place := func(c *apptest.Client, org int64, kind, name string) {
			post(c, "/api/v1/pioneer/posts", map[string]any{"org_id": org, "kind": kind, "name": name, "duty": "一窗通办", "place": "办证大厅", "set_on": "2026-01-05"})
		}
		for i := range 7 {
			place(admin, b.id, "model", fmt.Sprintf("雁塔示范岗%d", i))
			p := e.Person(dbtest.Person{Org: b.id, Name: fmt.Sprintf("雁塔民警%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			post(admin, "/api/v1/commitments", map[string]any{"person_id": p, "year": 2026, "tasks": fmt.Sprintf("雁塔承诺%d", i), "goals": "发案下降"})
		}
		place(admin, b.id, "vanguard", "城关先锋岗")
		place(outsider, b.other, "model", "外局示范岗")
		post(outsider, "/api/v1/commitments", map[string]any{"person_id": b.outsider, "year": 2026, "tasks": "外局承诺", "goals": "发案下降"})

		for _, l := range []apptest.List{
			{Path: "/pioneer", Filters: fmt.Sprintf("org=%d&kind=model", b.root), Row: `<tr data-post=`, Export: `id="post-export"`, Marker: "雁塔示范岗",
				Total: 7, Others: []string{"城关先锋岗", "外局"}},
			{Path: "/pioneer/commitments", Filters: fmt.Sprintf("org=%d&year=2026", b.root), Row: `<tr data-commitment=`, Export: `id="commit-export"`,
				Marker: "雁塔承诺", Total: 7, Others: []string{"外局"}},
		} {
			l.PerPage = 3
			admin.CheckList(l, outsider)
		}
	})
}
