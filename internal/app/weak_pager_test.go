package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The 整顿名单 and the 排查 page with the shared pager: the next page keeps
// the filters and the size, the export holds exactly the filtered cases,
// bad paging is refused and another 分局's organisation is a 404.
func TestWeakListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		root, other := e.Account(auth.OrgAdmin, b.Root, 0), e.Account(auth.OrgAdmin, b.B, 0)
		list := func(orgID int64, year int) {
			t.Helper()
			if st := root.Do("POST", "/api/v1/weak/cases", map[string]any{"org_id": orgID, "year": year, "triggers": []string{"divided"}, "problems": "班子不团结",
				"measures": "调整班子", "leader": "包联领导", "deadline": fmt.Sprintf("%d-11-30", year)}, nil); st != 201 {
				t.Fatalf("list: %d %s", st, root.Body())
			}
		}
		list(b.ABranch, 2026)
		for i := range 6 {
			list(e.Org(b.A, fmt.Sprintf("甲分局%d所党支部", i+1), "branch"), 2026)
		}
		list(b.BBranch, 2026)
		root.CheckList(apptest.List{Path: "/weak", Filters: fmt.Sprintf("year=2026&org=%d", b.A), Row: `<tr id="case-`, Export: `id="weak-export"`,
			Marker: "甲分局", Total: 7, PerPage: 3, Others: []string{"乙分局"}}, other)
		// Every branch of 甲分局 has no 书记 on record: the check flags all 7.
		root.CheckList(apptest.List{Path: "/weak/check", Filters: fmt.Sprintf("year=2026&org=%d", b.A), Row: `<tr id="candidate-`, Total: 7, PerPage: 3}, other)
	})
}
