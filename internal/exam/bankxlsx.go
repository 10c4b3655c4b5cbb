package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/db"
)

// The sheet layout of the import template and the export.
var header = []string{"题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H", "答案", "标签", "难度", "解析"}

const (
	colKind   = 0
	colStem   = 1
	colOpt    = 2
	colAnswer = 10
	colTag    = 11
	colDiff   = 12
	colExpl   = 13
	sheet     = "题库"
	maxRows   = 5000
)

// Template writes the import template: the header, two example rows, and
// drop-down validation for type, tag and difficulty.
func Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	rows := [][]any{
		toAny(header),
		{"单选题", "党的最高领导机关是（　）。", "党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会", "", "", "", "", "A", "党章", "易", "党章第十条"},
		{"填空题", "党员领导干部应当把（　）作为必修课。", "", "", "", "", "", "", "", "", "党章|学习党章", "党章", "中", "多个空用“；”分隔，同一空的多个可接受答案用“|”分隔"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := cellsafe.SetSheetRow(f, sheet, cell, r...); err != nil {
			return err
		}
	}
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F5E6E6"}, Pattern: 1}})
	if err == nil {
		err = errors.Join(f.SetRowStyle(sheet, 1, 1, style), f.SetColWidth(sheet, "B", "B", 50), f.SetColWidth(sheet, "C", "J", 18))
	}
	if err != nil {
		return err
	}
	lists := []struct {
		col    string
		values []string
		strict bool
	}{
		{"A", []string{"单选题", "多选题", "判断题", "填空题"}, true},
		{"L", Tags, false},
		{"M", []string{"易", "中", "难"}, true},
	}
	for _, l := range lists {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", l.col, l.col, maxRows+1)
		if err := dv.SetDropList(l.values); err != nil {
			return err
		}
		if !l.strict {
			dv.SetError(excelize.DataValidationErrorStyleInformation, "标签", "可选用常用标签，也可填写其他标签")
		} else {
			dv.SetError(excelize.DataValidationErrorStyleStop, "输入无效", "请从下拉列表中选择")
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// RowError is a refused row of an import, numbered as Excel shows it.
type RowError struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

// ImportError lists every bad row; nothing was imported.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	return fmt.Sprintf("导入未执行：共 %d 行有误，请修改后重新导入", len(e.Rows))
}

// ParseSheet reads questions from a workbook, with the sheet row of each.
// Every bad row is reported; a nil error means every row is good.
func ParseSheet(r io.Reader, orgID int64) ([]Question, []int, error) {
	rows, err := readRows(r)
	if err != nil {
		return nil, nil, err
	}
	var out []Question
	var nums []int
	var bad []RowError
	seen := map[string]int{}
	for _, br := range rows {
		n, row := br.n, br.cells
		cell := func(c int) string { return row[c] }
		if strings.Join(row, "") == "" {
			continue
		}
		q := Question{OrgID: orgID, Stem: cell(colStem), Answer: cell(colAnswer), Tag: cell(colTag), Explanation: cell(colExpl)}
		kind, ok := KindByLabel(cell(colKind))
		if !ok {
			bad = append(bad, RowError{n, fmt.Sprintf("题型“%s”无效，应为 单选题、多选题、判断题 或 填空题", cell(colKind))})
			continue
		}
		q.Kind = kind
		q.Difficulty = difficultyOf(cell(colDiff))
		if q.Difficulty == 0 {
			bad = append(bad, RowError{n, fmt.Sprintf("难度“%s”无效，应为 易、中 或 难", cell(colDiff))})
			continue
		}
		for c := colOpt; c < colAnswer; c++ {
			q.Options = append(q.Options, cell(c))
		}
		if kind == Single || kind == Multi {
			// Options must be contiguous from A: a gap would shift the letters.
			last := -1
			for j, o := range q.Options {
				if o != "" {
					if j != last+1 {
						bad = append(bad, RowError{n, fmt.Sprintf("选项%c为空而其后还有选项：选项须从 A 起连续填写", 'A'+rune(last+1))})
						last = -2
						break
					}
					last = j
				}
			}
			if last == -2 {
				continue
			}
		}
		if err := q.Normalize(); err != nil {
			bad = append(bad, RowError{n, err.Error()})
			continue
		}
		key := string(q.Kind) + "|" + StemKey(q.Stem)
		if prev, dup := seen[key]; dup {
			bad = append(bad, RowError{n, fmt.Sprintf("与第 %d 行题干重复", prev)})
			continue
		}
		seen[key] = n
		out = append(out, q)
		nums = append(nums, n)
	}
	if len(bad) > 0 {
		return nil, nil, &ImportError{Rows: bad}
	}
	if len(out) == 0 {
		return nil, nil, ferr("file", "文件中没有题目")
	}
	return out, nums, nil
}

func difficultyOf(s string) int {
	switch s {
	case "1", "易", "容易", "简单":
		return 1
	case "2", "中", "中等", "一般":
		return 2
	case "3", "难", "困难", "较难":
		return 3
	}
	return 0
}

// ImportQuestions stores a workbook's questions all-or-nothing; a question
// already in the bank fails its row like any other error.
func (s *Service) ImportQuestions(ctx context.Context, p *auth.Principal, orgID int64, r io.Reader) (int, error) {
	if _, err := org.WritablePath(ctx, s.DB, p, orgID); err != nil {
		return 0, err
	}
	qs, rowsOf, err := ParseSheet(r, orgID)
	if err != nil {
		return 0, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var bad []RowError
		for i := range qs {
			dup, err := duplicateOf(ctx, tx, orgID, qs[i].Kind, StemKey(qs[i].Stem), 0)
			if err != nil {
				return err
			}
			if dup != 0 {
				bad = append(bad, RowError{rowsOf[i], fmt.Sprintf("题库中已有相同题干的%s（编号 %d）", qs[i].Kind.Label(), dup)})
			}
		}
		if len(bad) > 0 {
			return &ImportError{Rows: bad}
		}
		now := s.Now().UnixMilli()
		for i := range qs {
			if _, err := insertQuestion(ctx, tx, &qs[i], now); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.question.import", ObjectType: "org", ObjectID: strconv.FormatInt(orgID, 10),
			Detail: map[string]int{"count": len(qs)}})
	})
	if err != nil {
		return 0, err
	}
	return len(qs), nil
}

