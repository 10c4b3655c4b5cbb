package org_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
)

// bureau is a root 党委 with its 党务管理员, on a fixed date.
type bureau struct {
	*apptest.Env
	t     *testing.T
	root  int64
	admin *apptest.Client
}

var today = time.Date(2026, 3, 15, 10, 0, 0, 0, web.Shanghai)

func newBureau(t *testing.T, e *apptest.Env) *bureau {
	e.App.Now = func() time.Time { return today }
	b := &bureau{Env: e, t: t}
	b.root = dbtest.AddOrg(t, e.DB, dbtest.Org{Name: "市公安局党委", Kind: org.Committee, CanApprove: true})
	b.admin = e.Account(auth.OrgAdmin, b.root, 0)
	return b
}

// create makes an organisation through the API and returns its id.
func (b *bureau) create(parent int64, name, kind string, extra ...any) int64 {
	b.t.Helper()
	body := map[string]any{"parent_id": parent, "name": name, "kind": kind}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	var o org.Org
	if st := b.admin.Do("POST", "/api/v1/orgs", body, &o); st != 201 {
		b.t.Fatalf("create %s: %d %s", name, st, b.admin.Body())
	}
	return o.ID
}

// people adds n persons of a status to an organisation.
func (b *bureau) people(orgID int64, status string, n int) []int64 {
	b.t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		ids = append(ids, b.Person(dbtest.Person{Org: orgID, Name: fmt.Sprintf("党员%d", i), Status: status}))
	}
	return ids
}

func (b *bureau) get(id int64) org.Detail {
	b.t.Helper()
	var d org.Detail
	if st := b.admin.Do("GET", fmt.Sprintf("/api/v1/orgs/%d", id), nil, &d); st != 200 {
		b.t.Fatalf("get %d: %d %s", id, st, b.admin.Body())
	}
	return d
}

// openTodos lists the open warning keys.
func (b *bureau) openTodos() string {
	b.t.Helper()
	return strings.Join(dbtest.Strings(b.t, b.DB, "SELECT dedup_key FROM todos WHERE source = ? AND done_at IS NULL ORDER BY dedup_key", org.TodoSource), " ")
}

func (b *bureau) sync() {
	b.t.Helper()
	if err := org.SyncWarnings(context.Background(), b.App.Deps); err != nil {
		b.t.Fatal(err)
	}
}

func (b *bureau) count(q string, args ...any) int {
	b.t.Helper()
	var n int
	if err := b.DB.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		b.t.Fatal(err)
	}
	return n
}

