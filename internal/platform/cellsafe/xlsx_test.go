package cellsafe

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSendXLSX: sheets in order, the title row only when set, a formula
// in a cell written as text, and a download named in Chinese.
func TestSendXLSX(t *testing.T) {
	rec := httptest.NewRecorder()
	err := SendXLSX(rec, "名单.xlsx",
		Sheet{Name: "进度", Title: "走访进度", Header: []any{"党组织", "已走访"}, Rows: [][]any{{"城关派出所党支部", 3}}},
		Sheet{Name: "名单", Header: []any{"姓名"}, Rows: [][]any{{"=HYPERLINK(\"x\")"}}})
	if err != nil {
		t.Fatal(err)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "%E5%90%8D%E5%8D%95.xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "进度" || got[1] != "名单" {
		t.Fatalf("sheets %v", got)
	}
	first, _ := f.GetRows("进度")
	if len(first) != 3 || first[0][0] != "走访进度" || first[1][1] != "已走访" || first[2][0] != "城关派出所党支部" || first[2][1] != "3" {
		t.Errorf("进度 %v", first)
	}
	second, _ := f.GetRows("名单")
	if len(second) != 2 || second[0][0] != "姓名" || second[1][0] != Text("=HYPERLINK(\"x\")") {
		t.Errorf("名单 %v", second)
	}
	if formula, _ := f.GetCellFormula("名单", "A2"); formula != "" {
		t.Errorf("a formula was written: %q", formula)
	}
}
