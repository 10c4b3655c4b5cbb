package task_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/listing"
	"hongdun/internal/task"
)

// bureau is 市局 with two 分局 (A with branches A1, A2; B with branch B1).
type bureau struct {
	e                           *apptest.Env
	root, a, b                  int64
	a1, a2, b1                  int64
	rootAdm, aAdm, a1Adm, a2Adm *apptest.Client
}

func newBureau(t *testing.T, e *apptest.Env) *bureau {
	ctx := context.Background()
	ins := func(parent int64, name, kind string) int64 {
		var id int64
		err := e.DB.InTx(ctx, func(tx *db.Tx) error {
			path := "/"
			var p any
			if parent != 0 {
				p = parent
				if err := tx.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", parent).Scan(&path); err != nil {
					return err
				}
			}
			var err error
			if id, err = db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, path, created_at, updated_at) VALUES (?,?,?,'',0,0)", p, name, kind); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", fmt.Sprintf("%s%d/", path, id), id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	b := &bureau{e: e}
	b.root = ins(0, "市公安局党委", "committee")
	b.a = ins(b.root, "甲分局党委", "committee")
	b.b = ins(b.root, "乙分局党委", "committee")
	b.a1 = ins(b.a, "甲分局一所党支部", "branch")
	b.a2 = ins(b.a, "甲分局二所党支部", "branch")
	b.b1 = ins(b.b, "乙分局一所党支部", "branch")
	b.rootAdm = e.Account(auth.OrgAdmin, b.root, 0)
	b.aAdm = e.Account(auth.OrgAdmin, b.a, 0)
	b.a1Adm = e.Account(auth.OrgAdmin, b.a1, 0)
	b.a2Adm = e.Account(auth.OrgAdmin, b.a2, 0)
	e.App.Now = func() time.Time { return time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC) }
	return b
}

func (b *bureau) item(t *testing.T, c *apptest.Client, orgID int64, extra map[string]any) int64 {
	in := map[string]any{"org_id": orgID, "year": 2026, "title": "讲专题党课", "guidance": "书记讲一次专题党课", "due_on": "2026-06-30", "weight": 10}
	for k, v := range extra {
		in[k] = v
	}
	var it task.Item
	if st := c.Do("POST", "/api/v1/task-items", in, &it); st != http.StatusCreated {
		t.Fatalf("create item: %d %s", st, c.Body())
	}
	return it.ID
}