func TestCreateRenameMove(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee, "can_approve", true, "term_start", "2024-03-12")
		bb := b.create(b.root, "乙分局党委", org.Committee)
		branch := b.create(a, "城关派出所党支部", org.Branch, "term_start", "2024-02-29")
		group := b.create(branch, "第一党小组", org.Group)

		d := b.get(a)
		if !d.CanApprove || d.TermEnd != "2029-03-12" || d.Label != "党委" {
			t.Fatalf("committee: %+v", d.Org)
		}
		if d := b.get(branch); d.TermEnd != "2027-02-28" || d.Path != fmt.Sprintf("/%d/%d/%d/", b.root, a, branch) {
			t.Fatalf("branch: %+v", d.Org)
		}

		var o org.Org
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", branch), map[string]any{"version": 1, "name": "城关所党支部"}, &o); st != 200 || o.Name != "城关所党支部" || o.Version != 2 {
			t.Fatalf("rename: %d %s", st, b.admin.Body())
		}
		for _, id := range []int64{a, branch, group} {
			dbtest.AddPerson(t, e.DB, dbtest.Person{Org: id, Name: "某人"})
		}
		b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", branch), map[string]any{"parent_id": bb, "version": 2}, &o)
		// The people of the moved subtree carry its new paths (a member search's scope).
		dbtest.OrgPathsAgree(t, e.DB)
		if d := b.get(group); d.Path != fmt.Sprintf("/%d/%d/%d/%d/", b.root, bb, branch, group) {
			t.Fatalf("group path after move: %s", d.Path)
		}
		d = b.get(branch)
		if d.ParentID != bb || len(d.Ancestors) != 2 || d.Ancestors[1].ID != bb {
			t.Fatalf("after move: parent %d ancestors %+v", d.ParentID, d.Ancestors)
		}
		var actions []string
		for _, h := range d.History {
			actions = append(actions, h.Action+":"+h.Detail)
		}
		got := strings.Join(actions, "|")
		for _, want := range []string{"move:由「甲分局党委」调整至「乙分局党委」", "rename:由「城关派出所党支部」更名为「城关所党支部」", "create:"} {
			if !strings.Contains(got, want) {
				t.Errorf("history %q lacks %q", got, want)
			}
		}
		if n := b.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('org.create', 'org.update', 'org.move')"); n != 6 {
			t.Errorf("audit records: %d, want 6", n)
		}

		var tree struct {
			Items []*org.Node
			Total int
		}
		if st := b.admin.Do("GET", "/api/v1/orgs", nil, &tree); st != 200 || tree.Total != 5 || len(tree.Items) != 1 {
			t.Fatalf("tree: %d %s", st, b.admin.Body())
		}
		if kids := tree.Items[0].Children; len(kids) != 2 || kids[1].ID != bb || len(kids[1].Children) != 1 || kids[1].Children[0].Children[0].ID != group {
			t.Fatalf("tree shape: %s", b.admin.Body())
		}

		// A 党委 that becomes a 党总支 loses 审批权限 and its five-year term.
		b.admin.Expect(200, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", a), map[string]any{"version": 1, "kind": "general"}, &o) // kind change
		if o.CanApprove || o.Kind != org.General || o.TermEnd != "2027-03-12" {
			t.Errorf("after kind change: %+v", o)
		}
	})
}

func TestMoveRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee)
		general := b.create(a, "机关党总支", org.General)
		branch := b.create(general, "一支部", org.Branch)
		group := b.create(branch, "一组", org.Group)
		branch2 := b.create(a, "二支部", org.Branch)
		before := b.count("SELECT COUNT(*) FROM org_history")
		for _, c := range []struct {
			id, parent int64
			status     int
			msg        string
		}{
			{a, branch, 422, "它自己或它的下级组织"},
			{a, a, 422, "它自己或它的下级组织"},
			{branch2, group, 422, "党小组之下不能再设组织"},
			{branch2, branch, 422, "党支部不能设在党支部之下"},
			{group, a, 422, "党小组只能设在党支部"},
			{general, branch, 422, "它自己或它的下级组织"},
			{b.root, a, 422, "管辖范围根组织"},
			{branch, 0, 400, "新的上级组织"},
			{branch, 99999, 404, "未找到"},
		} {
			st := b.admin.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/move", c.id), map[string]any{"parent_id": c.parent}, nil)
			if st != c.status || !strings.Contains(b.admin.Body(), c.msg) {
				t.Errorf("move %d under %d: %d %s; want %d %s", c.id, c.parent, st, b.admin.Body(), c.status, c.msg)
			}
		}
		if after := b.count("SELECT COUNT(*) FROM org_history"); after != before {
			t.Errorf("refused moves wrote history")
		}
		if st := b.admin.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/move", branch), map[string]any{"parent_id": a, "version": 7}, nil); st != 409 {
			t.Errorf("stale move: %d", st)
		}
	})
}

