package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/listing"
	"hongdun/internal/todo"
)

// tree makes 市局 → {甲, 乙} → one branch each and returns their ids.
func tree(t *testing.T, d *db.DB) (root, a, b, aBranch, bBranch int64) {
	ins := func(parent int64, name, kind string) int64 {
		return dbtest.AddOrg(t, d, dbtest.Org{Parent: parent, Name: name, Kind: kind})
	}
	root = ins(0, "市公安局党委", "committee")
	a, b = ins(root, "甲分局党委", "committee"), ins(root, "乙分局党委", "committee")
	return root, a, b, ins(a, "甲支部", "branch"), ins(b, "乙支部", "branch")
}

func todoPost(t *testing.T, d *db.DB, items ...todo.Item) {
	t.Helper()
	ctx := context.Background()
	if err := d.InTx(ctx, func(tx *db.Tx) error {
		for _, it := range items {
			if err := todo.Post(ctx, tx, it); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

type list struct {
	Total int
	Items []todo.Entry
}

func titles(l list) string {
	var s []string
	for _, it := range l.Items {
		s = append(s, it.Title)
	}
	return strings.Join(s, ",")
}

func TestPostCloseSync(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		_, _, _, aBranch, bBranch := tree(t, e.DB)
		todoPost(t, e.DB, todo.Item{Source: "org.warning", Key: "1", OrgID: aBranch, Title: "旧标题"},
			todo.Item{Source: "org.warning", Key: "1", OrgID: aBranch, Title: "新标题", Severity: "bad"})
		var n int
		var title string
		e.DB.QueryRowContext(ctx, "SELECT COUNT(*), MAX(title) FROM todos").Scan(&n, &title)
		if n != 1 || title != "新标题" {
			t.Fatalf("a repeated post must update in place: %d rows, title %q", n, title)
		}
		sync := func(items ...todo.Item) {
			if err := e.DB.InTx(ctx, func(tx *db.Tx) error { return todo.Sync(ctx, tx, "org.warning", items) }); err != nil {
				t.Fatal(err)
			}
		}
		sync(todo.Item{Source: "org.warning", Key: "2", OrgID: bBranch, Title: "乙"})
		open := func() string {
			var keys []string
			rows, _ := e.DB.QueryContext(ctx, "SELECT dedup_key FROM todos WHERE done_at IS NULL ORDER BY dedup_key")
			for rows.Next() {
				var k string
				rows.Scan(&k)
				keys = append(keys, k)
			}
			rows.Close()
			return strings.Join(keys, ",")
		}
		if got := open(); got != "2" {
			t.Fatalf("after sync open = %q, want 2 (1 closed)", got)
		}
		sync(todo.Item{Source: "org.warning", Key: "1", OrgID: aBranch, Title: "再次出现"})
		if got := open(); got != "1" {
			t.Fatalf("a recurring item must reopen: open = %q", got)
		}
		if err := e.DB.InTx(ctx, func(tx *db.Tx) error { return todo.Close(ctx, tx, "org.warning", "1") }); err != nil {
			t.Fatal(err)
		}
		if got := open(); got != "" {
			t.Fatalf("after close open = %q", got)
		}
		bad := []todo.Item{{Source: "x", Key: "k", Title: "无人可见"}, {Source: "x", Key: "", OrgID: aBranch, Title: "t"}, {Source: "x", Key: "k", OrgID: aBranch, Title: "t", Severity: "urgent"}}
		for _, it := range bad {
			if err := e.DB.InTx(ctx, func(tx *db.Tx) error { return todo.Post(ctx, tx, it) }); err == nil {
				t.Errorf("Post(%+v) accepted", it)
			}
		}
		if err := e.DB.InTx(ctx, func(tx *db.Tx) error {
			return todo.Sync(ctx, tx, "org.warning", []todo.Item{{Source: "other", Key: "k", OrgID: aBranch, Title: "t"}})
		}); err == nil {
			t.Error("Sync accepted an item of another source")
		}
	})
}

func TestInboxScope(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root, a, _, aBranch, bBranch := tree(t, e.DB)
		adminA := e.Account(auth.OrgAdmin, a, 0)
		leader := e.Account(auth.Leader, root, 0)
		var me struct{ ID int64 }
		adminA.Do("GET", "/api/v1/me", nil, &me)
		memberAcc := e.Account(auth.Auditor, 0, 0)
		todoPost(t, e.DB,
			todo.Item{Source: "org.warning", Key: "a", OrgID: aBranch, Title: "甲支部预警", DueOn: "2000-01-01"},
			todo.Item{Source: "org.warning", Key: "b", OrgID: bBranch, Title: "乙支部预警", DueOn: "2000-01-02"},
			todo.Item{Source: "develop.deadline", Key: "mine", AccountID: me.ID, Title: "我的待办", DueOn: "2999-01-01"},
			todo.Item{Source: "develop.deadline", Key: "undated", OrgID: a, Title: "无期限"},
		)
		var l list
		adminA.Expect(200, "GET", "/api/v1/todos", nil, &l)
		if got := titles(l); got != "甲支部预警,我的待办,无期限" {
			t.Fatalf("甲's inbox = %q: B's item must not show, own and subtree items sorted by due date", got)
		}
		if !l.Items[0].Overdue || l.Items[1].Overdue || !l.Items[1].Mine || l.Items[0].Mine {
			t.Fatalf("overdue/mine flags wrong: %+v", l.Items)
		}
		if st := leader.Do("GET", "/api/v1/todos", nil, &l); st != 200 || l.Total != 3 {
			t.Fatalf("the bureau leader sees every org item (3), got %d: %s", l.Total, titles(l))
		}
		if st := leader.Do("GET", fmt.Sprintf("/api/v1/todos?org=%d", bBranch), nil, &l); st != 200 || titles(l) != "乙支部预警" {
			t.Fatalf("org filter: %d %q", st, titles(l))
		}
		adminA.Expect(404, "GET", fmt.Sprintf("/api/v1/todos?org=%d", bBranch), nil, nil) // out-of-scope org filter
		adminA.Expect(400, "GET", "/api/v1/todos?org=abc", nil, nil)                      // malformed org
		if st := memberAcc.Do("GET", "/api/v1/todos", nil, &l); st != 200 || l.Total != 0 {
			t.Fatalf("an account without scope sees only its own items: %d %q", st, titles(l))
		}
		// The page groups by kind of work and marks overdue items.
		page := e.Login(loginName(t, e, me.ID), apptest.Password)
		if st := page.Do("GET", "/todos", nil, nil); st != 200 || !strings.Contains(page.Body(), "组织建设") ||
			!strings.Contains(page.Body(), "发展党员") || !strings.Contains(page.Body(), `class="overdue"`) {
			t.Fatalf("inbox page: %d %s", st, page.Body())
		}
	})
}

