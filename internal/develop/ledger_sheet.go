package develop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
	"hongdun/internal/rules"
)

// The 发展党员工作台账 as a sheet: one row per person with every step's
// date and what the 台账 keeps of it (people, votes, 政审, training, 公示).
// The template is this layout empty; the export fills it, and reads back
// through the import (ReadLedger) into the same cases and steps.

// paperCase is what one exported row shows of a case.
type paperCase struct {
	row      LedgerRow
	idNumber string
	steps    map[int]*Record // the latest record of each step
	publicty map[string]string
}

// ledgerColumn is one column of the sheet: its head and its cell.
type ledgerColumn struct {
	head string
	note string // the template's hint
	cell func(c *paperCase) string
}

func stepDate(n int) ledgerColumn {
	return ledgerColumn{head: ledgerHeading(n), note: "如 2024-03-12", cell: func(c *paperCase) string {
		if r := c.steps[n]; r != nil {
			return r.Date
		}
		return ""
	}}
}

func stepData(n int, head, note string, value func(d *Data) string) ledgerColumn {
	return ledgerColumn{head: head, note: note, cell: func(c *paperCase) string {
		if r := c.steps[n]; r != nil {
			return value(&r.Data)
		}
		return ""
	}}
}

func votes(n int, prefix string) []ledgerColumn {
	var out []ledgerColumn
	for _, v := range []struct {
		head string
		get  func(*rules.Vote) int
	}{{"应到人数", func(v *rules.Vote) int { return v.Expected }}, {"实到人数", func(v *rules.Vote) int { return v.Present }},
		{"赞成人数", func(v *rules.Vote) int { return v.For }}, {"反对人数", func(v *rules.Vote) int { return v.Against }},
		{"弃权人数", func(v *rules.Vote) int { return v.Abstain }}} {
		out = append(out, stepData(n, prefix+v.head, "有表决权的正式党员", func(d *Data) string {
			if d.Vote == nil {
				return ""
			}
			return strconv.Itoa(v.get(d.Vote))
		}))
	}
	return out
}

func publicityDate(kind string) ledgerColumn {
	p, _ := rules.PublicityOf(kind)
	return ledgerColumn{head: p.Name + "公示开始日期", note: "公示第一天", cell: func(c *paperCase) string { return c.publicty[kind] }}
}

func names(d *Data) string {
	out := make([]string, len(d.People))
	for i, p := range d.People {
		out[i] = p.Name
	}
	return strings.Join(out, "、")
}

// ledgerColumns are the sheet's columns, each step's date in the order of
// the procedure with what the step keeps beside it.
var ledgerColumns = func() []ledgerColumn {
	cols := []ledgerColumn{
		{head: "姓名", note: "必填", cell: func(c *paperCase) string { return c.row.PersonName }},
		{head: "公民身份号码", note: "未登记的人员必填，按台账登记", cell: func(c *paperCase) string { return c.idNumber }},
		{head: "所在党支部", note: "党支部全称", cell: func(c *paperCase) string { return c.row.OrgName }},
	}
	for _, d := range rules.Steps {
		n := d.No
		for _, p := range rules.Publicities {
			if p.Before == n && p.Kind == "candidate" {
				cols = append(cols, publicityDate(p.Kind))
			}
		}
		if n == 13 {
			cols = append(cols, publicityDate("admission")) // before or after the 预审: its date says which
		}
		cols = append(cols, stepDate(n))
		switch n {
		case 3:
			cols = append(cols, stepData(n, "推荐方式", "党员推荐或群团推优", func(d *Data) string { return d.Recommendation }))
		case 5:
			cols = append(cols, stepData(n, "培养联系人", "姓名，多人用“、”分隔", names))
		case 9:
			cols = append(cols, stepData(n, "入党介绍人", "姓名，多人用“、”分隔", names))
		case 10:
			cols = append(cols, stepData(n, "政审结论", "合格或不合格", func(d *Data) string {
				if d.VettingPassed == nil {
					return ""
				}
				return map[bool]string{true: "合格", false: "不合格"}[*d.VettingPassed]
			}))
		case 11:
			cols = append(cols, stepData(n, "集中培训天数", "天", func(d *Data) string { return positive(d.TrainingDays) }),
				stepData(n, "培训学时", "学时", func(d *Data) string { return positive(d.TrainingHours) }))
		case 15:
			cols = append(cols, votes(n, "")...)
		case 23:
			cols = append(cols, votes(n, "转正")...)
		}
	}
	return cols
}()