func TestDissolve(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee)
		branch := b.create(a, "临时专案党支部", org.TempBranch, "task", "专案攻坚", "ends_on", "2026-06-30")
		ids := b.people(branch, "full", 1)
		path := fmt.Sprintf("/api/v1/orgs/%d/dissolve", branch)
		if st := b.admin.Do("POST", path, nil, nil); st != 422 || !strings.Contains(b.admin.Body(), "还有 1 名人员") {
			t.Fatalf("dissolve with a person: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", a), map[string]any{}, nil); st != 422 || !strings.Contains(b.admin.Body(), "未撤销的下级组织") {
			t.Fatalf("dissolve with a child: %d %s", st, b.admin.Body())
		}
		b.admin.Expect(422, "POST", path, map[string]any{"dissolved_on": "2099-01-01"}, nil) // future date
		b.admin.Expect(400, "POST", path, map[string]any{"dissolved_on": "2026-02-30"}, nil) // bad date
		if _, err := b.DB.W.Exec(b.DB.Rebind("UPDATE persons SET status = 'transferred' WHERE id = ?"), ids[0]); err != nil {
			t.Fatal(err)
		}
		var o org.Org
		if st := b.admin.Do("POST", path, map[string]any{"dissolved_on": "2026-03-01"}, &o); st != 200 || o.DissolvedOn != "2026-03-01" {
			t.Fatalf("dissolve: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Do("POST", path, nil, nil); st != 422 || !strings.Contains(b.admin.Body(), "已于 2026-03-01 撤销") {
			t.Fatalf("second dissolve: %d %s", st, b.admin.Body())
		}
		if b.count("SELECT COUNT(*) FROM orgs WHERE id = ?", branch) != 1 {
			t.Fatal("dissolved org deleted")
		}
		var tree struct{ Total int }
		b.admin.Do("GET", "/api/v1/orgs", nil, &tree)
		if tree.Total != 2 {
			t.Errorf("tree shows dissolved: total %d", tree.Total)
		}
		b.admin.Do("GET", "/api/v1/orgs?dissolved=1", nil, &tree)
		if tree.Total != 3 {
			t.Errorf("tree with dissolved: total %d", tree.Total)
		}
		if st := b.admin.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", a), nil, nil); st != 200 {
			t.Errorf("dissolve the emptied committee: %d %s", st, b.admin.Body())
		}
	})
}

func TestBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee)
		branch := b.create(a, "一支部", org.Branch)
		orgs := b.count("SELECT COUNT(*) FROM orgs")
		for _, c := range []struct {
			body   map[string]any
			status int
			field  string
			msg    string
		}{
			{map[string]any{"parent_id": a, "name": "  ", "kind": "branch"}, 400, "name", "组织名称不能为空"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "party"}, 400, "kind", "组织类型无效"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "group"}, 422, "", "党小组只能设在党支部"},
			{map[string]any{"parent_id": branch, "name": "x", "kind": "branch"}, 422, "", "党支部不能设在党支部之下"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "branch", "term_start": "2024-13-01"}, 400, "term_start", "日期"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "temp_branch", "task": "专案"}, 422, "ends_on", "临时党组织须写明"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "temp_branch", "task": "专案", "ends_on": "明天"}, 400, "ends_on", "撤销日期"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "general", "can_approve": true}, 422, "", "只有基层党委可以具有审批权限"},
			{map[string]any{"parent_id": a, "name": "x", "kind": "branch", "path": "/1/"}, 400, "path", "不允许提交字段"},
			{map[string]any{"name": "x", "kind": "branch"}, 400, "parent_id", "上级组织"},
			{map[string]any{"parent_id": a, "name": strings.Repeat("长", 101), "kind": "branch"}, 400, "name", "100"},
			// A name that reads backwards or hides a character looks like another organisation's.
			{map[string]any{"parent_id": a, "name": "一支部\u202e部支二", "kind": "branch"}, 400, "name", "组织名称含有不可见的文字方向控制字符（U+202E）"},
			{map[string]any{"parent_id": a, "name": "一\u200b支部", "kind": "branch"}, 400, "name", "组织名称含有不可见的零宽空格"},
			{map[string]any{"parent_id": a, "name": "一支\u2066部", "kind": "branch"}, 400, "name", "组织名称"},
			{map[string]any{"parent_id": a, "name": "一支\n部", "kind": "branch"}, 400, "name", "组织名称不能含有换行符"},
			{map[string]any{"parent_id": a, "name": "二支部", "short_name": "二\x1b支", "kind": "branch"}, 400, "short_name", "简称含有不可见的控制字符"},
			{map[string]any{"parent_id": a, "name": "专案", "kind": "temp_branch", "task": "专案\u202e", "ends_on": "2026-12-31"}, 400, "task", "任务说明"},
		} {
			var out struct{ Error web.Error }
			st := b.admin.Do("POST", "/api/v1/orgs", c.body, &out)
			if st != c.status || out.Error.Field != c.field || !strings.Contains(out.Error.Message, c.msg) {
				t.Errorf("%v: %d %+v; want %d %s %s", c.body, st, out.Error, c.status, c.field, c.msg)
			}
		}
		patch := fmt.Sprintf("/api/v1/orgs/%d", branch)
		for _, c := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{"name": "新名"}, 400, "version"},
			{map[string]any{"version": 1, "parent_id": b.root}, 400, "parent_id"},
			{map[string]any{"version": 1, "kind": "group"}, 422, "党小组只能设在党支部"},
			{map[string]any{"version": 1, "term_start": "2024-03-12", "term_end": "2029-03-12"}, 422, "提前或延期换届不超过 1 年"},
			{map[string]any{"version": "1"}, 400, "类型不正确"},
			{map[string]any{"version": 1, "name": "一支部\u202e"}, 400, "组织名称含有不可见的文字方向控制字符"},
		} {
			if st := b.admin.Do("PATCH", patch, c.body, nil); st != c.status || !strings.Contains(b.admin.Body(), c.msg) {
				t.Errorf("PATCH %v: %d %s; want %d %s", c.body, st, b.admin.Body(), c.status, c.msg)
			}
		}
		if n := b.count("SELECT COUNT(*) FROM orgs"); n != orgs {
			t.Errorf("refused input created orgs: %d → %d", orgs, n)
		}
		if d := b.get(branch); d.Version != 1 || d.Name != "一支部" {
			t.Errorf("refused patch changed the branch: %+v", d.Org)
		}
	})
}

func TestConcurrentEdit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		branch := b.create(b.root, "一支部", org.Branch)
		path := fmt.Sprintf("/api/v1/orgs/%d", branch)
		b.admin.Expect(200, "PATCH", path, map[string]any{"version": 1, "name": "甲的改名"}, nil) // first edit
		if st := b.admin.Do("PATCH", path, map[string]any{"version": 1, "name": "乙的改名"}, nil); st != 409 || !strings.Contains(b.admin.Body(), "已被他人修改") {
			t.Fatalf("second edit on the old version: %d %s", st, b.admin.Body())
		}
		if d := b.get(branch); d.Name != "甲的改名" || d.Version != 2 {
			t.Fatalf("after conflict: %+v", d.Org)
		}
		// A form submitted twice does not make two organisations.
		body := map[string]any{"parent_id": b.root, "name": "二支部", "kind": "branch"}
		b.admin.Expect(201, "POST", "/api/v1/orgs", body, nil)
		if st := b.admin.Do("POST", "/api/v1/orgs", body, nil); st != 409 || !strings.Contains(b.admin.Body(), "已有名为「二支部」") {
			t.Fatalf("double submission: %d %s", st, b.admin.Body())
		}
		b.admin.Expect(409, "PATCH", path, map[string]any{"version": 2, "name": "二支部"}, nil) // rename onto a sibling's name
	})
}

func TestScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee)
		bb := b.create(b.root, "乙分局党委", org.Committee)
		aBranch := b.create(a, "甲一支部", org.Branch)
		bBranch := b.create(bb, "乙一支部", org.Branch)
		bPerson := b.people(bBranch, "full", 1)[0]
		adminA := e.Account(auth.OrgAdmin, a, 0)

		var tree struct {
			Items []*org.Node
			Total int
		}
		if st := adminA.Do("GET", "/api/v1/orgs", nil, &tree); st != 200 || tree.Total != 2 || tree.Items[0].ID != a {
			t.Fatalf("A's tree: %d %s", st, adminA.Body())
		}
		if strings.Contains(adminA.Body(), "乙") {
			t.Errorf("A's tree shows B: %s", adminA.Body())
		}
		for _, c := range [][3]any{
			{"GET", fmt.Sprintf("/api/v1/orgs/%d", bb), nil},
			{"GET", fmt.Sprintf("/orgs/%d", bBranch), nil},
			{"GET", fmt.Sprintf("/api/v1/orgs?root=%d", b.root), nil},
			{"POST", "/api/v1/orgs", map[string]any{"parent_id": bb, "name": "x", "kind": "branch"}},
			{"POST", fmt.Sprintf("/api/v1/orgs/%d/move", aBranch), map[string]any{"parent_id": bb}},
			{"POST", fmt.Sprintf("/api/v1/orgs/%d/committee", aBranch), map[string]any{"person_id": bPerson, "post": "书记"}},
		} {
			st := adminA.Do(c[0].(string), c[1].(string), c[2], nil)
			if st != 404 && !(st == 422 && strings.Contains(adminA.Body(), "所选人员不属于")) {
				t.Errorf("A's admin %s %s: %d %s", c[0], c[1], st, adminA.Body())
			}
		}
		// A's admin cannot move or dissolve their own scope root.
		if st := adminA.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/move", a), map[string]any{"parent_id": bb}, nil); st != 404 && st != 422 {
			t.Errorf("move own root: %d", st)
		}
		if st := adminA.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", a), nil, nil); st != 422 {
			t.Errorf("dissolve own root: %d %s", st, adminA.Body())
		}

		leader := e.Account(auth.Leader, b.root, 0)
		if st := leader.Do("GET", fmt.Sprintf("/api/v1/orgs/%d", bBranch), nil, nil); st != 200 {
			t.Errorf("leader reads: %d", st)
		}
		if st := leader.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", bBranch), map[string]any{"version": 1, "name": "x"}, nil); st != 403 {
			t.Errorf("leader writes: %d", st)
		}
		if st := leader.Do("GET", fmt.Sprintf("/orgs/new?parent=%d", bb), nil, nil); st != 403 {
			t.Errorf("leader opens the new form: %d", st)
		}
		member := e.Account(auth.Member, 0, bPerson)
		if st := member.Do("GET", "/api/v1/orgs", nil, nil); st != 403 {
			t.Errorf("member reads the tree: %d", st)
		}
		if n := b.count("SELECT COUNT(*) FROM orgs"); n != 5 {
			t.Errorf("orgs: %d", n)
		}
	})
}

