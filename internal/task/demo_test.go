package task_test

import (
	"context"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
	"hongdun/internal/task"
)

// In November the demo bureau has a 擂台 round for each quarter ended:
// the first two published (the second, judged, compared with the first),
// the third judged and open, with marks missing for a few 书记 and its 待办.
func TestDemoRoundsWithHistory(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	e.App.Now = func() time.Time { return time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) }
	e.Demo(demo.Options{Seed: 1, Members: 1500}, task.SeedDemo)
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM task_rounds WHERE state = 'closed' AND judged = 0":                                                     1,
		"SELECT COUNT(*) FROM task_rounds WHERE state = 'closed' AND judged = 1 AND period = 'Q2'":                                   1,
		"SELECT COUNT(*) FROM task_rounds WHERE state = 'open' AND judged = 1 AND period = 'Q3'":                                     1,
		"SELECT COUNT(*) FROM task_rounds WHERE period = 'Q2' AND prev_round_id IS NOT NULL":                                         1,
		"SELECT COUNT(*) FROM todos WHERE source = 'task.round' AND done_at IS NULL":                                                 1,
		"SELECT COUNT(DISTINCT judge_id) FROM task_round_marks WHERE round_id = (SELECT id FROM task_rounds WHERE period = 'Q3')":    2,
		"SELECT COUNT(*) FROM task_round_standings s JOIN task_rounds r ON r.id = s.round_id WHERE r.period = 'Q3' AND s.judges = 0": 3,
	} {
		if n := e.Count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM task_round_standings s JOIN task_rounds r ON r.id = s.round_id WHERE r.period = 'Q2' AND s.prev_place IS NOT NULL"); n < 10 {
		t.Errorf("only %d contestants of Q2 compared with Q1", n)
	}
	// The 工作要点: business points beside party items, most items linked.
	wp, err := task.Plan(ctx, e.DB, scope.All(), 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range wp.Lines {
		if l.Line != "other" && len(l.Points) == 0 {
			t.Errorf("no business point for %s", l.Label)
		}
	}
	if wp.Linked == 0 || wp.Share < 50 {
		t.Errorf("%d of %d demo items linked to business", wp.Linked, wp.Total)
	}
}
