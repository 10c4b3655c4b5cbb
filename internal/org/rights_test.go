package org_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
)

// orgRow is what the rights tests compare: the fields that decide who
// approves whom, and the version any write bumps.
func (b *bureau) structure(id int64) string {
	b.t.Helper()
	var kind string
	var approve, version int
	var parent *int64
	if err := b.DB.QueryRowContext(context.Background(), "SELECT kind, can_approve, version, parent_id FROM orgs WHERE id = ?", id).Scan(&kind, &approve, &version, &parent); err != nil {
		b.t.Fatal(err)
	}
	p := int64(0)
	if parent != nil {
		p = *parent
	}
	return fmt.Sprintf("%s approve=%d v%d parent=%d", kind, approve, version, p)
}

// A branch 党务管理员 must not turn its own 党支部 into a 党委 with 审批权限
// (and then approve its own development cases), over the API or the page.
func TestScopeRootKeepsKindAndRights(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee, "can_approve", true)
		branch := b.create(a, "城关派出所党支部", org.Branch)
		sub := b.create(a, "巡警大队党支部", org.Branch)
		branchAdmin := e.Account(auth.OrgAdmin, branch, 0)
		aAdmin := e.Account(auth.OrgAdmin, a, 0)

		before, history := b.structure(branch), b.count("SELECT COUNT(*) FROM org_history")
		audits := b.count("SELECT COUNT(*) FROM audit_log WHERE action = 'org.update'")
		patch := fmt.Sprintf("/api/v1/orgs/%d", branch)
		for _, body := range []map[string]any{
			{"version": 1, "kind": "committee", "can_approve": true},
			{"version": 1, "kind": "committee"},
			{"version": 1, "kind": "general"},
		} {
			var out struct{ Error web.Error }
			st := branchAdmin.Do("PATCH", patch, body, &out)
			if st != 403 || !strings.Contains(out.Error.Message, "管辖范围的根组织") || !strings.Contains(out.Error.Message, "上级党组织") {
				t.Errorf("PATCH own root %v: %d %s; want 403 with a Chinese reason", body, st, branchAdmin.Body())
			}
		}
		// The same over the web form, as the page would post it.
		form := url.Values{"form": {"edit"}, "version": {"1"}, "name": {"城关派出所党支部"}, "short_name": {""},
			"kind": {"committee"}, "can_approve": {"1"}, "sort": {"0"}}
		if st := branchAdmin.PostForm(fmt.Sprintf("/orgs/%d/edit", branch), form); st != 403 || !strings.Contains(branchAdmin.Body(), "管辖范围的根组织") {
			t.Errorf("edit form on own root: %d, want 403 with the reason on the page", st)
		}
		if got := b.structure(branch); got != before {
			t.Errorf("refused changes changed the branch: %s, was %s", got, before)
		}
		if n := b.count("SELECT COUNT(*) FROM org_history"); n != history {
			t.Errorf("refused changes wrote history")
		}
		if n := b.count("SELECT COUNT(*) FROM audit_log WHERE action = 'org.update'"); n != audits {
			t.Errorf("refused changes wrote an audit record")
		}

		// The page offers the root of one's scope no kind, 审批权限, move or
		// dissolve control; renaming it still works.
		branchAdmin.Expect(200, "GET", fmt.Sprintf("/orgs/%d", branch), nil, nil) // detail page
		page := branchAdmin.Body()
		for _, ctl := range []string{`name="kind"`, `name="can_approve"`, "/move", "/dissolve"} {
			if strings.Contains(page, ctl) {
				t.Errorf("own root's page shows %s", ctl)
			}
		}
		if !strings.Contains(page, "由上级党组织调整") {
			t.Errorf("own root's page does not say who changes its kind")
		}
		delete(form, "kind")
		delete(form, "can_approve")
		form.Set("name", "城关所党支部")
		if st := branchAdmin.PostForm(fmt.Sprintf("/orgs/%d/edit", branch), form); st != 303 {
			t.Errorf("rename own root through the page: %d %s", st, branchAdmin.Body())
		}
		if got := b.structure(branch); got != "branch approve=0 v2 parent="+fmt.Sprint(a) {
			t.Errorf("after rename: %s", got)
		}

		// Whoever administers the parent may still change the kind: 甲分局's
		// admin over its branch (page and API), the bureau over 甲分局.
		if st := aAdmin.Do("GET", fmt.Sprintf("/orgs/%d", sub), nil, nil); st != 200 || !strings.Contains(aAdmin.Body(), `name="kind"`) {
			t.Errorf("parent's admin sees no kind control: %d", st)
		}
		var o org.Org
		if st := aAdmin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", sub), map[string]any{"version": 1, "kind": "committee", "can_approve": true}, &o); st != 200 || o.Kind != org.Committee || !o.CanApprove {
			t.Errorf("parent's admin makes a branch an approving 党委: %d %s", st, aAdmin.Body())
		}
		if st := aAdmin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", a), map[string]any{"version": 1, "can_approve": false}, nil); st != 403 {
			t.Errorf("甲分局's admin revokes its own 审批权限: %d %s", st, aAdmin.Body())
		}
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", a), map[string]any{"version": 1, "can_approve": false}, &o); st != 200 || o.CanApprove {
			t.Errorf("bureau revokes 甲分局's 审批权限: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", b.root), map[string]any{"version": 1, "can_approve": false}, nil); st != 403 {
			t.Errorf("bureau admin changes the bureau's own 审批权限: %d %s", st, b.admin.Body())
		}
	})
}