func TestCommittee(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee, "term_start", "2024-03-12")
		branch := b.create(a, "一支部", org.Branch, "term_start", "2025-01-10")
		other := b.create(a, "二支部", org.Branch)
		full := b.people(branch, "full", 2)
		prob := b.people(branch, "probationary", 1)[0]
		stranger := b.people(other, "full", 1)[0]
		base := fmt.Sprintf("/api/v1/orgs/%d/committee", branch)

		var m org.CommitteeMember
		if st := b.admin.Do("POST", base, map[string]any{"person_id": full[0], "post": "书记"}, &m); st != 201 || m.TermStart != "2025-01-10" || m.TermEnd != "2028-01-10" || !m.Current {
			t.Fatalf("appoint: %d %s", st, b.admin.Body())
		}
		for _, c := range []struct {
			body   map[string]any
			status int
			msg    string
		}{
			{map[string]any{"person_id": full[1], "post": "书记"}, 409, "已有现任书记"},
			{map[string]any{"person_id": prob, "post": "组织委员"}, 422, "不是正式党员"},
			{map[string]any{"person_id": stranger, "post": "组织委员"}, 422, "所选人员不属于"},
			{map[string]any{"person_id": full[1], "post": "主任"}, 400, "职务无效"},
			{map[string]any{"person_id": full[1], "post": "委员", "term_start": "2025-02-30"}, 400, "任职日期"},
		} {
			if st := b.admin.Do("POST", base, c.body, nil); st != c.status || !strings.Contains(b.admin.Body(), c.msg) {
				t.Errorf("%v: %d %s; want %d %s", c.body, st, b.admin.Body(), c.status, c.msg)
			}
		}
		// A 党委's committee may draw on its whole subtree.
		if st := b.admin.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/committee", a), map[string]any{"person_id": stranger, "post": "纪检委员"}, nil); st != 201 {
			t.Errorf("党委委员 from a branch: %d %s", st, b.admin.Body())
		}
		end := fmt.Sprintf("%s/%d/end", base, m.ID)
		if st := b.admin.Do("POST", end, map[string]any{"ended_on": "2025-01-01"}, nil); st != 422 {
			t.Errorf("end before start: %d", st)
		}
		if st := b.admin.Do("POST", end, map[string]any{"ended_on": "2026-03-01"}, &m); st != 200 || m.Current || m.EndedOn != "2026-03-01" {
			t.Fatalf("end: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Do("POST", end, nil, nil); st != 409 {
			t.Errorf("end twice: %d", st)
		}
		var list struct {
			Items []org.CommitteeMember
			Total int
		}
		if st := b.admin.Do("GET", base, nil, &list); st != 200 || list.Total != 1 || list.Items[0].Current {
			t.Fatalf("list: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Do("POST", base, map[string]any{"person_id": full[1], "post": "书记"}, nil); st != 201 {
			t.Errorf("new secretary after the old one left: %d %s", st, b.admin.Body())
		}
		if d := b.get(branch); len(d.Committee) != 2 || d.Committee[0].PersonID != full[1] {
			t.Errorf("detail committee: %+v", d.Committee)
		}
	})
}

// TestWritesSyncTheWarningsTheyChange: an organisation write syncs only the
// warnings around it (its subtree, the branch above it), and after each
// kind of write the open warnings are what a sync of the whole tree makes.
func TestWritesSyncTheWarningsTheyChange(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee)
		bb := b.create(b.root, "乙分局党委", org.Committee)
		one := b.create(a, "一支部", org.Branch)
		two := b.create(bb, "二支部", org.Branch)
		group := b.create(one, "一组", org.Group)
		b.people(one, "full", 2)
		b.people(group, "full", 2) // 一支部 has 4 正式党员, 2 of them in its 党小组
		b.people(two, "full", 2)
		b.sync()
		// The sizes of the 党总支 and 党委 above a write (R-org-size) follow
		// on the hourly sync, which counts from the census: counted in the
		// write's transaction they would hold the writer (syncAround).
		open := func() string {
			return strings.Join(dbtest.Strings(t, b.DB, `SELECT dedup_key || ' ' || title || ' ' || detail || ' ' || severity || ' ' || COALESCE(due_on, '')
				FROM todos WHERE source = ? AND done_at IS NULL AND dedup_key NOT LIKE 'committee_small:%' AND dedup_key NOT LIKE 'general_%'
				ORDER BY dedup_key`, org.TodoSource), "\n")
		}
		step := func(name string, write func()) {
			t.Helper()
			write()
			got := open()
			b.sync()
			if want := open(); got != want {
				t.Errorf("%s: the write left\n%s\nthe whole tree's sync makes\n%s", name, got, want)
			}
		}
		version := func(id int64) int { return b.get(id).Version }
		step("create", func() { b.create(one, "二组", org.Group) })
		step("rename", func() {
			b.admin.Expect(200, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", one), map[string]any{"version": version(one), "name": "城关一支部"}, nil)
		})
		step("term", func() {
			b.admin.Expect(200, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", two), map[string]any{"version": version(two), "term_start": "2023-03-01"}, nil)
		})
		step("a 党小组 to another branch", func() { // 一支部 falls to 2 正式党员, 二支部 rises to 4
			b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", group), map[string]any{"parent_id": two}, nil)
		})
		step("a branch to another 分局", func() {
			b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", two), map[string]any{"parent_id": a}, nil)
		})
		var m org.CommitteeMember
		full := b.people(two, "full", 1)
		b.sync()
		step("a secretary", func() {
			b.admin.Expect(201, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee", two), map[string]any{"person_id": full[0], "post": "书记"}, &m)
		})
		step("the secretary leaves", func() {
			b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee/%d/end", two, m.ID), nil, nil)
		})
		empty := b.create(one, "三组", org.Group)
		step("dissolve", func() {
			b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", empty), map[string]any{}, nil)
		})
		if !strings.Contains(open(), fmt.Sprintf("few_full:%d", one)) {
			t.Errorf("一支部 with 2 正式党员 is not warned:\n%s", open())
		}
	})
}

