package exam

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"hongdun/internal/platform/sheetlimit"
	"hongdun/internal/platform/web"
	"hongdun/internal/roster"
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

// bankColumns are the template's columns (header), in order, with the
// other names offices give them.
var bankColumns = func() []roster.Def {
	other := map[string][]string{
		"题型": {"题目类型", "试题类型", "类型"},
		"题干": {"题目", "试题", "题目内容", "试题内容", "问题"},
		"答案": {"正确答案", "参考答案", "标准答案"},
		"标签": {"分类", "题目分类", "知识点", "类别"},
		"难度": {"难易程度", "难易度", "难度等级"},
		"解析": {"答案解析", "试题解析", "说明"},
	}
	defs := make([]roster.Def, len(header))
	for i, h := range header {
		syn := other[h]
		if letter, ok := strings.CutPrefix(h, "选项"); ok {
			syn = []string{letter, letter + "选项", "选项" + letter + "内容"}
		}
		defs[i] = roster.Def{Field: roster.Field(h), Label: h, Synonyms: syn}
	}
	return defs
}()

// bankRow is a row of a question-bank sheet in the template's column order,
// with its row number as the spreadsheet shows it.
type bankRow struct {
	n     int
	cells []string
}

// readRows reads a question bank as every import reads a spreadsheet
// (roster.Open, within the limits of sheetlimit: an .xlsx, .xls or CSV
// file, its header found below titles on the first sheet that has one,
// notes rows skipped, cells cleaned), each row in the template's column
// order; more than maxRows rows are refused.
func readRows(r io.Reader) (_ []bankRow, err error) {
	tmp, err := os.CreateTemp("", "hongdun-bank-*")
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, os.Remove(tmp.Name())) }()
	n, err := io.Copy(tmp, io.LimitReader(r, MaxBankUpload+1))
	if err = errors.Join(err, tmp.Close()); err != nil {
		return nil, err
	}
	if n > MaxBankUpload {
		return nil, bankTooLarge()
	}
	book, err := roster.Open(tmp.Name())
	switch {
	case errors.Is(err, sheetlimit.ErrTooLarge):
		return nil, refusedFile(err)
	case errors.Is(err, roster.ErrFormat):
		return nil, ferr("file", "%s", err.Error())
	case err != nil:
		return nil, ferr("file", "无法读取文件（文件可能已损坏）：请用 Excel 或 WPS 打开后另存为 .xlsx，再按题库模板上传")
	}
	defer func() { err = errors.Join(err, book.Close()) }()
	var layout *roster.Layout
	for _, name := range book.SheetNames() {
		l, err := roster.FindLayout(book, name, bankColumns)
		if err != nil {
			return nil, readFailed(err)
		}
		if l != nil && l.Mapping.Has(roster.Field(header[colKind])) && l.Mapping.Has(roster.Field(header[colStem])) {
			layout = l
			break
		}
	}
	if layout == nil {
		return nil, ferr("file", "未找到题库的表头：各工作表的前 20 行中须有一行含“题型”“题干”“答案”等列；请下载题库导入模板（.xlsx），按模板填写")
	}
	for _, c := range []int{colAnswer, colDiff} {
		if !layout.Mapping.Has(roster.Field(header[c])) {
			return nil, ferr("file", "工作表“%s”第 %d 行的表头中没有“%s”列：请按题库导入模板填写", layout.Sheet, layout.HeaderRow, header[c])
		}
	}
	s, err := book.Sheet(layout.Sheet)
	if err != nil {
		return nil, readFailed(err)
	}
	var rows []bankRow
	for s.Next() {
		if s.Row() <= layout.HeaderRow || roster.Skip(s.Cells()) {
			continue
		}
		if len(rows) == maxRows {
			return nil, ferr("file", "一次最多导入 %d 道题", maxRows)
		}
		cells := make([]string, len(header))
		for i, f := range layout.Mapping {
			if f != "" && i < len(s.Cells()) {
				cells[slices.Index(header, string(f))] = roster.Cell(s.Cells()[i])
			}
		}
		rows = append(rows, bankRow{n: s.Row(), cells: cells})
	}
	if err := s.Err(); err != nil {
		return nil, readFailed(err)
	}
	return rows, nil
}

// readFailed answers a sheet that could not be read to its end.
func readFailed(err error) error {
	if errors.Is(err, sheetlimit.ErrTooLarge) {
		return refusedFile(err)
	}
	return ferr("file", "%s", err.Error())
}
