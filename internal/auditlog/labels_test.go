package auditlog

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Every action and object type written anywhere in the code (the Action and
// ObjectType of each audit.Event, and what flows into them) must have a
// Chinese name, so the auditor never reads a code.
func TestEveryActionHasAChineseName(t *testing.T) {
	s := scanCode(t, "../..")
	if len(s.actions) < 40 {
		t.Fatalf("only %d actions found: the scanner is broken", len(s.actions))
	}
	for _, a := range sortedKeys(s.actions) {
		if _, ok := actionLabels[a]; !ok {
			t.Errorf("事件 %q（%s）没有中文名称：在 internal/auditlog/labels.go 的 actionLabels 中添加", a, s.actions[a])
		}
	}
	for _, o := range sortedKeys(s.objects) {
		if _, ok := objectLabels[o]; !ok && o != "" {
			t.Errorf("对象类型 %q（%s）没有中文名称：在 internal/auditlog/labels.go 的 objectLabels 中添加", o, s.objects[o])
		}
	}
	for _, e := range s.errs {
		t.Error(e)
	}
}

// The scanner itself must see through the ways actions are built today.
func TestScannerResolvesComputedActions(t *testing.T) {
	s := scanCode(t, "../..")
	for _, a := range []string{"login.fail", "login.lockout", "login.otp_pending", "member.create", "org.move",
		"develop.publicity", "transfer.receive", "training.checkin.manual", "training.course.create", "audit.seal"} {
		if _, ok := s.actions[a]; !ok {
			t.Errorf("scanner missed %q", a)
		}
	}
	if _, ok := s.objects["training_course"]; !ok {
		t.Error("scanner missed object type training_course")
	}
}

type codeScan struct {
	fset    *token.FileSet
	pkgs    map[string][]*ast.File // by directory relative to the module root
	fileOf  map[*ast.FuncDecl]*ast.File
	enums   map[string][]string
	actions map[string]string // action → where
	objects map[string]string
	errs    []string
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func scanCode(t *testing.T, root string) *codeScan {
	t.Helper()
	s := &codeScan{fset: token.NewFileSet(), pkgs: map[string][]*ast.File{}, fileOf: map[*ast.FuncDecl]*ast.File{},
		actions: map[string]string{}, objects: map[string]string{}}
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(s.fset, path, nil, 0)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			rel = filepath.ToSlash(rel)
			s.pkgs[rel] = append(s.pkgs[rel], f)
			for _, decl := range f.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok {
					s.fileOf[fn] = f
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Values that come from data rather than code, enumerated from the
	// code that defines them.
	s.enums = map[string][]string{
		"internal/develop|rec.Kind":               s.constsWithPrefix("internal/rules", "Act"),
		`internal/transfer|r.PathValue("action")`: s.innerMapKeys("internal/transfer", "steps"),
		"internal/transfer|st.action":             s.innerMapKeys("internal/transfer", "steps"),
		"internal/community|stepActions[in.Step]": s.mapValues("internal/community", "stepActions"),
	}
	for dir, files := range s.pkgs {
		for _, f := range files {
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					switch x := n.(type) {
					case *ast.CompositeLit:
						if !isEvent(x.Type, dir) {
							return true
						}
						for _, el := range x.Elts {
							kv, ok := el.(*ast.KeyValueExpr)
							if !ok {
								continue
							}
							if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Action" || k.Name == "ObjectType") {
								s.collect(k.Name, kv.Value, fn, dir)
							}
						}
					case *ast.AssignStmt:
						for i, lhs := range x.Lhs {
							if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Action" && len(x.Rhs) == len(x.Lhs) {
								s.collect("Action", x.Rhs[i], fn, dir)
							}
						}
					}
					return true
				})
			}
		}
	}
	return s
}

func isEvent(typ ast.Expr, dir string) bool {
	switch x := typ.(type) {
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && id.Name == "audit" && x.Sel.Name == "Event"
	case *ast.Ident:
		return dir == "internal/platform/audit" && x.Name == "Event"
	}
	return false
}

func (s *codeScan) collect(key string, e ast.Expr, fn *ast.FuncDecl, dir string) {
	where := s.fset.Position(e.Pos())
	vals, err := s.resolve(e, fn, dir, 0)
	if err != nil {
		s.errs = append(s.errs, fmt.Sprintf("%s:%d: 无法确定 %s 的取值（%v）：请用字符串常量，或在 labels_test.go 的 enums 中说明其取值从何而来", where.Filename, where.Line, key, err))
		return
	}
	m := s.actions
	if key == "ObjectType" {
		m = s.objects
	}
	for _, v := range vals {
		if _, ok := m[v]; !ok {
			m[v] = fmt.Sprintf("%s:%d", filepath.Base(where.Filename), where.Line)
		}
	}
}

