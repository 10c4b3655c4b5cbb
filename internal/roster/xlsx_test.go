package roster

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// excelizeRows reads every sheet with excelize's row iterator and raw
// values, the reference the streaming reader must agree with, but for
// numbers of 16 digits or more, which the reader shows in the scientific
// form (number).
func excelizeRows(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			t.Fatal(err)
		}
		for r := 1; rows.Next(); r++ {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			for c, v := range cells {
				ref, _ := excelize.CoordinatesToCellName(c+1, r)
				if kind, err := f.GetCellType(name, ref); err == nil && len(v) >= 16 && (kind == excelize.CellTypeNumber || kind == excelize.CellTypeUnset) {
					cells[c] = number(v)
				}
			}
			out[name] = append(out[name], trimCells(cells))
		}
		rows.Close()
	}
	return out
}

func streamedRows(t *testing.T, path string) map[string][][]string {
	t.Helper()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out := map[string][][]string{}
	for _, name := range b.SheetNames() {
		s, err := b.Sheet(name)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		for s.Next() {
			for len(rows) < s.Row()-1 { // excelize returns the rows a sheet skips, empty
				rows = append(rows, []string{})
			}
			rows = append(rows, trimCells(append([]string{}, s.Cells()...)))
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

func sameRows(t *testing.T, path string) {
	t.Helper()
	want, got := excelizeRows(t, path), streamedRows(t, path)
	compared := 0
	for name, rows := range want {
		for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
			rows = rows[:len(rows)-1]
		}
		g := got[name]
		for len(g) > 0 && len(g[len(g)-1]) == 0 {
			g = g[:len(g)-1]
		}
		for i := range max(len(rows), len(g)) {
			var w, h []string
			if i < len(rows) {
				w = rows[i]
			}
			if i < len(g) {
				h = g[i]
			}
			if len(w)+len(h) > 0 && !reflect.DeepEqual(w, h) {
				t.Fatalf("%s %s row %d: streamed %q, excelize %q", filepath.Base(path), name, i+1, h, w)
			}
			if len(w) > 0 {
				compared++
			}
		}
	}
	if len(got) != len(want) || compared < 3 {
		t.Fatalf("%s: sheets %d, excelize %d; %d rows compared", path, len(got), len(want), compared)
	}
	t.Logf("%s: %d rows alike", filepath.Base(path), compared)
}

// TestXLSXReaderMatchesExcelize reads the test rosters and a workbook with
// every kind of cell both ways.
func TestXLSXReaderMatchesExcelize(t *testing.T) {
	sameRows(t, "../../testdata/roster-clean/roster.xlsx")
	sameRows(t, "../../testdata/roster-bad/roster.xlsx")

	f := excelize.NewFile()
	sh := "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "党员花名册 & <名单>")
	f.MergeCell(sh, "A1", "D1")
	set("A3", "姓名")
	set("B3", " 白\u3000英洋 ")
	set("C3", 370102198503121234)
	set("D3", 3.70102e+17)
	set("E3", true)
	set("F3", time.Date(1985, 3, 12, 0, 0, 0, 0, time.UTC))
	set("G3", 12.5)
	set("H3", "line\r\nbreak\ttab")
	set("AB3", "far column")
	if err := f.SetCellFormula(sh, "I3", "G3*2"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellRichText(sh, "J3", []excelize.RichTextRun{{Text: "红"}, {Text: "盾", Font: &excelize.Font{Bold: true}}}); err != nil {
		t.Fatal(err)
	}
	set("B7", "after a gap")
	f.NewSheet("组织")
	sw, err := f.NewStreamWriter("组织")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 30; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("第%d支部", i), "市局党委", i, i%2 == 0, "'quoted' \"double\""}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kinds.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	sameRows(t, path)
}

func TestXLSXRowCountFromDimension(t *testing.T) {
	b, err := Open("../../testdata/roster-clean/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	members, _, err := Locate(b)
	if err != nil {
		t.Fatal(err)
	}
	if n := RowCount(b, members.Sheet); n < members.HeaderRow+100 {
		t.Fatalf("RowCount = %d", n)
	}
}

func TestCellText(t *testing.T) {
	for in, want := range map[string]string{
		"a &amp; b &lt;c&gt; &#x4E2D;&#25991;": "a & b <c> 中文",
		"line_x000D_break":                     "line\rbreak",
		"_x_ and _x12_ stay":                   "_x_ and _x12_ stay",
	} {
		if got := cellText([]byte(in)); got != want {
			t.Errorf("cellText(%q) = %q, want %q", in, got, want)
		}
	}
}
