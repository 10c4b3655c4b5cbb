package cellsafe

import (
	"fmt"
	"hongdun/internal/platform/web"
	"net/http"

	"github.com/xuri/excelize/v2"
)

// Sheet is one worksheet of an .xlsx export: a title row when Title is
// set, the header, then the rows.
type Sheet struct {
	Name, Title string
	Header      []any
	Rows        [][]any
}

// SendXLSX answers with an .xlsx download of the sheets, every cell
// through Row; file is the name the browser saves (Chinese allowed).
func SendXLSX(w http.ResponseWriter, file string, sheets ...Sheet) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }() // only temporary files to remove; the reply is written
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		var all [][]any
		if s.Title != "" {
			all = append(all, []any{s.Title})
		}
		all = append(append(all, s.Header), s.Rows...)
		for j, cells := range all {
			if err := SetSheetRow(f, s.Name, fmt.Sprintf("A%d", j+1), cells...); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(s.Name, "B", "P", 16); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, file)
	return f.Write(w)
}
