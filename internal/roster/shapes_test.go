package roster

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"hongdun/internal/roster/sheettest"
)

// The rosters offices really keep, each built here: every one must read
// as the same two members, or be refused with a message naming what to do.

var stdHeader = []string{"序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "入党时间", "转正时间", "所在党支部", "人员类别"}

func stdRows() [][]string {
	return [][]string{
		{"1", "张三", "男", "汉", "1990-03-07", "110105199003072311", "2015-07-01", "2016-07-01", "第一党支部", "民警"},
		{"2", "李四", "女", "汉族", "1985-06-12", "32010219850612158X", "2010-06-30", "2011-06-30", "第一党支部", "民警"},
	}
}

// want is how the two members of stdRows read.
var want = []Record{
	{Name: "张三", Gender: "男", Ethnicity: "汉族", BirthDate: "1990-03-07", IDNumber: "110105199003072311", JoinDate: "2015-07-01",
		FullDate: "2016-07-01", Branch: "第一党支部", Category: "民警", Status: StatusFull},
	{Name: "李四", Gender: "女", Ethnicity: "汉族", BirthDate: "1985-06-12", IDNumber: "32010219850612158X", JoinDate: "2010-06-30",
		FullDate: "2011-06-30", Branch: "第一党支部", Category: "民警", Status: StatusFull},
}

type outcome struct {
	err      error
	layout   *Layout
	records  []Record
	problems []Problem
}

// readShape reads a file as the importer does.
func readShape(path string) outcome {
	b, err := Open(path)
	if err != nil {
		return outcome{err: err}
	}
	defer b.Close()
	l, _, err := Locate(b)
	if err != nil {
		return outcome{err: err}
	}
	s, err := b.Sheet(l.Sheet)
	if err != nil {
		return outcome{err: err}
	}
	out := outcome{layout: l}
	seen := Seen{}
	for s.Next() {
		if s.Row() <= l.HeaderRow || Skip(s.Cells()) {
			continue
		}
		r, ps := l.Parse(s.Row(), s.Cells(), today)
		if p := seen.Check(l, &r); p != nil {
			ps = append(ps, *p)
		}
		out.records = append(out.records, r)
		out.problems = append(out.problems, ps...)
	}
	out.err = s.Err()
	return out
}

func (o outcome) String() string {
	if o.err != nil {
		return "拒绝：" + o.err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d 行", len(o.records))
	for _, p := range o.problems {
		b.WriteString("；" + p.String())
	}
	return b.String()
}

func members(t *testing.T, o outcome) { t.Helper(); o.members(t) }

// members checks that o read exactly the two members.
func (o outcome) members(t *testing.T) {
	t.Helper()
	if o.err != nil || len(o.problems) > 0 || len(o.records) != len(want) {
		t.Fatalf("got %s, want the two members", o)
	}
	for i, r := range o.records {
		r.Row = 0
		if r != want[i] {
			t.Errorf("row %d: got %+v\nwant %+v", o.records[i].Row, r, want[i])
		}
	}
}

// refused checks that o is a refusal of the file saying each of says.
func (o outcome) refused(t *testing.T, says ...string) {
	t.Helper()
	if o.err == nil {
		t.Fatalf("got %s, want the file refused", o)
	}
	if w := english(o.err.Error()); w != nil {
		t.Errorf("refusal %q holds the English %q", o.err, w)
	}
	for _, s := range says {
		if !strings.Contains(o.err.Error(), s) {
			t.Errorf("refusal %q does not say %q", o.err, s)
		}
	}
}

// problem checks that o has a problem on field in row saying each of says.
func (o outcome) problem(t *testing.T, row int, field Field, says ...string) {
	t.Helper()
	for _, p := range o.problems {
		if p.Row == row && p.Field == field {
			for _, s := range says {
				if !strings.Contains(p.Message, s) {
					t.Errorf("problem %q does not say %q", p.Message, s)
				}
			}
			return
		}
	}
	t.Errorf("got %s, want a problem on %s in row %d", o, field, row)
}

// english finds the words a user should not read in a refusal: any but
// the names of formats and programs.
func english(msg string) []string {
	var out []string
	for _, w := range regexp.MustCompile(`[A-Za-z]{3,}`).FindAllString(msg, -1) {
		switch w {
		case "xlsx", "xls", "Excel", "WPS", "CSV", "Word", "Office", "UTF", "HTML", "XML":
		default:
			out = append(out, w)
		}
	}
	return out
}

func xlsxFile(t *testing.T, opt sheettest.Options, sheets ...sheettest.Sheet) string {
	return sheettest.File(t, "花名册.xlsx", sheettest.XLSX(t, opt, sheets...))
}

func rowsOf(head []string, data [][]string, above ...[]string) [][]any {
	return sheettest.Texts(append(append(above, head), data...)...)
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// withDates replaces the three dates of stdRows by cells.
func withDates(rows [][]any, first int, dates ...[3]any) [][]any {
	for i, d := range dates {
		rows[first+i][4], rows[first+i][6], rows[first+i][7] = d[0], d[1], d[2]
	}
	return rows
}

func TestRosterShapes(t *testing.T) {
	title := []string{"XX市公安局党员花名册"}
	unit := []string{"填报单位：XX分局机关党委　　　填报日期：2026年11月1日"}
	cases := []struct {
		name  string
		path  func(t *testing.T) string
		check func(t *testing.T, o outcome)
	}{
		{"标题两行（合并单元格）在表头上方", func(t *testing.T) string {
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(stdHeader, stdRows(), title, unit),
				Merge: [][2]string{{"A1", "J1"}, {"A2", "J2"}}})
		}, members},
		{"两行表头，分组单元格合并", func(t *testing.T) string {
			top := []string{"序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "入党情况", "", "所在党支部", "人员类别"}
			sub := []string{"", "", "", "", "", "", "入党时间", "转正时间", "", ""}
			merge := [][2]string{{"A1", "J1"}, {"G2", "H2"}}
			for _, c := range []string{"A", "B", "C", "D", "E", "F", "I", "J"} {
				merge = append(merge, [2]string{c + "2", c + "3"})
			}
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(sub, stdRows(), title, top), Merge: merge})
		}, members},
		{"表尾有合计、填表说明、填表人", func(t *testing.T) string {
			data := append(stdRows(), []string{"合计", "2人"}, []string{"填表说明：1. 日期格式为 2020-01-02；2. 带*为必填项。"},
				[]string{"填表人：王五", "", "", "审核人：赵六"}, []string{"注：本表一式两份。"})
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(stdHeader, data)})
		}, members},
		{"中间有空行", func(t *testing.T) string {
			rows := stdRows()
			data := [][]string{rows[0], {}, {"", "", "  "}, rows[1]}
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(stdHeader, data)})
		}, members},
		{"隐藏行和隐藏列照常读取", func(t *testing.T) string {
			head := append(append([]string{}, stdHeader...), "内部备注")
			rows := stdRows()
			rows[1] = append(rows[1], "隐藏列")
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(head, rows), HiddenRows: []int{3}, HiddenCols: []string{"K"}})
		}, members},
		{"第一张是说明工作表", func(t *testing.T) string {
			notes := sheettest.Sheet{Name: "说明", Rows: sheettest.Texts([]string{"填表说明"}, []string{"1. 姓名、公民身份号码、入党时间、所在党支部为必填项"},
				[]string{"2. 日期写作 2020-01-02"})}
			return xlsxFile(t, sheettest.Options{}, notes, sheettest.Sheet{Name: "花名册", Rows: rowsOf(stdHeader, stdRows())})
		}, members},
		{"数据在第三张工作表", func(t *testing.T) string {
			tally := sheettest.Sheet{Name: "统计", Rows: sheettest.Texts([]string{"党支部", "人数"}, []string{"第一党支部", "2"})}
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1"}, tally, sheettest.Sheet{Name: "党员", Rows: rowsOf(stdHeader, stdRows())})
		}, members},
		{"列名变体：党员姓名、身份证号、入党日期、所在支部", func(t *testing.T) string {
			head := []string{"序号", "党员姓名", "性别", "民族", "出生年月", "身份证号", "入党日期", "转正日期", "所在支部", "人员类型"}
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(head, stdRows())})
		}, members},
		{"列名带空格、全角括号、换行、必填星号；党组织名称", func(t *testing.T) string {
			head := []string{"序 号", "姓名*", "性　别", "民族", "出生年月\n（年月日）", "公民身份号码 *", "入党时间（YYYY-MM-DD）", "转正\r\n时间", "党组织名称", "＊人员类别"}
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(head, stdRows())})
		}, members},
		{"列名：身份证号码、所在党组织、党员类别", func(t *testing.T) string {
			head := []string{"序号", "姓名", "性别", "民族", "出生日期", "身份证号码", "入党时间", "转正时间", "所在党组织", "人员类别"}
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(head, stdRows())})
		}, members},
		{"日期为 Excel 日期单元格（序列号）", func(t *testing.T) string {
			rows := withDates(rowsOf(stdHeader, stdRows()), 1,
				[3]any{day("1990-03-07"), day("2015-07-01"), day("2016-07-01")}, [3]any{day("1985-06-12"), day("2010-06-30"), day("2011-06-30")})
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, members},
		{"日期单元格带时间", func(t *testing.T) string {
			rows := withDates(rowsOf(stdHeader, stdRows()), 1,
				[3]any{day("1990-03-07").Add(8 * time.Hour), day("2015-07-01").Add(9*time.Hour + 30*time.Minute), "2016-07-01 00:00:00"},
				[3]any{"1985/6/12 0:00", day("2010-06-30").Add(23 * time.Hour), "2011-06-30T00:00:00"})
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, members},
		{"1904 日期系统", func(t *testing.T) string {
			rows := withDates(rowsOf(stdHeader, stdRows()), 1,
				[3]any{day("1990-03-07"), day("2015-07-01"), day("2016-07-01")}, [3]any{day("1985-06-12"), day("2010-06-30"), day("2011-06-30")})
			return xlsxFile(t, sheettest.Options{Date1904: true}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, members},
		{"日期为各种文本写法（含全角数字）", func(t *testing.T) string {
			rows := withDates(rowsOf(stdHeader, stdRows()), 1,
				[3]any{"1990年3月7日", "2015/7/1", "2016.07.01"}, [3]any{"1985.6.12", "20100630", "２０１１年６月３０日"})
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, members},
		{"身份证号：空格、小写 x、全角数字、前导撇号", func(t *testing.T) string {
			rows := rowsOf(stdHeader, stdRows())
			rows[1][5], rows[2][5] = "１１０１０５　19900307 2311", "'32010219850612158x"
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, members},
		{"单元格前后有空格、全角空格、不间断空格、零宽字符；男性/女性", func(t *testing.T) string {
			rows := rowsOf(stdHeader, stdRows())
			rows[1][1], rows[1][2], rows[1][8] = "\u00a0张三\u3000", "男性", "\u200b第一党支部\u00a0"
			rows[2][1], rows[2][2], rows[2][3] = " 李四\ufeff", " 女性 ", "汉族\u200b"
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, members},
		{"公式：读取缓存的值", func(t *testing.T) string {
			rows := rowsOf(stdHeader, stdRows())
			rows[1][1] = sheettest.Formula{Expr: `TRIM(" 张三 ")`, Cached: "张三"}
			rows[2][8] = sheettest.Formula{Expr: `"第一"&"党支部"`, Cached: "第一党支部"}
			return sheettest.File(t, "花名册.xlsx", sheettest.Raw(t, rows, 0))
		}, members},
		{"格式化到第 1,048,576 行的空行", func(t *testing.T) string {
			return sheettest.File(t, "花名册.xlsx", sheettest.Raw(t, rowsOf(stdHeader, stdRows(), title), 1048576))
		}, members},
		{"身份证号存成数字（丢失精度）", func(t *testing.T) string {
			rows := rowsOf(stdHeader, stdRows())
			rows[1][5] = 1.10105199003072e17 // as Excel writes it: 1.10105199003072E+17
			rows[2][5] = 3.20102198506121e17
			return sheettest.File(t, "花名册.xlsx", sheettest.Raw(t, rows, 0))
		}, func(t *testing.T, o outcome) {
			o.problem(t, 2, IDNumber, "科学计数法", "文本")
			o.problem(t, 3, IDNumber, "科学计数法", "文本")
		}},
		{"身份证号存成数字（excelize 等程序写出全部 18 位）", func(t *testing.T) string {
			rows := rowsOf(stdHeader, stdRows())
			rows[1][5] = 110105199003072311
			return xlsxFile(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rows})
		}, func(t *testing.T, o outcome) { o.problem(t, 2, IDNumber, "科学计数法", "文本") }},
		{"CSV：UTF-8 带 BOM，逗号分隔", func(t *testing.T) string {
			return sheettest.File(t, "花名册.csv", sheettest.CSV(t, sheettest.UTF8BOM, ',', append([][]string{title, stdHeader}, stdRows()...)))
		}, members},
		{"CSV：GBK（WPS/Excel 中文版默认），逗号分隔", func(t *testing.T) string {
			return sheettest.File(t, "花名册.csv", sheettest.CSV(t, sheettest.GBK, ',', append([][]string{title, stdHeader}, stdRows()...)))
		}, members},
		{"CSV：GBK，制表符分隔", func(t *testing.T) string {
			return sheettest.File(t, "花名册.txt", sheettest.CSV(t, sheettest.GBK, '\t', append([][]string{stdHeader}, stdRows()...)))
		}, members},
		{"CSV：UTF-8，制表符分隔", func(t *testing.T) string {
			return sheettest.File(t, "花名册.csv", sheettest.CSV(t, sheettest.UTF8, '\t', append([][]string{title, stdHeader}, stdRows()...)))
		}, members},
		{"Unicode 文本（UTF-16LE，制表符分隔）", func(t *testing.T) string {
			return sheettest.File(t, "花名册.txt", sheettest.CSV(t, sheettest.UTF16LE, '\t', append([][]string{stdHeader}, stdRows()...)))
		}, members},
		{"CSV：身份证号写作 =\"…\" 与前导撇号", func(t *testing.T) string {
			rows := stdRows()
			rows[0][5], rows[1][5] = `="110105199003072311"`, "'32010219850612158X"
			return sheettest.File(t, "花名册.csv", sheettest.CSV(t, sheettest.GBK, ',', append([][]string{stdHeader}, rows...)))
		}, members},
		{"CSV：身份证号被 Excel 显示为科学计数法", func(t *testing.T) string {
			rows := stdRows()
			rows[0][5] = "1.10105E+17"
			return sheettest.File(t, "花名册.csv", sheettest.CSV(t, sheettest.GBK, ',', append([][]string{stdHeader}, rows...)))
		}, func(t *testing.T, o outcome) { o.problem(t, 2, IDNumber, "科学计数法") }},
		{"改名为 .xlsx 的 Word 文档", func(t *testing.T) string {
			return sheettest.File(t, "花名册.xlsx", sheettest.Docx(t))
		}, func(t *testing.T, o outcome) { o.refused(t, "Word", ".xlsx") }},
		{"空文件", func(t *testing.T) string { return sheettest.File(t, "花名册.xlsx", nil) },
			func(t *testing.T, o outcome) { o.refused(t, "空") }},
		{"只传了一半的 .xlsx", func(t *testing.T) string {
			b := sheettest.XLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(stdHeader, stdRows())})
			return sheettest.File(t, "花名册.xlsx", b[:len(b)/2])
		}, func(t *testing.T, o outcome) { o.refused(t, "损坏或不完整", "另存为 .xlsx") }},
		{"只传了一半的 .xls", func(t *testing.T) string {
			b, err := os.ReadFile(testdata("roster-clean", "roster.xls"))
			if err != nil {
				t.Fatal(err)
			}
			return sheettest.File(t, "花名册.xls", b[:len(b)/2])
		}, func(t *testing.T, o outcome) { o.refused(t, "另存为 .xlsx") }},
		{"旧版 .xls（Excel 97-2003）", func(t *testing.T) string { return testdata("roster-clean", "roster.xls") },
			func(t *testing.T, o outcome) {
				if o.err != nil || len(o.problems) > 0 || len(o.records) != 120 {
					t.Fatalf("got %s, want the 120 members of roster-clean", o)
				}
			}},
		{"其他系统导出的“.xls”，实为网页表格", func(t *testing.T) string {
			return sheettest.File(t, "花名册.xls", []byte("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><head><meta charset=\"utf-8\"></head><body><table><tr><td>姓名</td></tr></table></body></html>"))
		}, func(t *testing.T, o outcome) { o.refused(t, "网页", "另存为 .xlsx") }},
		{"其他系统导出的“.xls”，实为 XML 表格（Excel 2003）", func(t *testing.T) string {
			return sheettest.File(t, "花名册.xls", []byte("<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"Sheet1\"/></Workbook>"))
		}, func(t *testing.T, o outcome) { o.refused(t, "XML", "另存为 .xlsx") }},
		{"设有打开密码的 .xlsx", func(t *testing.T) string {
			return sheettest.File(t, "花名册.xlsx", sheettest.XLSX(t, sheettest.Options{Password: "123456"}, sheettest.Sheet{Name: "Sheet1", Rows: rowsOf(stdHeader, stdRows())}))
		}, func(t *testing.T, o outcome) { o.refused(t, "密码") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := readShape(c.path(t))
			t.Logf("%s → %s", c.name, o)
			c.check(t, o)
		})
	}
}
