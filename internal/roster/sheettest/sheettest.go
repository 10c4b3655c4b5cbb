// Package sheettest builds, in tests, the spreadsheets offices really
// keep: titles above the header, merged and hidden cells, several sheets,
// the 1904 date system, a password, and CSV in the encodings and
// separators Excel and WPS write. Nothing large is committed: every test
// makes its files.
package sheettest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Sheet is one worksheet: its rows from A1 (any value excelize writes:
// strings, numbers, time.Time for a date cell), merged ranges, hidden rows (1-based) and columns.
type Sheet struct {
	Name       string
	Rows       [][]any
	Merge      [][2]string // top-left and bottom-right cells
	HiddenRows []int
	HiddenCols []string
	// Formats sets a number format per column letter (e.g. "yyyy-mm-dd").
	Formats map[string]string
}

// Formula is a cell holding a formula and the value Excel cached for it.
type Formula struct {
	Expr   string
	Cached string
}

// Options apply to a whole workbook.
type Options struct {
	Date1904 bool
	Password string
}

// XLSX writes the sheets as a workbook, in order.
func XLSX(t testing.TB, opt Options, sheets ...Sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if opt.Date1904 {
		yes := true
		must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	}
	for i, s := range sheets {
		if i == 0 {
			must(f.SetSheetName("Sheet1", s.Name))
		} else if _, err := f.NewSheet(s.Name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case nil:
				default:
					must(f.SetCellValue(s.Name, cell, v))
				}
			}
		}
		for col, format := range s.Formats {
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
			must(err)
			must(f.SetColStyle(s.Name, col, style))
		}
		for _, m := range s.Merge {
			must(f.MergeCell(s.Name, m[0], m[1]))
		}
		for _, r := range s.HiddenRows {
			must(f.SetRowVisible(s.Name, r, false))
		}
		for _, c := range s.HiddenCols {
			must(f.SetColVisible(s.Name, c, false))
		}
	}
	var buf bytes.Buffer
	must(f.Write(&buf, excelize.Options{Password: opt.Password}))
	return buf.Bytes()
}

// Encodings of a CSV file as Excel and WPS save it.
const (
	UTF8    = "UTF-8"
	UTF8BOM = "UTF-8 BOM"
	GBK     = "GBK"
	UTF16LE = "UTF-16LE" // Excel's “Unicode 文本”, tab-separated, with a BOM
)

// CSV writes rows separated by sep (',' or '\t') in enc, with CRLF line
// ends; a cell holding sep, a quote or a line break is quoted.
func CSV(t testing.TB, enc string, sep rune, rows [][]string) []byte {
	t.Helper()
	var b strings.Builder
	for _, row := range rows {
		for i, c := range row {
			if i > 0 {
				b.WriteRune(sep)
			}
			if strings.ContainsAny(c, string(sep)+"\"\r\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	s := b.String()
	switch enc {
	case UTF8:
		return []byte(s)
	case UTF8BOM:
		return append([]byte("\xEF\xBB\xBF"), s...)
	case GBK:
		out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(out)
	case UTF16LE:
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(out)
	}
	t.Fatalf("unknown encoding %q", enc)
	return nil
}

// File writes b under name in the test's temporary directory.
func File(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Texts turns rows of strings into rows of cells.
func Texts(rows ...[]string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, c := range r {
			if c != "" {
				out[i][j] = c
			}
		}
	}
	return out
}

// Docx is a Word document: what an office uploads when a .docx was renamed
// .xlsx.
func Docx(t testing.TB) []byte {
	t.Helper()
	return zipOf(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>党员花名册</w:t></w:r></w:p></w:body></w:document>`,
	})
}

// Raw is a one-sheet workbook written by hand, as Excel writes it: text
// cells (string), numbers (float64) and formulas with their cached value
// (Formula) from A1, followed by rows styled but empty down to row last,
// as when a whole column was formatted (Excel's last row is 1,048,576).
func Raw(t testing.TB, rows [][]any, last int) []byte {
	t.Helper()
	var sheet strings.Builder
	text := func(s string) string {
		var esc bytes.Buffer
		_ = xml.EscapeText(&esc, []byte(s)) // writes to memory
		return esc.String()
	}
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	sheet.WriteString(`<dimension ref="A1:XFD` + strconv.Itoa(max(last, len(rows))) + `"/><sheetData>`)
	for r, row := range rows {
		sheet.WriteString(`<row r="` + strconv.Itoa(r+1) + `">`)
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			switch v := v.(type) {
			case string:
				sheet.WriteString(`<c r="` + cell + `" t="inlineStr"><is><t>` + text(v) + `</t></is></c>`)
			case float64:
				sheet.WriteString(`<c r="` + cell + `"><v>` + strconv.FormatFloat(v, 'G', 15, 64) + `</v></c>`)
			case Formula:
				sheet.WriteString(`<c r="` + cell + `" t="str"><f>` + text(v.Expr) + `</f><v>` + text(v.Cached) + `</v></c>`)
			case nil:
			default:
				t.Fatalf("cell %s: %T", cell, v)
			}
		}
		sheet.WriteString(`</row>`)
	}
	for r := len(rows) + 1; r <= last; r++ {
		sheet.WriteString(`<row r="` + strconv.Itoa(r) + `" s="1" customFormat="1"/>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	return zipOf(t, map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet.String(),
	})
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := z.Create(name)
		if err == nil {
			_, err = w.Write([]byte(body))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
