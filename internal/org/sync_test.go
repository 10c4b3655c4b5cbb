package org

import (
	"context"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/todo"
)

// TestSyncTodosWritesDifferences: new and changed warnings are posted, a
// closed one that applies again reopens, stale ones close, and the rest
// stay as they are.
func TestSyncTodosWritesDifferences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		plantTree(t, d, 1, 1, 0)
		item := func(key, detail string) todo.Item {
			return todo.Item{Source: TodoSource, Key: key, OrgID: 1, Title: "「市公安局党委」书记空缺", Detail: detail, Link: "/orgs/1", Severity: "warn"}
		}
		sync := func(items ...todo.Item) {
			t.Helper()
			if err := d.InTx(ctx, func(tx *db.Tx) error { return syncTodos(ctx, tx, items) }); err != nil {
				t.Fatal(err)
			}
		}
		sync(item("a", "一"), item("b", "一"), item("c", "一"))
		if _, err := d.ExecContext(ctx, "UPDATE todos SET done_at = 1 WHERE dedup_key = 'c'"); err != nil {
			t.Fatal(err)
		}
		sync(item("a", "一"), item("b", "二"), item("c", "一"), item("d", "一"))
		sync(item("b", "二"), item("c", "一"), item("d", "一"))
		open, err := openWarnings(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 3 || open["b"].Detail != "二" || open["c"] != item("c", "一") || open["d"] != item("d", "一") {
			t.Fatalf("open 待办 %+v", open)
		}
		var closed int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM todos WHERE dedup_key = 'a' AND done_at IS NOT NULL").Scan(&closed); err != nil || closed != 1 {
			t.Fatalf("stale warning closed: %d %v", closed, err)
		}
	})
}