// TestWarningsTodo walks each warning across its line and checks the 待办.
func TestWarningsTodo(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		// The start-up jobs post the 市局's own warnings (a 党委 of fewer
		// than 100 党员 all along).
		b.sync()
		branch := b.create(b.root, "一支部", org.Branch, "term_start", "2023-10-15") // ends 2026-10-15: 7 months away
		key := func(kind string) string { return fmt.Sprintf("%s:%d", kind, branch) }
		want := func(step string, kinds ...string) {
			t.Helper()
			var keys []string
			for _, k := range kinds {
				keys = append(keys, key(k))
			}
			keys = append(keys, fmt.Sprintf("secretary_vacant:%d", b.root), fmt.Sprintf("committee_small:%d", b.root))
			sort.Strings(keys)
			if got := b.openTodos(); got != strings.Join(keys, " ") {
				t.Errorf("%s: open 待办 %q, want %q", step, got, strings.Join(keys, " "))
			}
		}
		want("new branch", org.WarnFewFull, org.WarnSecretaryVacant)

		b.people(branch, "full", 2)
		b.sync()
		want("2 正式党员", org.WarnFewFull, org.WarnSecretaryVacant)
		ids := b.people(branch, "full", 1)
		b.sync()
		want("3 正式党员", org.WarnSecretaryVacant)

		var m org.CommitteeMember
		b.admin.Expect(201, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee", branch), map[string]any{"person_id": ids[0], "post": "书记"}, &m)
		want("书记 appointed")

		b.people(branch, "full", 3)
		b.sync()
		want("6 正式党员")
		b.people(branch, "full", 1)
		b.sync()
		want("7 正式党员, committee of 1", org.WarnNeedsCommittee)

		b.people(branch, "probationary", 43)
		b.sync()
		want("50 党员", org.WarnNeedsCommittee)
		b.people(branch, "probationary", 1)
		b.sync()
		want("51 党员", org.WarnNeedsCommittee, org.WarnTooManyMembers)

		v := b.get(branch).Version
		b.admin.Expect(200, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", branch), map[string]any{"version": v, "term_start": "2023-09-15"}, nil)
		want("term ends in 6 months", org.WarnNeedsCommittee, org.WarnTooManyMembers, org.WarnTermExpiring)
		var detail string
		b.DB.QueryRowContext(context.Background(), "SELECT due_on FROM todos WHERE dedup_key = ?", key(org.WarnTermExpiring)).Scan(&detail)
		if detail != "2026-09-15" {
			t.Errorf("due_on %q", detail)
		}
		b.admin.Expect(200, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", branch), map[string]any{"version": v + 1, "term_start": "2023-03-01"}, nil)
		want("term expired", org.WarnNeedsCommittee, org.WarnTooManyMembers, org.WarnTermExpired)

		b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee/%d/end", branch, m.ID), nil, nil)
		want("书记 left", org.WarnNeedsCommittee, org.WarnTooManyMembers, org.WarnTermExpired, org.WarnSecretaryVacant)

		// The tree shows the same warnings and counts.
		var tree struct{ Items []*org.Node }
		b.admin.Do("GET", "/api/v1/orgs", nil, &tree)
		n := tree.Items[0].Children[0]
		if n.Counts.Full != 7 || n.Counts.Probationary != 44 || n.Counts.Members != 51 || len(n.Warnings) != 4 || tree.Items[0].Counts.Members != 51 {
			t.Errorf("tree node: %+v", n)
		}
		if b.count("SELECT COUNT(*) FROM todos WHERE source = ? AND done_at IS NOT NULL", org.TodoSource) != 2 {
			t.Errorf("closed warnings are not kept as done")
		}
	})
}

func TestPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		evil := `<img src=x onerror=alert(1)>党支部`
		if st := b.admin.Form("/orgs", map[string]string{"parent_id": fmt.Sprint(b.root), "name": evil, "kind": "branch", "term_start": "2025-01-01"}); st != 303 {
			t.Fatalf("create form: %d %s", st, b.admin.Body())
		}
		id := int64(b.count("SELECT MAX(id) FROM orgs"))
		for _, path := range []string{"/orgs", fmt.Sprintf("/orgs/%d", id)} {
			var out any
			b.admin.Expect(200, "GET", path, nil, &out)
			page := b.admin.Body()
			if strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;党支部") {
				t.Errorf("%s does not escape the name", path)
			}
			if !strings.Contains(page, "正式党员不足3名") {
				t.Errorf("%s lacks the warning badge", path)
			}
		}
		if st := b.admin.Form("/orgs", map[string]string{"parent_id": fmt.Sprint(b.root), "name": "", "kind": "branch"}); st != 400 || !strings.Contains(b.admin.Body(), "组织名称不能为空") {
			t.Errorf("empty name form: %d", st)
		}
		if st := b.admin.Form(fmt.Sprintf("/orgs/%d/edit", id), map[string]string{"version": "1", "name": "二支部", "kind": "branch", "form": "edit"}); st != 303 {
			t.Errorf("edit form: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Form(fmt.Sprintf("/orgs/%d/edit", id), map[string]string{"version": "1", "name": "三支部", "kind": "branch", "form": "edit"}); st != 409 || !strings.Contains(b.admin.Body(), `value="三支部"`) {
			t.Errorf("stale edit form: %d", st)
		}
		if st := b.admin.Form(fmt.Sprintf("/orgs/%d/term", id), map[string]string{"version": "2", "term_start": "2025-02-30", "form": "term"}); st != 400 || !strings.Contains(b.admin.Body(), "任期开始日期") {
			t.Errorf("bad term form: %d", st)
		}
		if st := b.admin.Form(fmt.Sprintf("/orgs/%d/dissolve", id), map[string]string{"version": "2"}); st != 303 {
			t.Errorf("dissolve form: %d %s", st, b.admin.Body())
		}
		var out any
		if st := b.admin.Do("GET", fmt.Sprintf("/orgs/new?parent=%d", b.root), nil, &out); st != 200 || !strings.Contains(b.admin.Body(), "党总支") {
			t.Errorf("new page: %d", st)
		}
		if st := b.admin.Do("GET", fmt.Sprintf("/orgs/%d", b.root), nil, &out); st != 200 || !strings.Contains(b.admin.Body(), "党委委员") {
			t.Errorf("committee page: %d", st)
		}
		leader := e.Account(auth.Leader, b.root, 0)
		if st := leader.Do("GET", fmt.Sprintf("/orgs/%d", b.root), nil, &out); st != 200 || strings.Contains(leader.Body(), "<form method=\"post\" action=\"/orgs/") {
			t.Errorf("leader's page: %d, forms shown: %v", st, strings.Contains(leader.Body(), "组织维护"))
		}
		if st := leader.Do("GET", "/orgs?dissolved=1", nil, &out); st != 200 || !strings.Contains(leader.Body(), "已撤销") || strings.Contains(leader.Body(), "/orgs/new") {
			t.Errorf("leader's tree: %d", st)
		}
	})
}
