package develop

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/platform/idcard"
	"hongdun/internal/roster"
	"hongdun/internal/roster/sheettest"
)

// The 台账 offices really keep, each built here: every one must read as
// the same two cases, or report the cell that cannot be read.

var shapeHead = []string{"姓名", "公民身份号码", "所在党支部", "递交入党申请书日期", "确定为入党积极分子日期", "确定为发展对象日期",
	"支部大会讨论日期", "应到人数", "实到人数", "赞成人数"}

func shapeRows() [][]any {
	return [][]any{
		{"张三", "110105199003072311", "城关派出所党支部", "2023-01-10", "2023-04-10", "2024-04-10", "2024-08-01", "9", "8", "8"},
		{"李四", "32010219850612158X", "城关派出所党支部", "2023-02-01", "2023-05-06", "2024-05-07", "2024-08-01", "9", "9", "9"},
	}
}

type ledgerOutcome struct {
	err   error
	rows  []PaperRow
	probs []roster.Problem
}

func (o ledgerOutcome) String() string {
	if o.err != nil {
		return "拒绝：" + o.err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d 行", len(o.rows))
	for _, p := range o.probs {
		b.WriteString("；" + p.String())
	}
	return b.String()
}

// twoCases checks that o read the two cases of shapeRows.
func twoCases(t *testing.T, o ledgerOutcome) {
	t.Helper()
	if o.err != nil || len(o.probs) > 0 || len(o.rows) != 2 {
		t.Fatalf("got %s, want the two cases", o)
	}
	want := []struct {
		name, id      string
		steps         map[int]string
		present, for_ int
	}{
		{"张三", "110105199003072311", map[int]string{1: "2023-01-10", 3: "2023-04-10", 7: "2024-04-10", 15: "2024-08-01"}, 8, 8},
		{"李四", "32010219850612158X", map[int]string{1: "2023-02-01", 3: "2023-05-06", 7: "2024-05-07", 15: "2024-08-01"}, 9, 9},
	}
	for i, w := range want {
		r := o.rows[i]
		id, err := idcard.Normalize(r.IDNumber)
		if r.Name != w.name || err != nil || id != w.id || r.Branch != "城关派出所党支部" {
			t.Errorf("row %d: %q %q (%v) %q", r.Row, r.Name, r.IDNumber, err, r.Branch)
		}
		if len(r.Steps) != len(w.steps) {
			t.Errorf("row %d: steps %v, want %v", r.Row, r.Steps, w.steps)
		}
		for n, d := range w.steps {
			if r.Steps[n].String() != d {
				t.Errorf("row %d: step %d is %s, want %s", r.Row, n, r.Steps[n], d)
			}
		}
		if v := r.Votes[15]; v == nil || v.Expected != 9 || v.Present != w.present || v.For != w.for_ {
			t.Errorf("row %d: votes %+v", r.Row, r.Votes[15])
		}
	}
}

func readLedgerFile(path string) ledgerOutcome {
	b, err := roster.Open(path)
	if err != nil {
		return ledgerOutcome{err: err}
	}
	defer b.Close()
	rows, probs, err := ReadLedger(b, func() {})
	return ledgerOutcome{err: err, rows: rows, probs: probs}
}

func ledgerXLSX(t *testing.T, opt sheettest.Options, sheets ...sheettest.Sheet) string {
	return sheettest.File(t, "台账.xlsx", sheettest.XLSX(t, opt, sheets...))
}

// ledgerTexts is the header and rows as text, below the rows above.
func ledgerTexts(rows [][]any, above ...[]string) [][]string {
	out := append(above, shapeHead)
	for _, r := range rows {
		var cells []string
		for _, c := range r {
			cells = append(cells, fmt.Sprint(c))
		}
		out = append(out, cells)
	}
	return out
}

func ledgerDay(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestLedgerShapes(t *testing.T) {
	title := []string{"XX分局发展党员工作台账"}
	unit := []string{"填报单位：城关派出所党支部　　填报日期：2026年11月1日"}
	with := func(above [][]any, rows [][]any) [][]any {
		return append(append(above, sheettest.Texts(shapeHead)...), rows...)
	}
	cases := []struct {
		name  string
		path  func(t *testing.T) string
		check func(t *testing.T, o ledgerOutcome)
	}{
		{"标题两行（合并单元格）", func(t *testing.T) string {
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(sheettest.Texts(title, unit), shapeRows()),
				Merge: [][2]string{{"A1", "J1"}, {"A2", "J2"}}})
		}, twoCases},
		{"两行表头：支部大会分组合并在日期和人数之上", func(t *testing.T) string {
			top := []string{"姓名", "公民身份号码", "所在党支部", "递交入党申请书日期", "确定为入党积极分子日期", "确定为发展对象日期", "接收预备党员支部大会"}
			sub := []string{"", "", "", "", "", "", "日期", "应到人数", "实到人数", "赞成人数"}
			merge := [][2]string{{"A1", "J1"}, {"G2", "J2"}}
			for _, c := range []string{"A", "B", "C", "D", "E", "F"} {
				merge = append(merge, [2]string{c + "2", c + "3"})
			}
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: append(sheettest.Texts(title, top, sub), shapeRows()...), Merge: merge})
		}, twoCases},
		{"两行表头：接收预备党员与转正两次支部大会，人数列同名", func(t *testing.T) string {
			top := []string{"姓名", "公民身份号码", "所在党支部", "递交入党申请书日期", "确定为入党积极分子日期", "确定为发展对象日期", "接收预备党员支部大会", "", "", "", "转正支部大会"}
			sub := []string{"", "", "", "", "", "", "日期", "应到人数", "实到人数", "赞成人数", "日期", "应到人数", "实到人数", "赞成人数"}
			rows := shapeRows()
			rows[0] = append(rows[0], "2025-08-01", "10", "10", "9")
			rows[1] = append(rows[1], "2025-08-01", "10", "10", "9")
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: append(sheettest.Texts(top, sub), rows...),
				Merge: [][2]string{{"G1", "J1"}, {"K1", "N1"}}})
		}, func(t *testing.T, o ledgerOutcome) {
			if o.err != nil || len(o.probs) > 0 || len(o.rows) != 2 {
				t.Fatalf("got %s", o)
			}
			for _, r := range o.rows {
				if v, w := r.Votes[15], r.Votes[23]; v == nil || w == nil || v.Expected != 9 || w.Expected != 10 || w.For != 9 || r.Steps[23].String() != "2025-08-01" {
					t.Errorf("row %d: votes %+v %+v, steps %v", r.Row, v, w, r.Steps)
				}
			}
		}},
		{"标题与表头之间隔了 7 行", func(t *testing.T) string {
			above := sheettest.Texts(title, unit, []string{"一、基本情况"}, []string{"二、填表要求"}, []string{"1. 日期写到日"}, []string{"2. 人数填数字"}, []string{""})
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(above, shapeRows())})
		}, twoCases},
		{"表尾合计、填表说明、填表人；中间空行", func(t *testing.T) string {
			rows := shapeRows()
			rows = [][]any{rows[0], {}, {"", " "}, rows[1], {"合计", "2人"}, {"填表说明：日期写到日。"}, {"填表人：王五", "", "审核人：赵六"}}
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(nil, rows)})
		}, twoCases},
		{"第一张是说明工作表", func(t *testing.T) string {
			notes := sheettest.Sheet{Name: "说明", Rows: sheettest.Texts([]string{"填表说明"}, []string{"姓名、递交入党申请书日期为必填"})}
			return ledgerXLSX(t, sheettest.Options{}, notes, sheettest.Sheet{Name: "台账", Rows: with(nil, shapeRows())})
		}, twoCases},
		{"列名带星号、换行、空格", func(t *testing.T) string {
			head := []string{"姓 名*", "公民身份\n号码", "所在党支部", "递交入党\r\n申请书日期*", "确定为入党积极分子日期", "确定为发展对象日期", "支部大会讨论日期", "应到人数", "实到人数", "赞成人数"}
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: append(sheettest.Texts(head), shapeRows()...)})
		}, twoCases},
		{"日期为 Excel 日期单元格，带时间；人数为数字单元格", func(t *testing.T) string {
			rows := shapeRows()
			rows[0][3], rows[0][4], rows[0][7], rows[0][8], rows[0][9] = ledgerDay("2023-01-10"), ledgerDay("2023-04-10").Add(9*time.Hour), 9, 8.0, 8
			rows[1][5], rows[1][6] = ledgerDay("2024-05-07"), "2024-08-01 00:00:00"
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(nil, rows)})
		}, twoCases},
		{"1904 日期系统", func(t *testing.T) string {
			rows := shapeRows()
			rows[0][3], rows[1][6] = ledgerDay("2023-01-10"), ledgerDay("2024-08-01")
			return ledgerXLSX(t, sheettest.Options{Date1904: true}, sheettest.Sheet{Name: "台账", Rows: with(nil, rows)})
		}, twoCases},
		{"日期文本各种写法（含全角数字）；人数全角", func(t *testing.T) string {
			rows := shapeRows()
			rows[0][3], rows[0][4], rows[0][5], rows[0][6] = "2023/1/10", "2023.04.10", "2024年4月10日", "20240801"
			rows[1][3], rows[1][4], rows[1][8] = "２０２３年２月１日", "2023-5-6", "９"
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(nil, rows)})
		}, twoCases},
		{"身份证号：空格、小写 x、全角、撇号；单元格两端不可见字符", func(t *testing.T) string {
			rows := shapeRows()
			rows[0][0], rows[0][1], rows[0][2] = "\u00a0张三\u200b", "１１０１０５ 19900307 2311", "城关派出所党支部\u3000"
			rows[1][0], rows[1][1] = "\ufeff李四", "'32010219850612158x"
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(nil, rows)})
		}, twoCases},
		{"CSV：GBK，逗号分隔", func(t *testing.T) string {
			return sheettest.File(t, "台账.csv", sheettest.CSV(t, sheettest.GBK, ',', ledgerTexts(shapeRows(), title)))
		}, twoCases},
		{"CSV：UTF-8 带 BOM，制表符分隔", func(t *testing.T) string {
			return sheettest.File(t, "台账.txt", sheettest.CSV(t, sheettest.UTF8BOM, '\t', ledgerTexts(shapeRows(), title)))
		}, twoCases},
		{"Unicode 文本（UTF-16LE）", func(t *testing.T) string {
			return sheettest.File(t, "台账.txt", sheettest.CSV(t, sheettest.UTF16LE, '\t', ledgerTexts(shapeRows())))
		}, twoCases},
		{"只写到月的步骤日期、无法识别的日期", func(t *testing.T) string {
			rows := shapeRows()
			rows[0][4], rows[1][5] = "2023.04", "2024-13-07"
			return ledgerXLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: with(sheettest.Texts(title), rows)})
		}, func(t *testing.T, o ledgerOutcome) {
			if len(o.probs) != 2 || o.probs[0].Row != 3 || o.probs[0].Column != "确定为入党积极分子日期" || !strings.Contains(o.probs[0].Message, "只写到了月") ||
				o.probs[1].Row != 4 || o.probs[1].Column != "确定为发展对象日期" || !strings.Contains(o.probs[1].Message, "“2024-13-07”不是有效日期") {
				t.Fatalf("got %s", o)
			}
		}},
		{"改名为 .xlsx 的 Word 文档", func(t *testing.T) string { return sheettest.File(t, "台账.xlsx", sheettest.Docx(t)) },
			func(t *testing.T, o ledgerOutcome) {
				if o.err == nil || !strings.Contains(o.err.Error(), "Word") {
					t.Fatalf("got %s", o)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := readLedgerFile(c.path(t))
			t.Logf("%s → %s", c.name, o)
			c.check(t, o)
		})
	}
}