// A 党委 without 审批权限 must not hand it to a 党委 of its own making and
// then move its branches there: only a scope that holds 审批权限 grants it.
func TestGrantNeedsApprovalInScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		n := b.create(b.root, "乙分局党委", org.Committee)
		child := b.create(n, "乙分局机关党委", org.Committee)
		nAdmin := e.Account(auth.OrgAdmin, n, 0)
		orgs := b.count("SELECT COUNT(*) FROM orgs")

		var out struct{ Error web.Error }
		st := nAdmin.Do("POST", "/api/v1/orgs", map[string]any{"parent_id": n, "name": "乙分局第二党委", "kind": "committee", "can_approve": true}, &out)
		if st != 403 || !strings.Contains(out.Error.Message, "不能授予") {
			t.Errorf("create an approving 党委 without 审批权限 in scope: %d %s", st, nAdmin.Body())
		}
		form := url.Values{"parent_id": {fmt.Sprint(n)}, "name": {"乙分局第二党委"}, "kind": {"committee"}, "can_approve": {"1"}}
		if st := nAdmin.PostForm("/orgs", form); st != 403 || !strings.Contains(nAdmin.Body(), "不能授予") {
			t.Errorf("create form: %d", st)
		}
		if b.count("SELECT COUNT(*) FROM orgs") != orgs {
			t.Errorf("a refused create made an organisation")
		}
		before := b.structure(child)
		if st := nAdmin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", child), map[string]any{"version": 1, "can_approve": true}, nil); st != 403 {
			t.Errorf("grant 审批权限 below a 党委 without it: %d %s", st, nAdmin.Body())
		}
		form = url.Values{"form": {"edit"}, "version": {"1"}, "name": {"乙分局机关党委"}, "kind": {"committee"}, "can_approve": {"1"}}
		if st := nAdmin.PostForm(fmt.Sprintf("/orgs/%d/edit", child), form); st != 403 {
			t.Errorf("grant through the page: %d", st)
		}
		if got := b.structure(child); got != before {
			t.Errorf("refused grant changed the 党委: %s, was %s", got, before)
		}
		for _, path := range []string{fmt.Sprintf("/orgs/%d", child), fmt.Sprintf("/orgs/new?parent=%d", n)} {
			if st := nAdmin.Do("GET", path, nil, nil); st != 200 || strings.Contains(nAdmin.Body(), `name="can_approve"`) {
				t.Errorf("%s offers 审批权限 to a scope without it: %d", path, st)
			}
		}
		// The bureau, which holds 审批权限, may grant it there.
		var o org.Org
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", child), map[string]any{"version": 1, "can_approve": true}, &o); st != 200 || !o.CanApprove {
			t.Errorf("bureau grants 审批权限: %d %s", st, b.admin.Body())
		}
	})
}
