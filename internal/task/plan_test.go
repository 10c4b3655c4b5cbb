package task_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

// The 工作要点: business points beside the party items serving the same
// line, the items serving none apart, and the share linked to business;
// bad input and other organisations change nothing.
func TestWorkPlan(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		b.item(t, b.rootAdm, b.root, map[string]any{"title": "党员执法示范岗", "line": "law", "weight": 30})
		b.item(t, b.rootAdm, b.root, map[string]any{"title": "党员进社区", "line": "service", "weight": 10})
		b.item(t, b.rootAdm, b.root, map[string]any{"title": "讲专题党课", "weight": 20})
		b.item(t, b.aAdm, b.a, map[string]any{"title": "甲分局执法质量攻坚", "line": "law", "weight": 10})
		var pt struct{ ID int64 }
		if st := b.rootAdm.Do("POST", "/api/v1/task-plan/points", map[string]any{"org_id": b.root, "year": 2026, "line": "law", "title": "深化执法规范化建设", "detail": "案件质量考评"}, &pt); st != 201 {
			t.Fatalf("point: %d %s", st, b.rootAdm.Body())
		}

		before := dbtest.Fingerprint(t, e.DB)
		for _, bad := range []map[string]any{
			{"org_id": b.root, "year": 2026, "line": "", "title": "没有业务类别"},
			{"org_id": b.root, "year": 2026, "line": "law", "title": "  "},
			{"org_id": b.root, "year": 26, "line": "law", "title": "年份错误"},
		} {
			if st := b.rootAdm.Do("POST", "/api/v1/task-plan/points", bad, nil); st != 400 {
				t.Fatalf("%v: %d %s", bad, st, b.rootAdm.Body())
			}
		}
		if st := b.aAdm.Do("POST", "/api/v1/task-plan/points", map[string]any{"org_id": b.b, "year": 2026, "line": "law", "title": "别人的要点"}, nil); st != 404 {
			t.Fatalf("another 分局's plan: %d", st)
		}
		if st := b.aAdm.PostForm(fmt.Sprintf("/tasks/plan/points/%d/delete", pt.ID), url.Values{}); st != 404 {
			t.Fatalf("a 分局 deletes the 市局's point: %d", st)
		}
		if st := b.rootAdm.PostForm("/tasks/plan/points", url.Values{"org_id": {fmt.Sprint(b.root)}, "year": {"2026"}, "line": {"law"}, "title": {""}}); st != 400 ||
			!strings.Contains(b.rootAdm.Body(), "请填写业务工作要点") {
			t.Fatalf("the page's form without a title: %d", st)
		}
		if dbtest.Fingerprint(t, e.DB) != before {
			t.Fatal("refused input changed the database")
		}

		var wp task.WorkPlan
		if st := b.rootAdm.Do("GET", "/api/v1/task-plan?year=2026", nil, &wp); st != 200 {
			t.Fatalf("plan: %d %s", st, b.rootAdm.Body())
		}
		// 3 of 4 items serve a business line; by weight 50 of 70.
		if wp.Total != 4 || wp.Linked != 3 || wp.Share != 75 || wp.WeightShare != 71.4 || len(wp.PartyOnly) != 1 || wp.PartyOnly[0].Title != "讲专题党课" {
			t.Fatalf("plan: %+v", wp)
		}
		law := wp.Lines[0]
		if law.Label != "执法办案" || len(law.Points) != 1 || law.Points[0].Title != "深化执法规范化建设" || len(law.Items) != 2 {
			t.Fatalf("执法办案: %+v", law)
		}
		// The 分局 sees its own subtree: its item, not the 市局's.
		var mine task.WorkPlan
		b.aAdm.Do("GET", "/api/v1/task-plan?year=2026", nil, &mine)
		if mine.Total != 1 || len(mine.Lines[0].Points) != 0 {
			t.Fatalf("甲分局's plan: %+v", mine)
		}
		if st := b.rootAdm.Do("GET", "/tasks/plan?year=2026", nil, nil); st != 200 || !strings.Contains(b.rootAdm.Body(), "占 <strong>75%</strong>") {
			t.Fatalf("plan page: %d", st)
		}
		if st := b.rootAdm.PostForm(fmt.Sprintf("/tasks/plan/points/%d/delete", pt.ID), url.Values{}); st != 303 || e.Count("SELECT COUNT(*) FROM task_plan_points") != 0 {
			t.Fatalf("delete: %d", st)
		}
	})
}
