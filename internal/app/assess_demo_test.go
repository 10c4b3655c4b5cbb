package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/assess"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

// In November the demo bureau's assessment is published and scored in
// part, with 述职 reviewed and pending, and innovations at every stage:
// on the 容错 list, one failed and ruled 容错免责 (no penalty), successes
// credited.
func TestDemoAssessment(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	e.At("2026-11-20")
	e.Demo(demo.Options{Seed: 1, Members: 1500}, task.SeedDemo, assess.SeedDemo)
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM assess_sets WHERE state = 'published'":                                            1,
		"SELECT COUNT(*) FROM assess_innovations WHERE state = 'failed' AND ruling = 'exempt'":                  1,
		"SELECT COUNT(*) FROM assess_innovations WHERE state = 'succeeded' AND ruling = 'credit'":               2,
		"SELECT COUNT(*) FROM assess_innovations WHERE state = 'accepted'":                                      1,
		"SELECT COUNT(*) FROM assess_innovations WHERE state = 'registered'":                                    1,
		"SELECT COUNT(*) FROM assess_innovations WHERE state = 'refused'":                                       1,
		"SELECT COUNT(*) FROM assess_innovations WHERE tried_from < reviewed_on OR reviewed_on < registered_on": 0,
	} {
		if n := e.Count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM assess_reports WHERE grade <> ''"); n == 0 {
		t.Error("no 述职 reviewed")
	}
	root := e.Root()
	var set int64
	if err := e.DB.QueryRowContext(ctx, "SELECT id FROM assess_sets").Scan(&set); err != nil {
		t.Fatal(err)
	}
	var sh assess.Sheet
	c := e.Account(auth.OrgAdmin, root, 0)
	if st := c.Do("GET", fmt.Sprintf("/api/v1/assess-sets/%d/results?per_page=200", set), nil, &sh); st != 200 || sh.Ranked < 20 {
		t.Fatalf("results: %d %d", st, sh.Ranked)
	}
	credited, exempted := 0, 0
	for _, r := range sh.Items {
		if r.Credit > 0 {
			credited++
		}
		exempted += r.Exempted
		if r.Total <= 0 || r.Total > 105 {
			t.Errorf("%s: total %v", r.Name, r.Total)
		}
	}
	if credited == 0 || exempted != 1 {
		t.Errorf("%d credited, %d exempted", credited, exempted)
	}
}
