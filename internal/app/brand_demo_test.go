package app_test

import (
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/brand"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau has featured brands with photos and adopters, and
// branch brands at every state.
func TestDemoBrands(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-05-20")
	e.Demo(demo.Options{Seed: 1, Members: 1500}, brand.SeedDemo)
	root := e.Root()
	c := e.Account(auth.OrgAdmin, root, 0)
	var g, all brand.List
	c.Do("GET", "/api/v1/brands/gallery", nil, &g)
	if g.Total != 3 || g.Items[0].Cover() == nil || g.Items[0].Adopters == 0 {
		t.Fatalf("gallery: %d featured, %+v", g.Total, g.Items)
	}
	c.Do("GET", "/api/v1/brands?per_page=200", nil, &all)
	states := map[string]int{}
	for _, b := range all.Items {
		states[b.State]++
	}
	if states[brand.Draft] == 0 || states[brand.Submitted] == 0 || states[brand.Returned] == 0 || states[brand.Approved] != 4 {
		t.Fatalf("states %v", states)
	}
}
