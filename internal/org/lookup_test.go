package org

import (
	"context"
	"strings"
	"testing"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// The reads other features share: ancestors and the approving 党委, pickers,
// the scope narrowed to a filter, and the whole-bureau administrator.
func TestSharedReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// 1 市局 › 2, 5 分局 › 3, 4 and 6, 7 支部.
		paths := plantTree(t, d, 2, 2, 0)
		if paths[7] != "/1/5/7/" {
			t.Fatalf("paths %v", paths)
		}
		ids := func(os []Org) string {
			var s []string
			for _, o := range os {
				s = append(s, o.Name)
			}
			return strings.Join(s, ",")
		}
		as, err := Ancestors(ctx, d, paths[3])
		if err != nil || ids(as) != "第1分局第1支部,第1分局党委,市公安局党委" {
			t.Fatalf("ancestors %s %v", ids(as), err)
		}
		approver := func(id int64) int64 {
			t.Helper()
			a, err := Approver(ctx, d, paths[id])
			ix, ierr := All(ctx, d)
			if err != nil || ierr != nil {
				t.Fatal(err, ierr)
			}
			var got, fromIndex int64
			if a != nil {
				got = a.ID
			}
			if a := ix.Approver(id); a != nil {
				fromIndex = a.ID
			}
			if got != fromIndex {
				t.Fatalf("approver of %d: %d, from the index %d", id, got, fromIndex)
			}
			return got
		}
		if a := approver(3); a != 0 {
			t.Fatalf("nobody approves yet, got %d", a)
		}
		if _, err := d.ExecContext(ctx, "UPDATE orgs SET can_approve = 1 WHERE id IN (1, 2)"); err != nil {
			t.Fatal(err)
		}
		if a3, a6 := approver(3), approver(6); a3 != 2 || a6 != 1 {
			t.Fatalf("approvers %d %d", a3, a6)
		}

		if _, err := d.ExecContext(ctx, "UPDATE orgs SET dissolved_on = '2026-01-01' WHERE id = 4"); err != nil {
			t.Fatal(err)
		}
		opts, err := Options(ctx, d, scope.Under(paths[2]))
		if err != nil || len(opts) != 2 || opts[0].ID != 2 || opts[0].Indent != "" || opts[1].ID != 3 || opts[1].Indent != "　" {
			t.Fatalf("options %+v %v", opts, err)
		}
		choices, err := Choices(ctx, d, scope.Under(paths[2]))
		if err != nil || ids(choices) != "第1分局党委,第1分局第1支部" {
			t.Fatalf("choices %s %v", ids(choices), err)
		}
		// 7 organisations: the first 分局's 3 are wide at 1/3, not at 1/2.
		for _, c := range []struct {
			s           scope.Subtree
			part        int
			whole, wide bool
		}{
			{scope.All(), 100, true, true}, {scope.Under(paths[1]), 100, true, true},
			{scope.Under(paths[2]), 2, false, false}, {scope.Under(paths[2]), 3, false, true}, {scope.Subtree{}, 1, false, false},
		} {
			if whole, wide, err := Share(ctx, d, c.s, c.part); err != nil || whole != c.whole || wide != c.wide {
				t.Errorf("share %q 1/%d: whole %v wide %v %v", c.s.Root(), c.part, whole, wide, err)
			}
		}

		admin := &auth.Principal{Role: auth.OrgAdmin, OrgID: 2, OrgPath: paths[2]}
		if sc, err := Narrow(ctx, d, admin, 0); err != nil || sc.Root() != paths[2] {
			t.Fatalf("narrow 0: %q %v", sc.Root(), err)
		}
		if sc, err := Narrow(ctx, d, admin, 3); err != nil || sc.Root() != paths[3] {
			t.Fatalf("narrow 3: %q %v", sc.Root(), err)
		}
		for _, id := range []int64{1, 6, 999} {
			if _, err := Narrow(ctx, d, admin, id); !fail.IsNotFound(err) {
				t.Errorf("narrow %d: %v", id, err)
			}
		}
		if _, err := WritablePath(ctx, d, &auth.Principal{Role: auth.Leader, OrgID: 2, OrgPath: paths[2]}, 3); !fail.IsNotFound(err) {
			t.Errorf("a 领导 writes: %v", err)
		}

		// A second tree: the first no longer holds every organisation.
		if _, err := d.ExecContext(ctx, "INSERT INTO orgs (name, kind, path, created_at, updated_at) VALUES ('另一党委', ?, '/900/', 0, 0)", Committee); err != nil {
			t.Fatal(err)
		}
		if whole, wide, err := Share(ctx, d, scope.Under(paths[1]), 100); err != nil || whole || !wide {
			t.Errorf("share with a second root: whole %v wide %v %v", whole, wide, err)
		}
	})
}

func TestBureauAdmin(t *testing.T) {
	for _, c := range []struct {
		p    *auth.Principal
		want bool
	}{
		{&auth.Principal{Role: auth.OrgAdmin, OrgPath: "/1/"}, true},
		{&auth.Principal{Role: auth.OrgAdmin, OrgPath: "/1/5/"}, false},
		{&auth.Principal{Role: auth.Leader, OrgPath: "/1/"}, false},
		{&auth.Principal{Role: auth.SysAdmin, OrgPath: "/1/"}, false},
		{&auth.Principal{Role: auth.OrgAdmin}, false},
		{nil, false},
	} {
		if got := BureauAdmin(c.p); got != c.want {
			t.Errorf("%+v: %v", c.p, got)
		}
	}
}
