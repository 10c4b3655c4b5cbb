package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The board's 支部得分 page with the shared pager: the next page keeps the
// filters and the size, the export holds exactly the filtered branches,
// bad paging is refused and another 分局's organisation is a 404.
func TestBoardPagesWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		for i := range 5 {
			e.Person(dbtest.Person{Org: e.Org(b.A, fmt.Sprintf("甲分局%d所党支部", i+1), "branch"), Name: fmt.Sprintf("丙%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		}
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		openRound(t, root, 2026, "2026-06-30", "2026-07-15")
		root.CheckList(apptest.List{Path: "/strong", Filters: fmt.Sprintf("year=2026&org=%d", b.A), Row: `<tr id="entry-`, Export: `id="strong-export"`,
			Marker: "甲分局", Total: 7, PerPage: 3, Others: []string{"乙分局"}}, e.Account(auth.OrgAdmin, b.B, 0))
	})
}
