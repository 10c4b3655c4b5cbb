// Package cellsafe keeps the spreadsheets and CSV files Hongdun writes from
// carrying live formulas (CSV or formula injection, OWASP): a cell whose text
// a spreadsheet program would read as a formula — it starts with = + - @, a
// tab or a carriage return (or their full-width forms, which some input
// methods and WPS treat alike) — is written with a leading apostrophe, so
// that it stays text. Every .xlsx and .csv the product writes passes every
// cell through here.
package cellsafe

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Text returns s neutralised: unchanged unless it starts like a formula,
// also behind spaces (a program that trims cells would read it as one).
func Text(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if r == '\t' || r == '\r' {
		return "'" + s
	}
	r, _ = utf8.DecodeRuneInString(strings.TrimLeftFunc(s, unicode.IsSpace))
	switch r {
	case '=', '+', '-', '@', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

// Risky reports whether Text would change s.
func Risky(s string) bool { return Text(s) != s }

// Value neutralises one cell value for excelize: strings, Stringers and
// excelize.Cell values holding them; numbers, times and booleans are never
// formulas and pass unchanged.
func Value(v any) any {
	switch x := v.(type) {
	case string:
		return Text(x)
	case []byte:
		return Text(string(x))
	case excelize.Cell:
		x.Value = Value(x.Value)
		return x
	case *excelize.Cell:
		c := *x
		c.Value = Value(c.Value)
		return c
	case time.Time:
		return x
	case interface{ String() string }:
		return Text(x.String())
	}
	return v
}

// Row neutralises every cell of a row for SetRow / SetSheetRow, in a new slice.
func Row(cells ...any) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = Value(c)
	}
	return out
}

// Strings is Row for a row of strings.
func Strings(cells []string) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = Text(c)
	}
	return out
}

// CSV writes CSV with every field neutralised.
type CSV struct {
	w   *csv.Writer
	buf []string
}

// NewCSV returns a CSV writer on w.
func NewCSV(w io.Writer) *CSV { return &CSV{w: csv.NewWriter(w)} }

// Write writes one record.
func (c *CSV) Write(record []string) error {
	c.buf = c.buf[:0]
	for _, f := range record {
		c.buf = append(c.buf, Text(f))
	}
	return c.w.Write(c.buf)
}

// Flush writes buffered data and returns any error so far.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// SetCellStr sets one text cell of f, neutralised.
func SetCellStr(f *excelize.File, sheet, cell, value string) error {
	return f.SetCellStr(sheet, cell, Text(value))
}

// SetSheetRow sets a row of f from cell on, every value neutralised.
func SetSheetRow(f *excelize.File, sheet, cell string, cells ...any) error {
	row := Row(cells...)
	return f.SetSheetRow(sheet, cell, &row)
}

// Unquote undoes Text for a value read back from a file the product wrote,
// so that an export can be imported again unchanged.
func Unquote(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && Risky(rest) {
		return rest
	}
	return s
}

// CheckXLSX reads a workbook the product wrote and reports the first cell
// that holds a formula or text a spreadsheet would take for one; tests of
// every export call it.
func CheckXLSX(r io.Reader) error {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		for i, row := range rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					return fmt.Errorf("%s!%s 含公式 %q", sheet, cell, formula)
				}
				if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
					if _, err := strconv.ParseFloat(v, 64); err == nil {
						continue // a number, not text
					}
				}
				if Risky(v) {
					return fmt.Errorf("%s!%s 以公式字符开头: %q", sheet, cell, v)
				}
			}
		}
	}
	return nil
}

// CheckCSV is CheckXLSX for CSV (a leading UTF-8 BOM is allowed).
func CheckCSV(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for j, v := range rec {
			if line == 1 && j == 0 {
				v = strings.TrimPrefix(v, "\ufeff")
			}
			if Risky(v) {
				return fmt.Errorf("第 %d 行第 %d 列以公式字符开头: %q", line, j+1, v)
			}
		}
	}
}
