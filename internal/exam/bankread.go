package exam

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/sheetlimit"
	"hongdun/internal/platform/web"
)

// MaxBankUpload is the largest question-bank workbook accepted: 5,000
// questions take about 1 MB.
const MaxBankUpload = 20 << 20

func bankTooLarge() error {
	return &web.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
		Message: fmt.Sprintf("文件过大（上限 %d MB）", MaxBankUpload>>20)}
}

// refusedFile answers a workbook over the limits of sheetlimit (a zip bomb)
// like an oversize upload: 413, with the reason.
func refusedFile(err error) error {
	return &web.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file", Message: err.Error()}
}

// readRows reads the first sheet of a question-bank workbook as excelize's
// GetRows would (rows numbered from 1, empty rows between kept, trailing
// ones dropped), within the limits every spreadsheet reader shares.
// excelize loads every part of the archive into memory, so the archive is
// checked first: the sizes its central directory declares, then every part
// inflated once (without keeping it) against the same limits, since a part
// may lie about its size. Only then does excelize see it, and at most
// maxRows+1 rows of at most len(header) cells are kept.
func readRows(r io.Reader) ([][]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBankUpload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBankUpload {
		return nil, bankTooLarge()
	}
	z, err := sheetlimit.OpenZipBytes(b)
	if err == nil {
		err = z.Verify()
	}
	if errors.Is(err, sheetlimit.ErrTooLarge) {
		return nil, refusedFile(err)
	}
	if err != nil {
		return nil, ferr("file", "无法读取文件：请上传 .xlsx 格式的题库模板")
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: sheetlimit.MaxTotal,
		UnzipXMLSizeLimit: min(16<<20, sheetlimit.MaxPart)})
	if err != nil {
		return nil, ferr("file", "无法读取文件：请上传 .xlsx 格式的题库模板")
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return nil, ferr("file", "无法读取第一个工作表")
	}
	defer it.Close()
	var rows [][]string
	empty := 0 // empty rows since the last kept one
	for it.Next() {
		cells, err := it.Columns()
		if err != nil {
			return nil, ferr("file", "无法读取第一个工作表")
		}
		if len(cells) == 0 {
			empty++
			continue
		}
		if len(rows)+empty > maxRows { // this row would be past the limit
			return nil, ferr("file", "一次最多导入 %d 道题", maxRows)
		}
		rows = append(rows, make([][]string, empty)...)
		empty = 0
		if len(cells) > len(header) {
			cells = cells[:len(header)]
		}
		rows = append(rows, cells)
	}
	if err := it.Error(); err != nil {
		return nil, ferr("file", "无法读取第一个工作表")
	}
	return rows, nil
}