func loginName(t *testing.T, e *apptest.Env, id int64) string {
	var name string
	if err := e.DB.QueryRowContext(context.Background(), "SELECT username FROM accounts WHERE id = ?", id).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestDone(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		_, a, _, aBranch, _ := tree(t, e.DB)
		adminA := e.Account(auth.OrgAdmin, a, 0)
		other := e.Account(auth.OrgAdmin, a, 0)
		var me, them struct{ ID int64 }
		adminA.Do("GET", "/api/v1/me", nil, &me)
		other.Do("GET", "/api/v1/me", nil, &them)
		todoPost(t, e.DB, todo.Item{Source: "task.x", Key: "mine", AccountID: me.ID, Title: "我的"},
			todo.Item{Source: "task.x", Key: "theirs", AccountID: them.ID, Title: "他人的"},
			todo.Item{Source: "org.warning", Key: "org", OrgID: aBranch, Title: "组织预警"})
		id := func(key string) int64 {
			var id int64
			e.DB.QueryRowContext(context.Background(), "SELECT id FROM todos WHERE dedup_key = ?", key).Scan(&id)
			return id
		}
		for _, key := range []string{"theirs", "org"} {
			if st := adminA.Do("POST", fmt.Sprintf("/api/v1/todos/%d/done", id(key)), nil, nil); st != 404 {
				t.Errorf("closing %s: %d, want 404", key, st)
			}
		}
		if st := adminA.Do("POST", "/api/v1/todos/x/done", nil, nil); st != 404 {
			t.Errorf("malformed id: %d, want 404", st)
		}
		path := fmt.Sprintf("/api/v1/todos/%d/done", id("mine"))
		adminA.Expect(200, "POST", path, nil, nil)
		adminA.Expect(409, "POST", path, nil, nil) // done twice
		var audited int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'todo.done'").Scan(&audited)
		if audited != 1 {
			t.Fatalf("todo.done audited %d times, want 1", audited)
		}
	})
}