func (b *bureau) copyOf(t *testing.T, item, orgID int64) int64 {
	var id int64
	if err := b.e.DB.QueryRowContext(context.Background(), "SELECT id FROM task_copies WHERE item_id = ? AND org_id = ?", item, orgID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// studied records a study session held by a branch on a day, what the
// check training.held completes a copy from.
func studied(t *testing.T, e *apptest.Env, orgID int64, day string) {
	t.Helper()
	ctx := context.Background()
	pid, err := db.InsertID(ctx, e.DB, `INSERT INTO training_programs (org_id, tier, year, title, audience_org_id, created_at, updated_at)
		VALUES (?, 'branch', 2026, '学习计划', ?, 0, 0)`, orgID, orgID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.ExecContext(ctx, "INSERT INTO training_activities (program_id, kind, title, on_date, created_at) VALUES (?, 'study', '学习研讨', ?, 0)", pid, day); err != nil {
		t.Fatal(err)
	}
}

func TestDispatchCompleteReview(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		item := b.item(t, b.rootAdm, b.root, nil)
		path := fmt.Sprintf("/api/v1/task-items/%d/dispatch", item)

		// Preview: the count, nothing written.
		var pv task.Preview
		if st := b.rootAdm.Do("POST", path, map[string]any{"target": "branches"}, &pv); st != 200 || pv.Receivers != 3 || pv.Copies != 3 || pv.Dispatched {
			t.Fatalf("preview: %d %+v", st, pv)
		}
		if n := e.Count("SELECT COUNT(*) FROM task_copies"); n != 0 {
			t.Fatalf("preview wrote %d copies", n)
		}
		if st := b.rootAdm.Do("POST", path, map[string]any{"target": "branches", "confirm": true}, &pv); st != 201 {
			t.Fatalf("dispatch: %d %s", st, b.rootAdm.Body())
		}
		// Exactly one copy per branch; again is a conflict and changes nothing.
		if n := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ? AND org_id IN (?,?,?)", item, b.a1, b.a2, b.b1); n != 3 {
			t.Fatalf("copies per branch: %d", n)
		}
		if st := b.rootAdm.Do("POST", path, map[string]any{"target": "branches", "confirm": true}, nil); st != http.StatusConflict {
			t.Fatalf("second dispatch: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM task_copies"); n != 3 {
			t.Fatalf("after second dispatch: %d copies", n)
		}

		// A 分局 cannot dispatch its item to a branch of another 分局.
		aItem := b.item(t, b.aAdm, b.a, nil)
		if st := b.aAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", aItem), map[string]any{"org_ids": []int64{b.a1, b.b1}, "confirm": true}, nil); st != 422 {
			t.Fatalf("receiver outside scope: %d %s", st, b.aAdm.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ?", aItem); n != 0 {
			t.Fatalf("refused dispatch wrote %d copies", n)
		}

		// A branch sees its own copy, never another branch's.
		c1, c2 := b.copyOf(t, item, b.a1), b.copyOf(t, item, b.a2)
		if st := b.a1Adm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", c2), nil, nil); st != 404 {
			t.Fatalf("other branch's copy: %d", st)
		}
		var list listing.List[task.Copy]
		if st := b.a1Adm.Do("GET", "/api/v1/tasks?year=2026", nil, &list); st != 200 || list.Total != 1 || list.Items[0].ID != c1 {
			t.Fatalf("branch list: %d %+v", st, list)
		}

		// Complete; a second submission is a conflict.
		done := fmt.Sprintf("/api/v1/tasks/%d/complete", c1)
		if st := b.a1Adm.Do("POST", done, map[string]any{"evidence": "3月5日书记讲党课", "links": "/training/1"}, nil); st != 200 {
			t.Fatalf("complete: %d %s", st, b.a1Adm.Body())
		}
		if st := b.a1Adm.Do("POST", done, map[string]any{"evidence": "再交一次"}, nil); st != http.StatusConflict {
			t.Fatalf("double completion: %d", st)
		}
		// The receiver cannot review its own work; returning needs a reason.
		review := fmt.Sprintf("/api/v1/tasks/%d/review", c1)
		if st := b.a1Adm.Do("POST", review, map[string]any{"accept": true}, nil); st != 404 {
			t.Fatalf("receiver reviewing: %d", st)
		}
		if st := b.rootAdm.Do("POST", review, map[string]any{"accept": false}, nil); st != 400 {
			t.Fatalf("return without reason: %d", st)
		}
		var c task.Copy
		if st := b.rootAdm.Do("POST", review, map[string]any{"accept": false, "reason": "缺少党课讲稿"}, &c); st != 200 || c.Status != task.Returned {
			t.Fatalf("return: %d %+v", st, c)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.due' AND dedup_key = ? AND done_at IS NULL", fmt.Sprintf("c%d", c1)); n != 1 {
			t.Fatalf("returned copy not in the receiver's 待办: %d", n)
		}
		if st := b.a1Adm.Do("POST", done, map[string]any{"evidence": "补充讲稿"}, nil); st != 200 {
			t.Fatalf("resubmit: %d", st)
		}
		if st := b.rootAdm.Do("POST", review, map[string]any{"accept": true}, &c); st != 200 || c.Status != task.Done || c.DoneOn != "2026-03-10" {
			t.Fatalf("accept: %d %+v", st, c)
		}
		if st := b.rootAdm.Do("POST", review, map[string]any{"accept": true}, nil); st != http.StatusConflict {
			t.Fatalf("second review: %d", st)
		}

		// Sub-dispatch: 甲分局 passes its copy of a committee task down.
		cItem := b.item(t, b.rootAdm, b.root, map[string]any{"title": "分解到支部"})
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", cItem), map[string]any{"target": "committees", "confirm": true}, nil); st != 201 {
			t.Fatalf("to committees: %d", st)
		}
		ca := b.copyOf(t, cItem, b.a)
		if st := b.aAdm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/dispatch", ca), map[string]any{"target": "branches", "confirm": true}, &pv); st != 201 || pv.Copies != 2 {
			t.Fatalf("sub-dispatch: %d %+v", st, pv)
		}
		var sub task.Copy
		if st := b.a2Adm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", b.copyOf(t, cItem, b.a2)), nil, &sub); st != 200 || sub.DispatcherID != b.a || sub.ParentID != ca {
			t.Fatalf("sub copy: %d %+v", st, sub)
		}
		// The 分局's copy page lists the two copies passed down, not the 乙分局's.
		if st := b.aAdm.Do("GET", fmt.Sprintf("/tasks/%d", ca), nil, nil); st != 200 || !strings.Contains(b.aAdm.Body(), "下级完成情况") ||
			!strings.Contains(b.aAdm.Body(), "甲分局一所党支部") || !strings.Contains(b.aAdm.Body(), "甲分局二所党支部") {
			t.Fatalf("the copy page's copies passed down: %d", st)
		}
		if st := b.rootAdm.Do("GET", fmt.Sprintf("/tasks/%d", b.copyOf(t, cItem, b.b)), nil, nil); st != 200 || strings.Contains(b.rootAdm.Body(), "下级完成情况") {
			t.Fatalf("乙分局's copy, passed down to none, lists some: %d", st)
		}
	})
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		for _, tc := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x", "due_on": "2026-02-30", "weight": 5}, "due_on"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x", "due_on": "2027-01-10", "weight": 5}, "due_on"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "", "due_on": "2026-05-01", "weight": 5}, "title"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x", "recurrence": "weekly", "weight": 5}, "recurrence"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x", "due_on": "2026-05-01", "weight": 0}, "weight"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x\u202e", "due_on": "2026-05-01", "weight": 5}, "title"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x", "due_on": "2026-05-01", "weight": 5, "escalate_days": 91}, "escalate_days"},
			{map[string]any{"org_id": b.root, "year": 2026, "title": "x", "due_on": "2026-05-01", "weight": 5, "escalate_days": -1}, "escalate_days"},
		} {
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := b.rootAdm.Do("POST", "/api/v1/task-items", tc.in, &out); st != 400 || out.Error.Field != tc.field || out.Error.Message == "" {
				t.Errorf("%v: %d %+v", tc.in, st, out)
			}
		}
		if st := b.a1Adm.Do("POST", "/api/v1/task-items", map[string]any{"org_id": b.b, "year": 2026, "title": "x", "due_on": "2026-05-01", "weight": 5}, nil); st != 404 {
			t.Errorf("out-of-scope publisher: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM task_items"); n != 0 {
			t.Fatalf("bad input wrote %d items", n)
		}
		item := b.item(t, b.rootAdm, b.root, nil)
		b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"org_ids": []int64{b.a1}, "confirm": true}, nil)
		c := b.copyOf(t, item, b.a1)
		if st := b.a1Adm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/complete", c), map[string]any{"evidence": "好", "links": "https://example.com/x"}, nil); st != 400 {
			t.Errorf("outside link: %d", st)
		}
		if st := b.a1Adm.Do("GET", "/api/v1/tasks?status=lost", nil, nil); st != 400 {
			t.Errorf("bad status: %d", st)
		}
	})
}

