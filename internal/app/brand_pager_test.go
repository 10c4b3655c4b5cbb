package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/brand"
	"hongdun/internal/platform/auth"
)

// The brand list and the gallery page with the shared pager: the next page
// keeps the filters and the size, the list's export holds exactly the
// filtered brands, bad paging is refused and another 分局's organisation
// is a 404 (the gallery is the whole bureau's: no outsider).
func TestBrandListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		root, a, branch, other := e.Account(auth.OrgAdmin, b.Root, 0), e.Account(auth.OrgAdmin, b.A, 0), e.Account(auth.OrgAdmin, b.ABranch, 0),
			e.Account(auth.OrgAdmin, b.B, 0)
		do := func(c *apptest.Client, method, path string, in map[string]any, out *brand.Brand) {
			t.Helper()
			if st := c.Do(method, path, in, out); st != 200 && st != 201 {
				t.Fatalf("%s %s: %d %s", method, path, st, c.Body())
			}
		}
		create := func(c *apptest.Client, org int64, kind, name string) brand.Brand {
			var br brand.Brand
			do(c, "POST", "/api/v1/brands", map[string]any{"org_id": org, "kind": kind, "name": name, "slogan": "党建引领", "about": "内涵",
				"practice": "做法", "results": "成效"}, &br)
			return br
		}
		for i := range 7 {
			br := create(branch, b.ABranch, "method", fmt.Sprintf("雁塔工作法%d", i))
			path := fmt.Sprintf("/api/v1/brands/%d", br.ID)
			do(branch, "PUT", path, map[string]any{"version": br.Version, "submit": true, "org_id": b.ABranch, "kind": "method", "name": br.Name,
				"slogan": "党建引领", "about": "内涵", "practice": "做法", "results": "成效"}, &br)
			do(a, "POST", path+"/review", map[string]any{"version": br.Version, "approve": true, "note": "特色鲜明"}, &br)
			do(root, "POST", path+"/feature", map[string]any{"version": br.Version, "featured": true}, &br)
		}
		create(branch, b.ABranch, "brand", "雁塔品牌")
		create(e.Account(auth.OrgAdmin, b.BBranch, 0), b.BBranch, "method", "碑林工作法")

		root.CheckList(apptest.List{Path: "/brands", Filters: fmt.Sprintf("org=%d&kind=method", b.A), Row: `<tr data-brand=`, Export: `id="brand-export"`,
			Marker: "雁塔工作法", Total: 7, PerPage: 3, Others: []string{"雁塔品牌", "碑林"}}, other)
		other.CheckList(apptest.List{Path: "/brands/gallery", Filters: "kind=method", Row: `<a class="brand-card"`, Total: 7, PerPage: 3}, nil)
	})
}