// resolve returns every string e can take, following constants, local
// assignments and, for a parameter, the arguments of every call of the
// function in its package.
func (s *codeScan) resolve(e ast.Expr, fn *ast.FuncDecl, dir string, depth int) ([]string, error) {
	if depth > 8 {
		return nil, fmt.Errorf("嵌套过深")
	}
	if vals, ok := s.enums[dir+"|"+types.ExprString(e)]; ok {
		if len(vals) == 0 {
			return nil, fmt.Errorf("%s 的枚举为空", types.ExprString(e))
		}
		return vals, nil
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			v, err := strconv.Unquote(x.Value)
			return []string{v}, err
		}
	case *ast.ParenExpr:
		return s.resolve(x.X, fn, dir, depth+1)
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, err := s.resolve(x.X, fn, dir, depth+1)
			if err != nil {
				return nil, err
			}
			b, err := s.resolve(x.Y, fn, dir, depth+1)
			if err != nil {
				return nil, err
			}
			var out []string
			for _, p := range a {
				for _, q := range b {
					out = append(out, p+q)
				}
			}
			return out, nil
		}
	case *ast.CallExpr:
		if types.ExprString(x.Fun) == "strings.TrimPrefix" && len(x.Args) == 2 {
			a, err := s.resolve(x.Args[0], fn, dir, depth+1)
			if err != nil {
				return nil, err
			}
			b, err := s.resolve(x.Args[1], fn, dir, depth+1)
			if err != nil || len(b) != 1 {
				return nil, fmt.Errorf("strings.TrimPrefix 的前缀不是常量")
			}
			var out []string
			for _, p := range a {
				out = append(out, strings.TrimPrefix(p, b[0]))
			}
			return out, nil
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && fn != nil {
			for _, imp := range s.fileOf[fn].Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				name := filepath.Base(path)
				if imp.Name != nil {
					name = imp.Name.Name
				}
				if name == id.Name && strings.HasPrefix(path, "hongdun/") {
					if v := s.constValue(strings.TrimPrefix(path, "hongdun/"), x.Sel.Name); v != nil {
						return s.resolve(v, nil, strings.TrimPrefix(path, "hongdun/"), depth+1)
					}
				}
			}
		}
	case *ast.Ident:
		if v := s.constValue(dir, x.Name); v != nil {
			return s.resolve(v, nil, dir, depth+1)
		}
		if fn == nil {
			break
		}
		var out []string
		found := false
		var ferr error
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch a := n.(type) {
			case *ast.AssignStmt:
				for i, lhs := range a.Lhs {
					if id, ok := lhs.(*ast.Ident); ok && id.Name == x.Name {
						found = true
						if len(a.Rhs) != len(a.Lhs) {
							ferr = fmt.Errorf("%s 由多值赋值得来", x.Name)
							return false
						}
						v, err := s.resolve(a.Rhs[i], fn, dir, depth+1)
						if err != nil {
							ferr = err
						}
						out = append(out, v...)
					}
				}
			case *ast.ValueSpec:
				for i, id := range a.Names {
					if id.Name == x.Name && i < len(a.Values) {
						found = true
						v, err := s.resolve(a.Values[i], fn, dir, depth+1)
						if err != nil {
							ferr = err
						}
						out = append(out, v...)
					}
				}
			}
			return true
		})
		if ferr != nil {
			return nil, ferr
		}
		if idx := paramIndex(fn, x.Name); idx >= 0 {
			found = true
			calls := 0
			for _, f := range s.pkgs[dir] {
				for _, decl := range f.Decls {
					caller, ok := decl.(*ast.FuncDecl)
					if !ok || caller.Body == nil {
						continue
					}
					var cerr error
					ast.Inspect(caller.Body, func(n ast.Node) bool {
						call, ok := n.(*ast.CallExpr)
						if !ok || calleeName(call) != fn.Name.Name || len(call.Args) <= idx {
							return true
						}
						calls++
						v, err := s.resolve(call.Args[idx], caller, dir, depth+1)
						if err != nil {
							cerr = err
						}
						out = append(out, v...)
						return true
					})
					if cerr != nil {
						return nil, cerr
					}
				}
			}
			if calls == 0 {
				return nil, fmt.Errorf("参数 %s 在包内没有调用方", x.Name)
			}
		}
		if found {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s", types.ExprString(e))
}

func paramIndex(fn *ast.FuncDecl, name string) int {
	i := 0
	for _, field := range fn.Type.Params.List {
		for _, n := range field.Names {
			if n.Name == name {
				return i
			}
			i++
		}
		if len(field.Names) == 0 {
			i++
		}
	}
	return -1
}