func TestAutoCompletionAndReminders(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		ctx := context.Background()
		item := b.item(t, b.rootAdm, b.root, map[string]any{"title": "每季度开展一次学习", "recurrence": "quarterly", "verifier": "training.held"})
		b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"org_ids": []int64{b.a1, b.a2}, "confirm": true}, nil)
		if n := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ?", item); n != 8 {
			t.Fatalf("quarterly copies: %d", n)
		}
		// A1 held a study session in February; A2 nothing.
		studied(t, e, b.a1, "2026-02-12")
		// 10 March: Q1 is due in 21 days, outside the reminder window.
		if err := task.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		var status, doneOn string
		var auto bool
		q1 := func(org int64) int64 {
			var id int64
			e.DB.QueryRowContext(ctx, "SELECT id FROM task_copies WHERE item_id = ? AND org_id = ? AND period = '2026-Q1'", item, org).Scan(&id)
			return id
		}
		e.DB.QueryRowContext(ctx, "SELECT status, COALESCE(done_on, ''), auto FROM task_copies WHERE id = ?", q1(b.a1)).Scan(&status, &doneOn, &auto)
		if status != task.Done || doneOn != "2026-02-12" || !auto {
			t.Fatalf("verified copy: %s %s %v", status, doneOn, auto)
		}
		if n := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ? AND status = 'done'", item); n != 1 {
			t.Fatalf("done copies: %d (only A1's Q1)", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source LIKE 'task.%' AND done_at IS NULL"); n != 0 {
			t.Fatalf("reminders before the window: %d", n)
		}
		// 20 March: A2's Q1 copy enters the receiver's 待办.
		e.App.Now = func() time.Time { return time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC) }
		if err := task.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("c%d", q1(b.a2))
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.due' AND dedup_key = ? AND org_id = ? AND done_at IS NULL", key, b.a2); n != 1 {
			t.Fatalf("receiver reminder: %d", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.overdue' AND done_at IS NULL"); n != 0 {
			t.Fatalf("overdue too early: %d", n)
		}
		// 2 April: overdue, the dispatcher is told.
		e.App.Now = func() time.Time { return time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC) }
		if err := task.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.overdue' AND dedup_key = ? AND org_id = ? AND done_at IS NULL", key, b.root); n != 1 {
			t.Fatalf("dispatcher overdue 待办: %d", n)
		}
		var c task.Copy
		if st := b.a2Adm.Do("GET", "/api/v1/tasks/"+key[1:], nil, &c); st != 200 || !c.Overdue {
			t.Fatalf("overdue flag: %d %+v", st, c)
		}
	})
}

