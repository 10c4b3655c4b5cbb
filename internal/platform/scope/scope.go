// Package scope is the one way to limit a query to the organisation subtree a
// caller may see. It fails closed: a principal without a subtree (三员, 党员,
// a half-made account) gets the empty scope, whose condition matches no row.
//
// A subtree is a range on the materialised organisation path ("/1/4/" covers
// every path from "/1/4/" up to, not including, "/1/40"), so a query walks an
// index on the path instead of checking a list of organisation ids.
package scope

import (
	"strings"

	"hongdun/internal/platform/auth"
)

// Subtree is a set of organisations: the root's path and everything below it.
// The zero Subtree is empty.
type Subtree struct{ path string }

// Of is the caller's subtree: the scope root of a 党务管理员 or 领导, empty for
// every other role and for nil.
func Of(p *auth.Principal) Subtree {
	if p == nil || !p.Role.Scoped() {
		return Subtree{}
	}
	return Under(p.OrgPath)
}

// All is every organisation: for system jobs (the warning sync) and the
// few bureau-wide lists (receiving branches of a transfer), never a caller's
// scope.
func All() Subtree { return Subtree{"/"} }

// Under is the subtree rooted at an organisation's path. A path that is not a
// well-formed materialised path ("/1/4/") gives the empty subtree.
func Under(path string) Subtree {
	if len(path) < 3 || path[0] != '/' || path[len(path)-1] != '/' || strings.Contains(path, "//") {
		return Subtree{}
	}
	for _, c := range path {
		if c != '/' && (c < '0' || c > '9') {
			return Subtree{}
		}
	}
	return Subtree{path}
}

// Empty reports whether the subtree holds no organisation.
func (s Subtree) Empty() bool { return s.path == "" }

// Root is the path of the subtree's root ("" when empty).
func (s Subtree) Root() string { return s.path }

// Contains reports whether an organisation, by its path, is in the subtree.
func (s Subtree) Contains(path string) bool {
	return s.path != "" && strings.HasPrefix(path, s.path)
}

// Narrow is the subtree of path when that organisation lies inside s; the
// empty subtree otherwise, so a filter can never widen a scope.
func (s Subtree) Narrow(path string) Subtree {
	if !s.Contains(path) {
		return Subtree{}
	}
	return Under(path)
}

// Where is the SQL condition that keeps rows whose path column col is in the
// subtree, with its arguments. For the empty subtree it is false.
func (s Subtree) Where(col string) (string, []any) {
	if s.path == "" {
		return "1 = 0", nil
	}
	// '0' follows '/' in byte order: the range holds exactly the paths with this prefix.
	return "(" + col + " >= ? AND " + col + " < ?)", []any{s.path, s.path[:len(s.path)-1] + "0"}
}

// HasOrg is the SQL condition that keeps rows whose organisation id column
// col names an organisation of the subtree: a semi-join on the path range,
// for tables that carry only an org_id. For the empty subtree it is false.
func (s Subtree) HasOrg(col string) (string, []any) {
	w, args := s.Where("path")
	if s.path == "" {
		return w, args
	}
	return col + " IN (SELECT id FROM orgs WHERE " + w + ")", args
}

// Lineage is the SQL condition that keeps rows whose path column col is the
// root or one of its ancestors: what a subtree inherits from above (the
// 市局's question bank, a program for a whole 分局). For the empty subtree it
// is false.
func (s Subtree) Lineage(col string) (string, []any) {
	var args []any
	for i := 1; i < len(s.path); i++ {
		if s.path[i] == '/' {
			args = append(args, s.path[:i+1])
		}
	}
	if len(args) == 0 { // empty, or All: no organisation is above the tree
		return "1 = 0", nil
	}
	return col + " IN (?" + strings.Repeat(", ?", len(args)-1) + ")", args
}
