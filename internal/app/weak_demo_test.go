package app_test

import (
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/weak"
)

// The demo bureau has a rectification under way, one waiting for
// acceptance, one accepted, and last year's history.
func TestDemoCases(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-05-20")
	e.Demo(demo.Options{Seed: 1, Members: 1500}, life.SeedDemo, weak.SeedDemo)
	root := e.Root()
	var l weak.List
	if st := e.Account(auth.OrgAdmin, root, 0).Do("GET", "/api/v1/weak/cases?year=2026", nil, &l); st != 200 {
		t.Fatal(st)
	}
	if l.Counts[weak.Rectifying] != 1 || l.Counts[weak.Submitted] != 1 || l.Counts[weak.Accepted] != 1 {
		t.Fatalf("states %v", l.Counts)
	}
	earlier := 0
	for _, c := range l.Items {
		earlier += len(c.Earlier)
	}
	if earlier != 1 {
		t.Fatalf("%d cases with history", earlier)
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source IN ('weak.rectify', 'weak.accept') AND done_at IS NULL"); n != 2 {
		t.Fatalf("%d 待办", n)
	}
}