func calleeName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// constValue is the expression of a package-level constant (or string
// variable) of dir.
func (s *codeScan) constValue(dir, name string) ast.Expr {
	for _, f := range s.pkgs[dir] {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || (g.Tok != token.CONST && g.Tok != token.VAR) {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if n.Name == name && i < len(vs.Values) {
						if _, ok := vs.Values[i].(*ast.BasicLit); ok || g.Tok == token.CONST {
							return vs.Values[i]
						}
					}
				}
			}
		}
	}
	return nil
}

func (s *codeScan) constsWithPrefix(dir, prefix string) []string {
	var out []string
	for _, f := range s.pkgs[dir] {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if lit, ok := valueAt(vs, i).(*ast.BasicLit); ok && strings.HasPrefix(n.Name, prefix) && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out = append(out, v)
					}
				}
			}
		}
	}
	return out
}

func valueAt(vs *ast.ValueSpec, i int) ast.Expr {
	if i < len(vs.Values) {
		return vs.Values[i]
	}
	return nil
}

// innerMapKeys returns the string keys of the inner maps of a package-level
// map-of-maps variable.
// mapValues are the string values of the package-level map literal name.
func (s *codeScan) mapValues(dir, name string) []string {
	var out []string
	for _, f := range s.pkgs[dir] {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					m, ok := valueAt(vs, i).(*ast.CompositeLit)
					if n.Name != name || !ok {
						continue
					}
					for _, el := range m.Elts {
						if lit, ok := el.(*ast.KeyValueExpr).Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							v, _ := strconv.Unquote(lit.Value)
							out = append(out, v)
						}
					}
				}
			}
		}
	}
	return out
}

func (s *codeScan) innerMapKeys(dir, name string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range s.pkgs[dir] {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					outer, ok := valueAt(vs, i).(*ast.CompositeLit)
					if n.Name != name || !ok {
						continue
					}
					for _, el := range outer.Elts {
						inner, ok := el.(*ast.KeyValueExpr).Value.(*ast.CompositeLit)
						if !ok {
							continue
						}
						for _, el := range inner.Elts {
							if lit, ok := el.(*ast.KeyValueExpr).Key.(*ast.BasicLit); ok && lit.Kind == token.STRING {
								v, _ := strconv.Unquote(lit.Value)
								if !seen[v] {
									seen[v] = true
									out = append(out, v)
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

func TestDetailInWords(t *testing.T) {
	for _, c := range []struct{ action, raw, want string }{
		{"org.update", `{"before":{"name":"甲","version":1},"after":{"name":"乙","version":2}}`, "修改 名称：甲 → 乙"},
		{"org.update", `{"before":{"name":"甲","version":1},"after":{"name":"甲","version":2}}`, "无变化"},
		{"org.create", `{"after":{"name":"乙","kind":"branch"}}`, "新值：类型：党支部，名称：乙"},
		{"wartime.team.create", `{"after":{"name":"乙","kind":"branch"}}`, "新值：类型：临时党支部，名称：乙"},
		{"member.reveal", `{"fields":["id_number","phone"]}`, "字段：身份证号、电话"},
		{"account.role", `{"before":{"role":"orgadmin","org_id":3},"after":{"role":"leader","org_id":3}}`, "修改 角色：党务管理员 → 领导"},
		{"member.search", `{"filter":{"q":"张","org_id":3},"total":5}`, "筛选条件：（党组织编号：3，关键词：张），总数：5"},
		{"member.search", `{"filter":"org=3&per_page=50&status=probationary","total_exact":true}`, "筛选条件：党组织编号：3；每页条数：50；状态：预备党员，总数为精确数：是"},
		{"exam.create", `{"after":{"mode":"contest","opens_at":1795914000000}}`, "新值：方式：知识竞赛，开放时间：2026-11-29 09:00"},
		{"org.warnings.sync", `{"posted":["few_full:120"]}`, "新增提醒：正式党员人数不足（党组织编号 120）"},
		{"audit.search", "action=login&page=2", "事件：登录（全部）；页码：2"},
		{"audit.export", `{"filter":"action=member.search","rows":3}`, "筛选条件：事件：检索党员，行数：3"},
		{"login.fail", "无此用户", "无此用户"},
		{"login.ok", `"web"`, "网页登录"},
		{"login.ok", "web", "网页登录"},
		{"org.update", "", ""},
	} {
		if got := Detail(c.action, c.raw); got != c.want {
			t.Errorf("Detail(%s, %s) = %q, want %q", c.action, c.raw, got, c.want)
		}
	}
}
