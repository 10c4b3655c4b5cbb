package scope_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Scope is written once, in this package: the code may not filter by the
// organisation path by hand (an empty prefix matches every organisation).
func TestNoHandWrittenScope(t *testing.T) {
	root := "../../.."
	calls := 0
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.Contains(filepath.ToSlash(path), "internal/platform/scope/") {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			for _, v := range handScoped(fset, f) {
				t.Errorf("%s: 手写的范围过滤：%s（请用 scope.Of(p)/Narrow/Where/HasOrg/Lineage/Contains）", v.pos, v.what)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && types.ExprString(sel.X) == "scope" {
					calls++
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if calls < 50 {
		t.Fatalf("only %d uses of the scope package found: the scan is broken", calls)
	}
}

// The matcher finds each way of writing scope by hand.
func TestHandScopedMatcher(t *testing.T) {
	bad := map[string]string{
		"like":         `q("SELECT 1 FROM orgs o WHERE o.path LIKE ?", p.OrgPath+"%")`,
		"not like":     "q(`SELECT 1 FROM t JOIN orgs o ON o.id = t.org_id WHERE o.path NOT LIKE ?`, x)",
		"ancestors":    `q("SELECT 1 FROM orgs o WHERE ? LIKE o.path || '%'", path)`,
		"glob":         `q("SELECT 1 FROM orgs WHERE path GLOB ?", x)`,
		"substr":       `q("SELECT 1 FROM orgs o WHERE SUBSTR(o.path, 1, ?) = ?", n, x)`,
		"prefix arg":   `q(query, root.Path + "%")`,
		"prefix test":  `ok := strings.HasPrefix(o.Path, p.OrgPath)`,
		"in scope":     `ok := p.InScope(path)`,
		"principal":    `root := web.Principal(r).OrgPath`,
		"principal p":  `sub := org.Subtree(ctx, q, p.OrgPath)`,
		"slice prefix": `ok := len(path) >= len(root) && path[:len(root)] == root`,
	}
	for name, src := range bad {
		if vs := handScoped(parse(t, src)); len(vs) == 0 {
			t.Errorf("%s: not caught: %s", name, src)
		}
	}
	good := []string{
		`q("SELECT 1 FROM persons p WHERE p.name LIKE ?", "%"+n+"%")`,
		`w, args := scope.Of(p).Where("o.path")`,
		`ok := strings.HasPrefix(r.URL.Path, "/static/")`,
		`ok := path == n.Href || strings.HasPrefix(path, n.Href+"/")`,
		`err := row.Scan(&p.OrgID, &p.OrgPath)`,
		`p.OrgPath = *orgPath`,
		`c := Case{OrgPath: o.Path}`,
		`cells = cells[:len(header)]`,
	}
	for _, src := range good {
		if vs := handScoped(parse(t, src)); len(vs) > 0 {
			t.Errorf("flagged %s: %v", src, vs)
		}
	}
}

func parse(t *testing.T, stmt string) (*token.FileSet, *ast.File) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "sample.go", "package x\nfunc f() {\n"+stmt+"\n}\n", 0)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return fset, f
}

type violation struct {
	pos  token.Position
	what string
}

var (
	// SQL that compares a path column by pattern or substring.
	sqlPath = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bpath\s+(not\s+)?(i?like|glob|similar\s+to)\b`),
		regexp.MustCompile(`(?i)\b(i?like|glob)\s+[\w.]*path\b`),
		regexp.MustCompile(`(?i)\b(substr|substring|instr|left|starts_with|position|strpos)\s*\([^)]*\bpath\b`),
	}
	pathName = regexp.MustCompile(`(?i)path|root`)
)

// handScoped lists the places of f that filter by organisation path
// without the scope package.
func handScoped(fset *token.FileSet, f *ast.File) []violation {
	var out []violation
	add := func(n ast.Node, what string) { out = append(out, violation{fset.Position(n.Pos()), what}) }
	written := map[ast.Expr]bool{} // p.OrgPath as a destination: &p.OrgPath, p.OrgPath = …
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				written[n.X] = true
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				written[l] = true
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				break
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				s = n.Value
			}
			for _, re := range sqlPath {
				if m := re.FindString(s); m != "" {
					add(n, "SQL “"+m+"”")
				}
			}
		case *ast.BinaryExpr:
			// path + "%": a LIKE pattern made of a path.
			if lit, ok := n.Y.(*ast.BasicLit); ok && n.Op == token.ADD && lit.Value == `"%"` && pathName.MatchString(types.ExprString(n.X)) {
				add(n, types.ExprString(n))
			}
			// path[:len(root)] == root: a prefix test by slicing.
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, side := range []ast.Expr{n.X, n.Y} {
					if sl, ok := side.(*ast.SliceExpr); ok && sl.High != nil && pathName.MatchString(types.ExprString(sl)) &&
						strings.HasPrefix(types.ExprString(sl.High), "len(") {
						add(n, types.ExprString(n))
					}
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				break
			}
			switch {
			case sel.Sel.Name == "InScope":
				add(n, types.ExprString(n))
			case types.ExprString(sel) == "strings.HasPrefix" && len(n.Args) == 2 && !hasLiteral(n) &&
				pathName.MatchString(types.ExprString(n.Args[0])+" "+types.ExprString(n.Args[1])):
				add(n, types.ExprString(n))
			}
		case *ast.SelectorExpr:
			// The principal's path read directly instead of scope.Of(p).
			if x := types.ExprString(n.X); n.Sel.Name == "OrgPath" && !written[n] && (x == "p" || strings.HasSuffix(x, "Principal(r)")) {
				add(n, types.ExprString(n))
			}
		}
		return true
	})
	return out
}

// hasLiteral reports whether a call's arguments hold a literal (a fixed URL
// prefix like "/static/", not an organisation path).
func hasLiteral(call *ast.CallExpr) bool {
	found := false
	for _, a := range call.Args {
		ast.Inspect(a, func(n ast.Node) bool {
			if _, ok := n.(*ast.BasicLit); ok {
				found = true
			}
			return !found
		})
	}
	return found
}
