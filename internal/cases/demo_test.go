package cases_test

import (
	"context"
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
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	at(e, "2026-11-20")
	if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 1, Members: 1500, Password: "Demo-Pass-2026!"}); err != nil {
		t.Fatal(err)
	}
	for _, seed := range []func(context.Context, *apptest.Env) error{
		func(ctx context.Context, e *apptest.Env) error { return task.SeedDemo(ctx, e.App.Deps) },
		func(ctx context.Context, e *apptest.Env) error { return assess.SeedDemo(ctx, e.App.Deps) },
		func(ctx context.Context, e *apptest.Env) error { return cases.SeedDemo(ctx, e.App.Deps) },
	} {
		if err := seed(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
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