// Export writes the visible questions as a workbook in the template's
// layout, so an export can be edited and imported elsewhere. Cells that a
// spreadsheet would read as formulas are neutralised (and restored when the
// file is imported again).
func (s *Service) Export(ctx context.Context, p *auth.Principal, f Filter, w io.Writer) error {
	f.Page, f.Per = 1, 1000
	var all []*Question
	for {
		qs, total, err := s.ListQuestions(ctx, p, f)
		if err != nil {
			return err
		}
		all = append(all, qs...)
		if len(all) >= total || len(qs) == 0 {
			break
		}
		f.Page++
	}
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", cellsafe.Strings(header)); err != nil {
		return err
	}
	for i, q := range all {
		row := make([]any, len(header))
		row[colKind] = q.Kind.Label()
		row[colStem] = q.Stem
		for j := 0; j < MaxOptions; j++ {
			row[colOpt+j] = ""
			if j < len(q.Options) {
				row[colOpt+j] = q.Options[j]
			}
		}
		row[colAnswer] = DisplayAnswer(q)
		row[colTag] = q.Tag
		row[colDiff] = Difficulties[q.Difficulty]
		row[colExpl] = q.Explanation
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cellsafe.Row(row...)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := s.Audit.Record(ctx, s.DB, audit.Event{Action: "exam.question.export", ObjectType: "exam_question",
		Detail: map[string]any{"tag": f.Tag, "kind": f.Kind, "difficulty": f.Difficulty, "q": f.Q, "rows": len(all)}}); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}

// DisplayAnswer is the answer as a person writes it.
func DisplayAnswer(q *Question) string {
	switch q.Kind {
	case Judge:
		if q.Answer == "T" {
			return "对"
		}
		return "错"
	case Fill:
		var b [][]string
		_ = json.Unmarshal([]byte(q.Answer), &b) // checked by Normalize and when read (scanQuestion)
		parts := make([]string, len(b))
		for i, alts := range b {
			parts[i] = strings.Join(alts, "|")
		}
		return strings.Join(parts, "；")
	}
	return q.Answer
}
