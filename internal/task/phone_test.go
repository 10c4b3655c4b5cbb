package task_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

// The phone page: a branch secretary sees the tasks their branch received
// and its places in the 擂台比武 under the 分局 and the 市局; a member sees
// their own branch's tasks, read-only, and no other branch's.
func TestPhoneTasksAndPlaces(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		item := b.item(t, b.rootAdm, b.root, map[string]any{"title": "开展一次警示教育", "due_on": "2026-03-05"})
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"target": "branches", "confirm": true}, nil); st != 201 {
			t.Fatalf("dispatch: %d %s", st, b.rootAdm.Body())
		}
		c := b.copyOf(t, item, b.a1)
		b.a1Adm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/complete", c), map[string]any{"evidence": "已组织"}, nil)
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/review", c), map[string]any{"accept": true}, nil); st != 200 {
			t.Fatalf("accept: %d %s", st, b.rootAdm.Body())
		}

		var v task.Phone
		if st := b.a1Adm.Do("GET", "/api/v1/my-tasks", nil, &v); st != 200 || v.Total != 1 || v.ReadOnly || len(v.Places) != 2 {
			t.Fatalf("secretary: %d %s", st, b.a1Adm.Body())
		}
		// Done on time: first of the 2 branches of 甲分局 and of the 3 of the 市局.
		if p := v.Places[0]; p.Within != "甲分局党委" || p.Rank != 1 || p.Total != 2 || p.Done != 1 {
			t.Fatalf("place in the 分局: %+v", p)
		}
		if p := v.Places[1]; p.Within != "市公安局党委" || p.Rank != 1 || p.Total != 3 {
			t.Fatalf("place in the 市局: %+v", p)
		}
		var lagging task.Phone
		b.a2Adm.Do("GET", "/api/v1/my-tasks", nil, &lagging)
		if len(lagging.Places) != 2 || lagging.Places[0].Rank != 2 || lagging.Copies[0].Status != task.Open || !lagging.Copies[0].Overdue {
			t.Fatalf("the lagging branch: %+v", lagging)
		}

		// A member of 甲一所 reads their branch's task, read-only.
		m := e.Account(auth.Member, 0, e.Person(dbtest.Person{Org: b.a1, Name: "甲党员", Pinyin: "jia"}))
		var mine task.Phone
		if st := m.Do("GET", "/api/v1/my-tasks", nil, &mine); st != 200 || !mine.ReadOnly || mine.Total != 1 || mine.Copies[0].ID != c {
			t.Fatalf("member: %d %s", st, m.Body())
		}
		if st := m.Do("GET", "/m/tasks", nil, nil); st != 200 || !strings.Contains(m.Body(), "开展一次警示教育") || strings.Contains(m.Body(), fmt.Sprintf(`href="/tasks/%d"`, c)) {
			t.Fatalf("member's page: %d %s", st, m.Body())
		}
		if st := m.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", c), nil, nil); st != 403 && st != 404 {
			t.Fatalf("a member opens the organisers' copy: %d", st)
		}
		other := e.Account(auth.Member, 0, e.Person(dbtest.Person{Org: b.b1, Name: "乙党员", Pinyin: "yi"}))
		var theirs task.Phone
		other.Do("GET", "/api/v1/my-tasks", nil, &theirs)
		if theirs.Total != 1 || theirs.Copies[0].ID == c {
			t.Fatalf("another branch's member: %+v", theirs)
		}
	})
}
