package task_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The task lists page with the shared pager: the copies (下发的任务), an
// item's progress, the 擂台比武 rounds and the phone page; the next page
// keeps the filters and the size, the export holds exactly the filtered
// copies, bad paging is refused and another 分局's organisation is a 404.
func TestListsPageFilterAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		bAdm := e.Account(auth.OrgAdmin, b.b, 0)
		send := func(item int64, to map[string]any) {
			t.Helper()
			to["confirm"] = true
			if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), to, nil); st != 201 {
				t.Fatalf("dispatch: %d %s", st, b.rootAdm.Body())
			}
		}
		for i := range 7 {
			send(b.item(t, b.rootAdm, b.root, map[string]any{"title": fmt.Sprintf("市局任务%d", i)}), map[string]any{"target": "branches"})
		}
		send(b.item(t, b.rootAdm, b.root, map[string]any{"title": "明年任务", "year": 2027, "due_on": "2027-06-30"}), map[string]any{"target": "branches"})
		monthly := b.item(t, b.rootAdm, b.root, map[string]any{"title": "每月主题党日", "recurrence": "monthly", "due_on": ""})
		send(monthly, map[string]any{"org_ids": []int64{b.a2}})
		progress := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ?", monthly)
		// Rounds rank the copies due in their period.
		for _, year := range []int{2024, 2025} {
			for _, target := range []string{"branches", "committees"} {
				send(b.item(t, b.rootAdm, b.root, map[string]any{"title": "季度任务", "year": year, "recurrence": "quarterly", "due_on": ""}), map[string]any{"target": target})
			}
		}
		for _, period := range []string{"Q1", "Q2", "Q3", "Q4", "Y"} {
			for _, kind := range []string{"branches", "committees"} {
				if st := b.rootAdm.Do("POST", "/api/v1/arena-rounds", map[string]any{"org_id": b.root, "kind": kind, "year": 2025, "period": period}, nil); st != 201 {
					t.Fatalf("round: %d %s", st, b.rootAdm.Body())
				}
			}
		}
		if st := b.rootAdm.Do("POST", "/api/v1/arena-rounds", map[string]any{"org_id": b.root, "year": 2024, "period": "Y"}, nil); st != 201 {
			t.Fatalf("round: %d %s", st, b.rootAdm.Body())
		}

		b.rootAdm.CheckList(apptest.List{Path: "/tasks", Filters: fmt.Sprintf("tab=dispatched&year=2026&org=%d", b.a1), Row: `<tr id="copy-`,
			Export: `id="task-export"`, Marker: "市局任务", Total: 7, PerPage: 3, Others: []string{"甲分局二所党支部", "明年任务", "每月主题党日"}}, bAdm)
		b.rootAdm.CheckList(apptest.List{Path: fmt.Sprintf("/tasks/items/%d", monthly), Row: `<tr id="copy-`, Total: progress, PerPage: 5}, bAdm)
		b.rootAdm.CheckList(apptest.List{Path: "/tasks/rounds", Filters: fmt.Sprintf("year=2025&org=%d", b.root), Row: `<tr id="round-`, Total: 10, PerPage: 4}, b.aAdm)
		// The phone page lists the caller's own branch: it names no org.
		b.a1Adm.CheckList(apptest.List{Path: "/m/tasks", Row: `id="phone-task-`, Total: 7, PerPage: 3}, nil)
	})
}
