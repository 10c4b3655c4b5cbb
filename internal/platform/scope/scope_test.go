package scope

import (
	"testing"

	"hongdun/internal/platform/auth"
)

func TestEmptyScopeMatchesNothing(t *testing.T) {
	for _, p := range []*auth.Principal{nil,
		{Role: auth.SysAdmin, OrgPath: "/1/"}, {Role: auth.Auditor}, {Role: auth.Member, OrgPath: "/1/"},
		{Role: auth.OrgAdmin, OrgPath: ""}, {Role: auth.Leader, OrgPath: "%"}, {Role: auth.OrgAdmin, OrgPath: "/1/%"},
	} {
		s := Of(p)
		if !s.Empty() || s.Contains("/1/") || s.Contains("") {
			t.Errorf("%+v: scope %q not empty", p, s.Root())
		}
		if w, args := s.Where("o.path"); w != "1 = 0" || args != nil {
			t.Errorf("%+v: %s %v", p, w, args)
		}
	}
}

func TestRangeHoldsExactlyTheSubtree(t *testing.T) {
	s := Of(&auth.Principal{Role: auth.OrgAdmin, OrgPath: "/1/4/"})
	w, args := s.Where("o.path")
	if w != "(o.path >= ? AND o.path < ?)" || args[0] != "/1/4/" || args[1] != "/1/40" {
		t.Fatalf("%s %v", w, args)
	}
	in := func(p string) bool { return p >= args[0].(string) && p < args[1].(string) }
	for path, want := range map[string]bool{"/1/4/": true, "/1/4/9/": true, "/1/4/10/22/": true,
		"/1/40/": false, "/1/41/": false, "/1/3/": false, "/1/": false, "/1/5/": false} {
		if in(path) != want || s.Contains(path) != want {
			t.Errorf("%s: range %v, contains %v, want %v", path, in(path), s.Contains(path), want)
		}
	}
}

func TestNarrowNeverWidens(t *testing.T) {
	s := Under("/1/4/")
	if got := s.Narrow("/1/4/7/").Root(); got != "/1/4/7/" {
		t.Fatal(got)
	}
	for _, p := range []string{"/1/", "/1/5/", "/1/40/", ""} {
		if !s.Narrow(p).Empty() {
			t.Errorf("%s widened the scope", p)
		}
	}
}

func TestHasOrgAndLineage(t *testing.T) {
	s := Under("/1/4/7/")
	if w, args := s.HasOrg("p.org_id"); w != "p.org_id IN (SELECT id FROM orgs WHERE (path >= ? AND path < ?))" || len(args) != 2 || args[1] != "/1/4/70" {
		t.Errorf("%s %v", w, args)
	}
	if w, args := s.Lineage("o.path"); w != "o.path IN (?, ?, ?)" || args[0] != "/1/" || args[1] != "/1/4/" || args[2] != "/1/4/7/" {
		t.Errorf("%s %v", w, args)
	}
	for _, w := range []string{first(Subtree{}.HasOrg("p.org_id")), first(Subtree{}.Lineage("o.path")), first(All().Lineage("o.path"))} {
		if w != "1 = 0" {
			t.Errorf("empty scope: %s", w)
		}
	}
}

func first(s string, _ []any) string { return s }

func TestAllHoldsEveryPath(t *testing.T) {
	s := All()
	w, args := s.Where("o.path")
	if s.Empty() || !s.Contains("/1/") || !s.Contains("/9/4/") || w != "(o.path >= ? AND o.path < ?)" || args[0] != "/" || args[1] != "0" {
		t.Fatalf("%s %v", w, args)
	}
	if s.Narrow("/9/").Root() != "/9/" {
		t.Fatal("narrow")
	}
}
