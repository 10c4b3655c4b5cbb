package cellsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/cellsafe"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"=cmd|' /C calc'!A0":          "'=cmd|' /C calc'!A0",
		`=HYPERLINK("http://x","点我")`: `'=HYPERLINK("http://x","点我")`,
		"+1+1":                        "'+1+1",
		"-2+3":                        "'-2+3",
		"@SUM(A1)":                    "'@SUM(A1)",
		"\t=1":                        "'\t=1",
		"\r=1":                        "'\r=1",
		"＝1+1":                        "'＝1+1",
		"张三":                          "张三",
		"":                            "",
		"a=1":                         "a=1",
		"'=1":                         "'=1",
		"010-12345678":                "010-12345678",
		// a formula behind spaces (some programs trim a cell before reading it)
		" =1+1":                "' =1+1",
		"\u3000\u00a0@SUM(A1)": "'\u3000\u00a0@SUM(A1)",
		"\n-1+1":               "'\n-1+1",
		"  张三":                 "  张三",
	} {
		if got := cellsafe.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
		if got := cellsafe.Unquote(cellsafe.Text(in)); got != in && in != "'=1" {
			t.Errorf("Unquote(Text(%q)) = %q", in, got)
		}
	}
	row := cellsafe.Row("=1", 5, -3, excelize.Cell{Value: "-x"}, true)
	if row[0] != "'=1" || row[1] != 5 || row[2] != -3 || row[3].(excelize.Cell).Value != "'-x" || row[4] != true {
		t.Fatalf("Row: %#v", row)
	}
}

func TestCSVAndChecks(t *testing.T) {
	var b bytes.Buffer
	w := cellsafe.NewCSV(&b)
	w.Write([]string{"=cmd|' /C calc'!A0", "@x", "ok"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if recs[0][0] != "'=cmd|' /C calc'!A0" || recs[0][1] != "'@x" || recs[0][2] != "ok" {
		t.Fatalf("%q", recs)
	}
	if err := cellsafe.CheckCSV(bytes.NewReader(b.Bytes())); err != nil {
		t.Fatal(err)
	}
	if err := cellsafe.CheckCSV(bytes.NewReader([]byte("\ufeffa,=1\n"))); err == nil {
		t.Fatal("live formula in CSV not caught")
	}
	f := excelize.NewFile()
	f.SetCellStr("Sheet1", "A1", "=1+1")
	f.SetCellValue("Sheet1", "B1", -5)
	var x bytes.Buffer
	f.Write(&x)
	if err := cellsafe.CheckXLSX(bytes.NewReader(x.Bytes())); err == nil {
		t.Fatal("formula-leading text in xlsx not caught")
	}
	f.SetCellStr("Sheet1", "A1", cellsafe.Text("=1+1"))
	x.Reset()
	f.Write(&x)
	if err := cellsafe.CheckXLSX(bytes.NewReader(x.Bytes())); err != nil {
		t.Fatal(err)
	}
	f.SetCellFormula("Sheet1", "C1", "SUM(B1)")
	x.Reset()
	f.Write(&x)
	if err := cellsafe.CheckXLSX(bytes.NewReader(x.Bytes())); err == nil {
		t.Fatal("formula cell not caught")
	}
}
