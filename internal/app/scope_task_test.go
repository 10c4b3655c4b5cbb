package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// taskUnderB publishes an item at B and gives B's branch a submitted copy.
func taskUnderB(t *testing.T, f *Fixture) (item, copy int64) {
	ctx := context.Background()
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		item, err = db.InsertID(ctx, tx, `INSERT INTO task_items (org_id, year, title, due_on, weight, created_at, updated_at)
			VALUES (?, 2026, '乙分局任务', '2026-06-30', 5, 0, 0)`, f.B)
		if err != nil {
			return err
		}
		copy, err = db.InsertID(ctx, tx, `INSERT INTO task_copies (item_id, org_id, dispatcher_org_id, starts_on, due_on, status, submitted_on, created_at, updated_at)
			VALUES (?, ?, ?, '2026-01-01', '2026-06-30', 'submitted', '2026-03-01', 0, 0)`, item, f.BBranch, f.B)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return item, copy
}

// roundUnderB is a judged 擂台比武 round organised by B, B's branch ranked.
func roundUnderB(t *testing.T, f *Fixture) int64 {
	ctx := context.Background()
	taskUnderB(t, f)
	var round int64
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		round, err = db.InsertID(ctx, tx, `INSERT INTO task_rounds (org_id, kind, year, period, starts_on, ends_on, judged, judge_weight, computed_at, created_at, updated_at)
			VALUES (?, 'branches', 2026, 'Q2', '2026-04-01', '2026-06-30', 1, 40, 0, 0, 0)`, f.B)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO task_round_standings (round_id, org_id, name, due, done, on_time, overdue, rate, score, final_score, place)
			VALUES (?, ?, '乙支部', 1, 0, 0, 1, 0, 0, 0, 1)`, round, f.BBranch)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return round
}

func init() {
	scoped("GET /api/v1/arena-rounds", func(t *testing.T, f *Fixture) (string, string, any) {
		roundUnderB(t, f)
		return "GET", fmt.Sprintf("/api/v1/arena-rounds?org=%d", f.B), nil
	})
	scoped("GET /tasks/rounds", func(t *testing.T, f *Fixture) (string, string, any) {
		roundUnderB(t, f)
		return "GET", fmt.Sprintf("/tasks/rounds?org=%d", f.B), nil
	})
	scoped("POST /api/v1/arena-rounds", func(t *testing.T, f *Fixture) (string, string, any) {
		taskUnderB(t, f)
		return "POST", "/api/v1/arena-rounds", map[string]any{"org_id": f.B, "year": 2026, "period": "Q2"}
	})
	scoped("POST /tasks/rounds", func(t *testing.T, f *Fixture) (string, string, any) {
		taskUnderB(t, f)
		return "POST", fmt.Sprintf("/tasks/rounds?org_id=%d&year=2026&period=Q2", f.B), nil
	})
	for _, route := range []string{"/api/v1/arena-rounds/{id}", "/tasks/rounds/{id}", "/tasks/rounds/{id}/export", "/tasks/rounds/{id}/certificates"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			return "GET", strings.Replace(route, "{id}", fmt.Sprint(roundUnderB(t, f)), 1), nil
		})
	}
	for _, route := range []string{"/api/v1/arena-rounds/{id}/marks", "/api/v1/arena-rounds/{id}/recompute", "/api/v1/arena-rounds/{id}/close",
		"/tasks/rounds/{id}/marks", "/tasks/rounds/{id}/recompute", "/tasks/rounds/{id}/close"} {
		scoped("POST "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			r := roundUnderB(t, f)
			path := strings.Replace(route, "{id}", fmt.Sprint(r), 1)
			if strings.HasPrefix(route, "/tasks/") {
				return "POST", path + fmt.Sprintf("?version=1&score_%d=90", f.BBranch), nil
			}
			if strings.HasSuffix(route, "/marks") {
				return "POST", path, map[string]any{"version": 1, "marks": []map[string]any{{"org_id": f.BBranch, "score": 90}}}
			}
			return "POST", path, map[string]any{"version": 1}
		})
	}

	for _, route := range []string{"/tasks", "/api/v1/tasks", "/tasks/export", "/tasks/arena", "/api/v1/task-arena"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			taskUnderB(t, f)
			return "GET", fmt.Sprintf("%s?org=%d&year=2026", route, f.BBranch), nil
		})
	}
	for _, route := range []string{"/tasks/plan", "/api/v1/task-plan"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			taskUnderB(t, f)
			return "GET", fmt.Sprintf("%s?org=%d&year=2026", route, f.B), nil
		})
	}
	scoped("POST /tasks/plan/points", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/tasks/plan/points?org_id=%d&year=2026&line=law&title=x", f.B), nil
	})
	scoped("POST /api/v1/task-plan/points", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/task-plan/points", map[string]any{"org_id": f.B, "year": 2026, "line": "law", "title": "越权要点"}
	})
	scoped("POST /tasks/plan/points/{id}/delete", func(t *testing.T, f *Fixture) (string, string, any) {
		var id int64
		err := f.E.DB.InTx(context.Background(), func(tx *db.Tx) (err error) {
			id, err = db.InsertID(context.Background(), tx, "INSERT INTO task_plan_points (org_id, year, line, title, created_at) VALUES (?, 2026, 'law', '乙分局要点', 0)", f.B)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/tasks/plan/points/%d/delete", id), nil
	})
	exempt("GET /m/tasks", "the caller's own organisation (a member's branch): no parameter names another")
	exempt("GET /api/v1/my-tasks", "the caller's own organisation (a member's branch): no parameter names another")
	exempt("GET /tasks/new", "an empty form whose organisation picker lists only the caller's scope")
	scoped("POST /tasks/items", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/tasks/items?org_id=%d&year=2026&title=x&due_on=2026-06-30&weight=5", f.B), nil
	})
	scoped("POST /api/v1/task-items", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/task-items", map[string]any{"org_id": f.B, "year": 2026, "title": "越权任务", "due_on": "2026-06-30", "weight": 5}
	})
	for _, route := range []string{"/tasks/items/{id}", "/api/v1/task-items/{id}"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			item, _ := taskUnderB(t, f)
			return "GET", fmt.Sprintf(route[:len(route)-4]+"%d", item), nil
		})
	}
	scoped("POST /tasks/items/{id}/dispatch", func(t *testing.T, f *Fixture) (string, string, any) {
		item, _ := taskUnderB(t, f)
		return "POST", fmt.Sprintf("/tasks/items/%d/dispatch", item), map[string]string{"target": "branches", "confirm": "1"}
	})
	scoped("POST /api/v1/task-items/{id}/dispatch", func(t *testing.T, f *Fixture) (string, string, any) {
		item, _ := taskUnderB(t, f)
		return "POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"target": "branches", "confirm": true}
	})
	for _, route := range []string{"/tasks/{id}", "/api/v1/tasks/{id}", "/api/v1/tasks/{id}/citable"} {
		scoped("GET "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			_, c := taskUnderB(t, f)
			return "GET", strings.Replace(route, "{id}", fmt.Sprint(c), 1), nil
		})
	}
	for _, route := range []string{"/tasks/{id}/files", "/api/v1/tasks/{id}/files"} {
		scoped("POST "+route, func(t *testing.T, f *Fixture) (string, string, any) {
			_, c := taskUnderB(t, f)
			return "POST", strings.Replace(route, "{id}", fmt.Sprint(c), 1), nil
		})
	}
	fileUnderB := func(t *testing.T, f *Fixture) int64 {
		_, c := taskUnderB(t, f)
		var id int64
		err := f.E.DB.InTx(context.Background(), func(tx *db.Tx) (err error) {
			id, err = db.InsertID(context.Background(), tx, `INSERT INTO task_files (copy_id, file_name, stored_name, content_type, size, sha256, created_at)
				VALUES (?, '会议记录.pdf', 'x.sealed', 'application/pdf', 10, 'ab', 0)`, c)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	scoped("GET /tasks/files/{id}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/tasks/files/%d", fileUnderB(t, f)), nil
	})
	scoped("POST /tasks/files/{id}/delete", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/tasks/files/%d/delete", fileUnderB(t, f)), nil
	})
	forms := map[string]map[string]string{"complete": {"evidence": "已完成"}, "review": {"decision": "accept"}, "dispatch": {"target": "branches", "confirm": "1"}}
	apis := map[string]any{"complete": map[string]any{"evidence": "已完成"}, "review": map[string]any{"accept": true},
		"dispatch": map[string]any{"target": "branches", "confirm": true}}
	for action := range forms {
		scoped("POST /tasks/{id}/"+action, func(t *testing.T, f *Fixture) (string, string, any) {
			_, c := taskUnderB(t, f)
			return "POST", fmt.Sprintf("/tasks/%d/%s", c, action), forms[action]
		})
		scoped("POST /api/v1/tasks/{id}/"+action, func(t *testing.T, f *Fixture) (string, string, any) {
			_, c := taskUnderB(t, f)
			return "POST", fmt.Sprintf("/api/v1/tasks/%d/%s", c, action), apis[action]
		})
	}
}
