package org_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/org"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// Search finds live organisations of the scope by name or short name,
// the named one first, each with the path of short names that tells
// namesakes apart, at most PickMax; it follows a rename at once, and the
// empty scope finds nothing.
func TestSearchFindsByNameWithinScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root := dbtest.AddOrg(t, d, dbtest.Org{Name: "中共西安市公安局委员会", Kind: org.Committee})
		a := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "中共西安市公安局雁塔分局委员会", Kind: org.Committee})
		b := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "中共西安市公安局碑林分局委员会", Kind: org.Committee})
		xa := dbtest.AddOrg(t, d, dbtest.Org{Parent: a, Name: "刑侦大队党总支", Kind: org.General})
		one := dbtest.AddOrg(t, d, dbtest.Org{Parent: xa, Name: "第一党支部", Kind: org.Branch})
		xb := dbtest.AddOrg(t, d, dbtest.Org{Parent: b, Name: "刑侦大队党总支", Kind: org.General})
		dbtest.AddOrg(t, d, dbtest.Org{Parent: xb, Name: "第一党支部", Kind: org.Branch})
		gone := dbtest.AddOrg(t, d, dbtest.Org{Parent: xa, Name: "第一党支部（旧）", Kind: org.Branch})
		if _, err := d.ExecContext(ctx, "UPDATE orgs SET dissolved_on = '2026-01-01' WHERE id = ?", gone); err != nil {
			t.Fatal(err)
		}
		path := func(id int64) scope.Subtree {
			var p string
			if err := d.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&p); err != nil {
				t.Fatal(err)
			}
			return scope.Under(p)
		}
		search := func(s scope.Subtree, q string) string {
			t.Helper()
			found, more, err := org.Search(ctx, d, s, q)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(found, more)
		}
		for _, c := range []struct {
			s      scope.Subtree
			q, out string
		}{
			{path(root), "第一党支部", fmt.Sprintf("[{%d 第一党支部 雁塔分局 › 刑侦大队党总支 › 第一党支部} {%d 第一党支部 碑林分局 › 刑侦大队党总支 › 第一党支部}] false", one, one+2)},
			{path(a), "第一", fmt.Sprintf("[{%d 第一党支部 刑侦大队党总支 › 第一党支部}] false", one)},
			{path(a), "碑林", "[] false"},
			{path(root), "雁塔分局", fmt.Sprintf("[{%d 中共西安市公安局雁塔分局委员会 雁塔分局}] false", a)}, // by its short name
			{path(a), "", fmt.Sprintf("[{%d 中共西安市公安局雁塔分局委员会 雁塔分局} {%d 刑侦大队党总支 刑侦大队党总支} {%d 第一党支部 刑侦大队党总支 › 第一党支部}] false", a, xa, one)},
			{scope.Subtree{}, "", "[] false"},
			{scope.Subtree{}, "第一", "[] false"},
		} {
			if got := search(c.s, c.q); got != c.out {
				t.Errorf("%q in %q: %s, want %s", c.q, c.s.Root(), got, c.out)
			}
		}
		// The exact name first, then names starting with it, however deep.
		for i := range org.PickMax + 5 {
			dbtest.AddOrg(t, d, dbtest.Org{Parent: b, Name: fmt.Sprintf("治安大队第%d党支部", i+1), Kind: org.Branch})
		}
		deep := dbtest.AddOrg(t, d, dbtest.Org{Parent: xb, Name: "大队", Kind: org.Branch})
		found, more, err := org.Search(ctx, d, path(root), "大队")
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != org.PickMax || !more || found[0].ID != deep || found[1].ID != xa || found[2].ID != xb {
			t.Errorf("大队: %v, more %v", found, more)
		}
		if _, err := d.ExecContext(ctx, "UPDATE orgs SET name = '第二党支部' WHERE id = ?", one); err != nil {
			t.Fatal(err)
		}
		if got, want := search(path(a), "第二"), fmt.Sprintf("[{%d 第二党支部 刑侦大队党总支 › 第二党支部}] false", one); got != want {
			t.Errorf("after the rename: %s, want %s", got, want)
		}
	})
}
