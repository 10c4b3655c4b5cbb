package strong_test

import (
	"context"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/honour"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/strong"
)

// The demo bureau has last year's results published, this year's round
// under way with branches at every stage, a spread of levels, and titles.
func TestDemoRounds(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	at(e, "2026-05-20")
	if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 1, Members: 1500, Password: "Demo-Pass-2026!"}); err != nil {
		t.Fatal(err)
	}
	for _, seed := range []func(context.Context, *apptest.Env) error{
		func(ctx context.Context, e *apptest.Env) error { return life.SeedDemo(ctx, e.App.Deps) },
		func(ctx context.Context, e *apptest.Env) error { return honour.SeedDemo(ctx, e.App.Deps) },
		func(ctx context.Context, e *apptest.Env) error { return strong.SeedDemo(ctx, e.App.Deps) },
	} {
		if err := seed(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var root int64
	if err := e.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE parent_id IS NULL").Scan(&root); err != nil {
		t.Fatal(err)
	}
	c := e.Account(auth.OrgAdmin, root, 0)
	var last, now strong.Board
	c.Do("GET", "/api/v1/strong/entries?year=2025&per_page=200", nil, &last)
	c.Do("GET", "/api/v1/strong/entries?year=2026&per_page=200", nil, &now)
	if last.Round == nil || last.Round.State != strong.Closed || now.Round == nil || now.Round.State != strong.Open {
		t.Fatalf("rounds %+v %+v", last.Round, now.Round)
	}
	levels := map[string]int{}
	for _, en := range last.Items {
		levels[en.Level]++
	}
	if levels["未达标"] == 0 || levels["达标"] == 0 || levels["市级最强党支部"]+levels["省级最强党支部"] == 0 {
		t.Fatalf("2025 levels %v", levels)
	}
	states := map[string]int{}
	for _, en := range now.Items {
		states[en.State]++
	}
	if states[strong.Draft] == 0 || states[strong.Submitted] == 0 || states[strong.Reviewed] == 0 {
		t.Fatalf("2026 states %v", states)
	}
	var ts strong.Titles
	if st := c.Do("GET", "/api/v1/strong/titles", nil, &ts); st != 200 || ts.Branches != 2 || len(ts.Items) != 3 {
		t.Fatalf("titles: %d %+v", st, ts)
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source IN ('strong.self', 'strong.review') AND done_at IS NULL"); n == 0 {
		t.Fatal("no 待办")
	}
}
