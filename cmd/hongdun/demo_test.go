package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"hongdun/internal/app"
)

// `hongdun demo` leaves the database as a running server would: its
// periodic jobs have posted their 待办 and stored the year-end report's
// history, and the dashboard is saved, so the first start has nothing to post (at a million people it posted 180,000
// 待办 while its first users waited).
func TestDemoLeavesThePeriodicJobsDone(t *testing.T) {
	t.Setenv("HONGDUN_KEY", "")
	t.Setenv("HONGDUN_KEY_FILE", "")
	t.Setenv("HONGDUN_ADMIN_PASSWORD", "Demo-Test-2026!")
	t.Setenv("HONGDUN_DEMO_PASSWORD", "Demo-Test-2026!")
	dir := t.TempDir()
	ctx := context.Background()
	if err := demoCmd(ctx, []string{"--members", "2000", "--data", dir}); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	state := func() (todos, lastTodo, snapshot, history int) {
		t.Helper()
		err := a.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM todos), (SELECT COALESCE(MAX(id), 0) FROM todos),
			(SELECT COUNT(*) FROM stats_snapshot), (SELECT COUNT(*) FROM annual_snapshot)`).Scan(&todos, &lastTodo, &snapshot, &history)
		if err != nil {
			t.Fatal(err)
		}
		return todos, lastTodo, snapshot, history
	}
	todos, last, snapshot, history := state()
	if todos == 0 || snapshot == 0 || history == 0 {
		t.Fatalf("after the demo: %d 待办, %d rows of the dashboard's snapshot, %d of the report's history", todos, snapshot, history)
	}
	if err := a.RunPeriodic(ctx); err != nil {
		t.Fatal(err)
	}
	if n, l, _, _ := state(); n != todos || l != last {
		t.Fatalf("the first start's jobs posted 待办: %d (last id %d) after the demo, %d (last id %d) after the jobs", todos, last, n, l)
	}
}