func positive(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// summaryHeads are the export's columns after the steps, which the import
// does not read: where the case stands.
var summaryHeads = []string{"阶段", "当前步骤", "最近期限", "期限事项", "状态", "优先发展", "表现突出（战时党建）"}

// WriteLedgerTemplate writes the 台账 template: a title row, the header on
// row 2 with a hint row below it, dates and ID numbers as text.
func WriteLedgerTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "发展党员工作台账"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	head := make([]any, len(ledgerColumns))
	note := make([]any, len(ledgerColumns))
	for i, c := range ledgerColumns {
		head[i], note[i] = c.head, "说明："+c.note
	}
	last, _ := excelize.ColumnNumberToName(len(ledgerColumns))
	if err := errors.Join(
		cellsafe.SetCellStr(f, sh, "A1", "发展党员工作台账（每行一人；有日期的步骤都作为已办理的步骤导入，逐步核对日期是否符合《中国共产党发展党员工作细则》）"),
		cellsafe.SetSheetRow(f, sh, "A2", head...),
		cellsafe.SetSheetRow(f, sh, "A3", note...),
	); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	if err := f.SetColStyle(sh, "A:"+last, text); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "A", last, 14); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "C", 24); err != nil {
		return err
	}
	return f.Write(w)
}

// ledgerXLSX exports the 台账 as filtered: every step's date and people,
// in the layout the import reads. The full ID numbers only for a 党务管理员
// who asks (reveal=1), audited.
func (h *handlers) ledgerXLSX(w http.ResponseWriter, r *http.Request) error {
	fl, err := h.filter(r)
	if err != nil {
		return err
	}
	p := web.Principal(r)
	reveal := r.URL.Query().Get("reveal") == "1"
	if reveal && !p.Writes() {
		return fail.Forbidden()
	}
	fl.PerPage, fl.Page = 500, 1
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	head := []any{}
	for _, c := range ledgerColumns {
		head = append(head, c.head)
	}
	for _, s := range summaryHeads {
		head = append(head, s)
	}
	if err := sw.SetRow("A1", cellsafe.Row("发展党员工作台账")); err != nil {
		return err
	}
	if err := sw.SetRow("A2", cellsafe.Row(head...)); err != nil {
		return err
	}
	row := 3
	for {
		rows, total, err := Ledger(r.Context(), h.DB, p, fl, h.today())
		if err != nil {
			return err
		}
		cases, err := h.paperCases(r.Context(), rows, reveal)
		if err != nil {
			return err
		}
		for _, c := range cases {
			cells := make([]any, 0, len(head))
			for _, col := range ledgerColumns {
				cells = append(cells, col.cell(c))
			}
			x := c.row
			cells = append(cells, x.StageName, x.StepName, x.NextDue, x.NextTitle,
				map[string]string{"open": "进行中", "converted": "已转正", "cancelled": "已取消"}[x.Status],
				map[bool]string{true: "是"}[x.Fasttrack], strings.Join(x.Standout, "、"))
			if err := sw.SetRow(fmt.Sprintf("A%d", row), cellsafe.Row(cells...)); err != nil {
				return err
			}
			row++
		}
		if fl.Page*fl.PerPage >= total {
			break
		}
		fl.Page++
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", "台账"); err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "develop.export", ObjectType: "dev_ledger",
		Detail: map[string]any{"rows": row - 3, "revealed": reveal, "filter": r.URL.Query().Encode()}}); err != nil {
		return err
	}
	writeXLSX(w, f, "发展党员工作台账.xlsx")
	return nil
}

// paperCases reads the records and ID numbers of a page of the 台账.
func (h *handlers) paperCases(ctx context.Context, rows []LedgerRow, reveal bool) ([]*paperCase, error) {
	out := make([]*paperCase, len(rows))
	byCase := map[int64]*paperCase{}
	byPerson := map[int64]*paperCase{}
	var caseIDs, personIDs []int64
	for i, x := range rows {
		c := &paperCase{row: x, steps: map[int]*Record{}, publicty: map[string]string{}}
		out[i], byCase[x.ID], byPerson[x.PersonID] = c, c, c
		caseIDs, personIDs = append(caseIDs, x.ID), append(personIDs, x.PersonID)
	}
	if len(rows) == 0 {
		return out, nil
	}
	in, args := db.In(caseIDs)
	rs, err := h.DB.QueryContext(ctx, "SELECT case_id, kind, step, on_date, data FROM dev_records WHERE case_id IN ("+in+") AND kind IN ('step', 'publicity') ORDER BY on_date, step, id", args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var r Record
		var data string
		if err := rs.Scan(&id, &r.Kind, &r.Step, &r.Date, &data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &r.Data); err != nil {
			return nil, fmt.Errorf("dev_records of case %d: %w", id, err)
		}
		c := byCase[id]
		if r.Kind == rules.ActPublicity {
			c.publicty[r.Data.Publicity] = r.Date
		} else {
			c.steps[r.Step] = &r
		}
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	in, args = db.In(personIDs)
	ps, err := h.DB.QueryContext(ctx, "SELECT id, id_enc, COALESCE(id_tail, '') FROM persons WHERE id IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	defer ps.Close()
	for ps.Next() {
		var id int64
		var enc []byte
		var tail string
		if err := ps.Scan(&id, &enc, &tail); err != nil {
			return nil, err
		}
		c := byPerson[id]
		switch {
		case tail == "":
		case reveal:
			if c.idNumber, err = h.Keys.Open(enc); err != nil {
				return nil, err
			}
		default:
			c.idNumber = strings.Repeat("*", 18-len(tail)) + tail
		}
	}
	return out, ps.Err()
}
