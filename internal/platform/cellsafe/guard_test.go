package cellsafe_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Every cell the product writes goes through this package: the code may
// not set spreadsheet cells or write CSV any other way. Test-support
// packages (named *test, such as roster/sheettest) are not the product:
// they write cells raw on purpose, as offices' files hold them.
func TestEveryWriterUsesCellsafe(t *testing.T) {
	root := "../../.."
	fset := token.NewFileSet()
	direct := map[string]bool{"SetCellValue": true, "SetCellStr": true, "SetCellDefault": true, "SetSheetRow": true,
		"SetSheetCol": true, "SetCellRichText": true, "SetCellFormula": true}
	checked := 0
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.HasSuffix(filepath.Base(filepath.Dir(path)), "test") ||
				strings.Contains(filepath.ToSlash(path), "internal/platform/cellsafe/") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				recv := types.ExprString(sel.X)
				pos := fset.Position(call.Pos())
				switch {
				case recv == "cellsafe":
					checked++
				case recv == "csv" && sel.Sel.Name == "NewWriter":
					t.Errorf("%s:%d: csv.NewWriter：请用 cellsafe.NewCSV，使每个单元格免于公式注入", pos.Filename, pos.Line)
				case direct[sel.Sel.Name]:
					t.Errorf("%s:%d: %s.%s 直接写单元格：请用 cellsafe.SetCellStr / cellsafe.SetSheetRow", pos.Filename, pos.Line, recv, sel.Sel.Name)
				case sel.Sel.Name == "SetRow" && len(call.Args) == 2:
					arg, ok := call.Args[1].(*ast.CallExpr)
					if fun, isSel := funOf(arg); !ok || !isSel || !strings.HasPrefix(fun, "cellsafe.") {
						t.Errorf("%s:%d: %s.SetRow 的单元格须经 cellsafe.Row / cellsafe.Strings", pos.Filename, pos.Line, recv)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 5 {
		t.Fatalf("only %d cellsafe calls found: the scan is broken", checked)
	}
}

func funOf(call *ast.CallExpr) (string, bool) {
	if call == nil {
		return "", false
	}
	_, ok := call.Fun.(*ast.SelectorExpr)
	return types.ExprString(call.Fun), ok
}
