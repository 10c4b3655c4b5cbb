package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The elections page with the shared pager: the next page keeps the
// filters and the size, the export holds exactly the filtered elections
// (a row per candidate: the marker is each one's winner), bad paging is
// refused and another 分局's organisation is a 404.
func TestElectionsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-03-20")
		b := e.Bureau()
		record := func(c *apptest.Client, parent int64, name string) {
			t.Helper()
			branch := e.Org(parent, name+"党支部", "branch")
			var cands []map[string]any
			for i, n := range []string{name + "当选人", name + "候选人"} {
				id := e.Person(dbtest.Person{Org: branch, Name: n, JoinDate: "2010-01-01", FullDate: "2011-01-01"})
				cands = append(cands, map[string]any{"person_id": id, "votes": 2 - 2*i})
			}
			if st := c.Do("POST", "/api/v1/elections", map[string]any{"org_id": branch, "held_on": "2026-03-15", "seats": 1, "expected": 2, "present": 2,
				"issued": 2, "returned": 2, "invalid": 0, "candidates": cands}, nil); st != 201 {
				t.Fatalf("record %s: %d %s", name, st, c.Body())
			}
		}
		a, other := e.Account(auth.OrgAdmin, b.A, 0), e.Account(auth.OrgAdmin, b.B, 0)
		for i := range 7 {
			record(a, b.A, fmt.Sprintf("雁塔%d所", i))
		}
		record(other, b.B, "碑林所")
		a.CheckList(apptest.List{Path: "/elections", Filters: fmt.Sprintf("org=%d&year=2026", b.A), Row: `<tr data-election=`, Export: `id="election-export"`,
			Marker: "当选人", Total: 7, PerPage: 3, Others: []string{"碑林"}}, other)
	})
}
