package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// bTodo posts a 待办 to the account of B's 党务管理员 and returns its id.
func bTodo(t *testing.T, f *Fixture) int64 {
	ctx := context.Background()
	b := f.E.Account(auth.OrgAdmin, f.B, 0)
	var me struct{ ID int64 }
	b.Expect(200, "GET", "/api/v1/me", nil, &me)
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) error {
		return todo.Post(ctx, tx, todo.Item{Source: "test.scope", Key: "b", OrgID: f.BBranch, AccountID: me.ID, Title: "乙的待办"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := f.E.DB.QueryRowContext(ctx, "SELECT id FROM todos WHERE dedup_key = 'b'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func init() {
	scoped("GET /todos", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/todos?org=%d", f.B), nil
	})
	scoped("GET /api/v1/todos", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/api/v1/todos?org=%d", f.BBranch), nil
	})
	scoped("GET /todos.xlsx", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/todos.xlsx?org=%d", f.B), nil
	})
	exempt("GET /api/v1/todos/urgency", "只统计调用者本人可见的待办（管辖范围和本人账号），不接受组织参数")
	scoped("POST /todos/{id}/done", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/todos/%d/done", bTodo(t, f)), nil
	})
	scoped("POST /api/v1/todos/{id}/done", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/todos/%d/done", bTodo(t, f)), nil
	})
}
