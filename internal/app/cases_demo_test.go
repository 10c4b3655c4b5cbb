package app_test

import (
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/assess"
	"hongdun/internal/cases"
	"hongdun/internal/demo"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

// The demo library holds featured cases from outside and the credited
// innovations; visits are recorded; one pairing runs, one is quiet (with
// its 待办) and one has ended.
func TestDemoLibrary(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-11-20")
	e.Demo(demo.Options{Seed: 1, Members: 1500}, task.SeedDemo, assess.SeedDemo, cases.SeedDemo)
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM practice_cases WHERE origin = 'external' AND featured = 1":       2,
		"SELECT COUNT(*) FROM practice_cases WHERE innovation_id IS NOT NULL AND featured = 1": 2,
		"SELECT COUNT(*) FROM assess_innovations WHERE case_id IS NOT NULL":                    2,
		"SELECT COUNT(*) FROM study_visits":                                                    4,
		"SELECT COUNT(*) FROM pairings WHERE ended_on IS NOT NULL":                             1,
		"SELECT COUNT(*) FROM todos WHERE source = 'cases.pairing' AND done_at IS NULL":        1,
	} {
		if n := e.Count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}