// TestSyncWritesDifferences: new and changed items are posted, one marked
// done that applies again reopens, stale ones close, and the unchanged ones
// are not written at all (a trigger counts the writes).
func TestSyncWritesDifferences(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, _, _, branch, _ := tree(t, d)
		ddl := []string{"CREATE TABLE todo_writes (k TEXT)",
			"CREATE TRIGGER todo_ins AFTER INSERT ON todos BEGIN INSERT INTO todo_writes VALUES (new.dedup_key); END",
			"CREATE TRIGGER todo_upd AFTER UPDATE ON todos BEGIN INSERT INTO todo_writes VALUES (new.dedup_key); END"}
		if d.Dialect == db.Postgres {
			ddl = []string{"CREATE TABLE todo_writes (k TEXT)",
				"CREATE FUNCTION todo_write() RETURNS trigger AS $$ BEGIN INSERT INTO todo_writes VALUES (NEW.dedup_key); RETURN NEW; END $$ LANGUAGE plpgsql",
				"CREATE TRIGGER todo_w AFTER INSERT OR UPDATE ON todos FOR EACH ROW EXECUTE FUNCTION todo_write()"}
		}
		for _, q := range ddl {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		item := func(key, detail string) todo.Item {
			return todo.Item{Source: "org.warning", Key: key, OrgID: branch, Title: "书记空缺", Detail: detail, Link: "/orgs/1"}
		}
		// sync returns the keys written, in order.
		sync := func(items ...todo.Item) string {
			t.Helper()
			if _, err := d.ExecContext(ctx, "DELETE FROM todo_writes"); err != nil {
				t.Fatal(err)
			}
			if err := d.InTx(ctx, func(tx *db.Tx) error { return todo.Sync(ctx, tx, "org.warning", items) }); err != nil {
				t.Fatal(err)
			}
			return strings.Join(dbtest.Strings(t, d, "SELECT k FROM todo_writes ORDER BY k"), ",")
		}
		if got := sync(item("a", "一"), item("b", "一"), item("c", "一")); got != "a,b,c" {
			t.Fatalf("first sync wrote %q", got)
		}
		if _, err := d.ExecContext(ctx, "UPDATE todos SET done_at = 1 WHERE dedup_key = 'c'"); err != nil {
			t.Fatal(err)
		}
		// a unchanged, b changed, c done but applies again, d new.
		if got := sync(item("a", "一"), item("b", "二"), item("c", "一"), item("d", "一")); got != "b,c,d" {
			t.Fatalf("second sync wrote %q, want b,c,d (a unchanged)", got)
		}
		// a stale: closed; the rest unchanged.
		if got := sync(item("b", "二"), item("c", "一"), item("d", "一")); got != "a" {
			t.Fatalf("third sync wrote %q, want a (closed)", got)
		}
		var open, detail string
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), MAX(CASE WHEN dedup_key = 'b' THEN detail END) FROM todos
			WHERE done_at IS NULL`).Scan(&open, &detail); err != nil || open != "3" || detail != "二" {
			t.Fatalf("open %s, b's detail %q (%v)", open, detail, err)
		}
	})
}

// exact is a count under the cap.
func exact(n int) listing.Total { return listing.Total{N: n, Exact: true} }
