package org_test

import (
	"context"
	"fmt"
	"net/url"
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
			found, more, err := org.Search(ctx, d, s, q, org.Only{})
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
		found, more, err := org.Search(ctx, d, path(root), "大队", org.Only{})
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

// A picker of a subset searches only that subset (what lies below the
// root, kinds, 党委 with 审批权限), and finds an organisation by the pinyin of its name or short
// name, its initials in any case: 「sjj」 finds 市局机关第一党支部.
func TestSearchNarrowsAndSpells(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root := dbtest.AddOrg(t, d, dbtest.Org{Name: "中共西安市公安局委员会", Kind: org.Committee, CanApprove: true})
		yt := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "中共西安市公安局雁塔分局委员会", Kind: org.Committee})
		xz := dbtest.AddOrg(t, d, dbtest.Org{Parent: yt, Name: "刑侦大队党总支", Kind: org.General})
		jg := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "市局机关第一党支部", Kind: org.Branch})
		lh := dbtest.AddOrg(t, d, dbtest.Org{Parent: xz, Name: "刑侦联合党支部", Kind: org.Joint})
		group := dbtest.AddOrg(t, d, dbtest.Org{Parent: jg, Name: "第一党小组", Kind: org.Group})
		var rootPath string
		if err := d.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", root).Scan(&rootPath); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			q    string
			only org.Only
			want []int64
		}{
			{"", org.Only{Below: true}, []int64{yt, jg, xz, group, lh}}, // shallower first
			{"", org.Only{Kinds: org.BranchKinds}, []int64{jg, lh}},
			{"", org.Only{Approve: true}, []int64{root}},
			{"", org.Only{Kinds: []string{org.Committee, org.General}}, []int64{root, yt, xz}},
			{"刑侦", org.Only{Kinds: []string{org.Joint}}, []int64{lh}},
			{"sjj", org.Only{}, []int64{jg}},
			{"SJJ", org.Only{}, []int64{jg}},
			{"ytfj", org.Only{}, []int64{yt}},
			{"yanta", org.Only{}, []int64{yt}},
			{"xzdd", org.Only{Kinds: org.BranchKinds}, nil},
			{"xzdd", org.Only{}, []int64{xz}},
		} {
			found, _, err := org.Search(ctx, d, scope.Under(rootPath), c.q, c.only)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, o := range found {
				got = append(got, o.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%q %+v: %v, want %v", c.q, c.only, got, c.want)
			}
		}
	})
}

// The search's narrowing reads back from its query, and what it may not
// name is refused.
func TestOnlyQuery(t *testing.T) {
	for _, f := range []org.Only{{}, {Kinds: org.BranchKinds}, {Approve: true}, {Kinds: []string{org.Branch}, Bureau: true}, {Root: 7, Below: true, Kinds: []string{org.Committee, org.General}}} {
		q, err := url.ParseQuery(f.Query())
		if err != nil {
			t.Fatal(err)
		}
		if back, err := org.ParseOnly(q); err != nil || fmt.Sprint(back) != fmt.Sprint(f) {
			t.Errorf("%+v → %q → %+v, %v", f, f.Query(), back, err)
		}
	}
	for _, q := range []string{"kind=cell", "kind=branch,", "approve=yes", "bureau=1", "bureau=1&kind=committee", "bureau=1&kind=branch&root=3", "below=1", "root=x"} {
		v, _ := url.ParseQuery(q)
		if _, err := org.ParseOnly(v); err == nil {
			t.Errorf("%s is taken", q)
		}
	}
}

// BenchmarkPickIndex is the index a search builds once per version of the
// tree, spelling every organisation's name and short name: 19,262
// organisations as at a million members.
func BenchmarkPickIndex(b *testing.B) {
	list := make([]org.Org, 19262)
	for i := range list {
		list[i] = org.Org{ID: int64(i + 1), Name: fmt.Sprintf("雁塔分局长延堡派出所第%d警务区党支部", i), Kind: org.Branch}
	}
	for b.Loop() {
		org.NewPickIndex(list)
	}
}