// TestEscalation: an unfinished copy goes to the receiver's superior for
// 督办 on the day its item's delay has passed (not the day before), never
// when the delay is 0 or the superior is the dispatcher, and the 督办 closes
// when the copy is done.
func TestEscalation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		ctx := context.Background()
		late := b.item(t, b.rootAdm, b.root, map[string]any{"title": "报送半年总结", "due_on": "2026-03-31"})
		never := b.item(t, b.rootAdm, b.root, map[string]any{"title": "不督办的任务", "due_on": "2026-03-31", "escalate_days": 0})
		for _, it := range []int64{late, never} {
			if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", it), map[string]any{"org_ids": []int64{b.a1, b.a}, "confirm": true}, nil); st != 201 {
				t.Fatalf("dispatch: %d %s", st, b.rootAdm.Body())
			}
		}
		sync := func(day int) {
			e.App.Now = func() time.Time { return time.Date(2026, 4, day, 2, 0, 0, 0, time.UTC) }
			if err := task.Sync(ctx, e.App.Deps); err != nil {
				t.Fatal(err)
			}
		}
		open := func() int {
			return e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.escalate' AND done_at IS NULL")
		}
		sync(6)
		if n := open(); n != 0 {
			t.Fatalf("督办 on the sixth day late: %d", n)
		}
		sync(7)
		key := fmt.Sprintf("c%d", b.copyOf(t, late, b.a1))
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.escalate' AND dedup_key = ? AND org_id = ? AND done_at IS NULL", key, b.a); n != 1 || open() != 1 {
			t.Fatalf("督办 to 甲分局 of 一所's copy: %d of %d", n, open())
		}
		var c task.Copy
		if st := b.aAdm.Do("GET", "/api/v1/tasks/"+key[1:], nil, &c); st != 200 || c.EscalateDays != 7 {
			t.Fatalf("the superior reads the copy it must 督办: %d %+v", st, c)
		}
		if st := b.a1Adm.Do("POST", "/api/v1/tasks/"+key[1:]+"/complete", map[string]any{"evidence": "已报送"}, nil); st != 200 {
			t.Fatalf("complete: %d %s", st, b.a1Adm.Body())
		}
		sync(8)
		if n := open(); n != 0 {
			t.Fatalf("督办 still open after the copy was submitted: %d", n)
		}
	})
}

// The dispatch forms search the organisations below the sender and list
// none of them, however few; a copy passes down only where some live
// organisation lies below its receiver.
func TestDispatchFormsSearchBelow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		item := b.item(t, b.rootAdm, b.root, nil)
		b.rootAdm.Expect(200, "GET", fmt.Sprintf("/tasks/items/%d", item), nil, nil)
		if page := b.rootAdm.Body(); !strings.Contains(page, fmt.Sprintf(`data-orgpick="/api/v1/orgs/search?below=1&amp;root=%d" data-name="org_ids"`, b.root)) ||
			strings.Contains(page, "甲分局一所党支部") {
			t.Fatalf("dispatch form: %s", page)
		}
		b.rootAdm.Expect(201, "POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"org_ids": []int64{b.a, b.a1}, "confirm": true}, nil)
		ca, c1 := b.copyOf(t, item, b.a), b.copyOf(t, item, b.a1)
		b.aAdm.Expect(200, "GET", fmt.Sprintf("/tasks/%d", ca), nil, nil)
		if page := b.aAdm.Body(); !strings.Contains(page, `id="subdispatch-form"`) || !strings.Contains(page, fmt.Sprintf(`data-orgpick="/api/v1/orgs/search?below=1&amp;root=%d"`, b.a)) {
			t.Errorf("a 分局's copy cannot be passed down: %s", page)
		}
		if b.a1Adm.Expect(200, "GET", fmt.Sprintf("/tasks/%d", c1), nil, nil); strings.Contains(b.a1Adm.Body(), `id="subdispatch-form"`) {
			t.Error("a branch's copy offers passing it down to nothing")
		}
	})
}
