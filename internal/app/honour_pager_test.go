package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The 表彰 list and the 纪念章 list page with the shared pager: the next
// page keeps the filters and the page size, the export holds every
// filtered row (and no other), bad paging is refused in Chinese, and an
// organisation outside the caller's scope is a 404 that lists nothing.
func TestHonourListsPageFilterAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := honourNewBureau(t, e)
		for i := range 7 {
			p := b.person(t, b.aBranch, fmt.Sprintf("甲党员%d", i), "full", "1970-01-01")
			b.adminA.Expect(http.StatusCreated, "POST", "/api/v1/honours", map[string]any{"kind": "person", "person_id": p, "title": "优秀共产党员", "issuer_id": 14,
				"awarded_on": fmt.Sprintf("2025-06-%02d", i+1)}, nil)
		}
		// Rows the filters leave out: a unit's honour, and another 分局's person and honour.
		b.adminA.Expect(http.StatusCreated, "POST", "/api/v1/honours", map[string]any{"kind": "unit", "org_id": b.aBranch, "title": "先进基层党组织", "issuer_id": 14,
			"awarded_on": "2025-06-30"}, nil) // unit honour
		other := b.person(t, b.bBranch, "乙党员", "full", "1970-01-01")
		b.admin.Expect(http.StatusCreated, "POST", "/api/v1/honours", map[string]any{"kind": "person", "person_id": other, "title": "优秀共产党员", "issuer_id": 14,
			"awarded_on": "2025-06-01"}, nil) // B's honour
		adminB := e.Account(auth.OrgAdmin, b.b, 0)

		for _, l := range []apptest.List{
			{Path: "/honours", Filters: fmt.Sprintf("org=%d&kind=person", b.a), Row: `<tr id="honour-`, Export: `id="honour-export"`, Marker: "甲党员", Total: 7, PerPage: 3, Others: []string{"乙党员", "先进基层党组织"}},
			{Path: "/medals", Filters: fmt.Sprintf("org=%d&year=2026", b.a), Row: `<tr id="medal-`, Export: `id="medal-export"`, Marker: "甲党员", Total: 7, PerPage: 3, Others: []string{"乙党员", "先进基层党组织"}},
		} {
			b.adminA.CheckList(l, adminB)
		}
	})
}
