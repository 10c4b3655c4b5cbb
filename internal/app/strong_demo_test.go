package app_test

import (
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
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-05-20")
	e.Demo(demo.Options{Seed: 1, Members: 1500}, life.SeedDemo, honour.SeedDemo, strong.SeedDemo)
	root := e.Root()
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
