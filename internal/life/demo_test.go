package life_test

import (
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau is in the middle of its year: most branches held every
// meeting that has come due, some missed one, and the misses are 待办.
func TestDemoHasCompliantAndOverdueBranches(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-05-20")
	e.Demo(demo.Options{Seed: 1, Members: 2000}, life.SeedDemo)
	root := e.Root()
	var ov life.Overview
	c := e.Account(auth.OrgAdmin, root, 0)
	c.Expect(200, "GET", "/api/v1/meetings/compliance?year=2026&per_page=200", nil, &ov)
	clean, late := 0, 0
	for _, r := range ov.Items {
		if r.Overdue == 0 {
			clean++
		} else {
			late++
		}
	}
	if clean == 0 || late == 0 || clean < late {
		t.Fatalf("%d compliant and %d overdue branches of %d", clean, late, ov.Branches)
	}
	if st := c.Do("GET", "/api/v1/meetings/compliance?year=2026&quarter=1&missing=congress", nil, &ov); st != 200 || ov.Total == 0 {
		t.Fatalf("nobody missed Q1's 党员大会: %d %d", st, ov.Total)
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.due' AND severity = 'bad' AND done_at IS NULL"); n == 0 {
		t.Fatal("no overdue 待办")
	}
	if n := e.Count("SELECT COUNT(*) FROM life_meetings WHERE held_on = '2026-05-20' AND counts = 0"); n != 1 {
		t.Fatalf("%d meetings held today waiting for check-in", n)
	}
}
