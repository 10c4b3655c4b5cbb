package dues

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
	"hongdun/internal/roster"
	"hongdun/internal/roster/sheettest"
)

// The 党费交纳记录 files offices really keep, each built here, checked
// against two members whose 2026 base is set: every shape must read as the
// same two payments, or name the cell it cannot read.

type plainKeys struct{}

func (plainKeys) Index(s string) string { return "h:" + s }

func paymentsChecker() *checker {
	zhang := member.Person{ID: 1, Name: "张三", OrgID: 3, JoinDate: "2015-07-01"}
	li := member.Person{ID: 2, Name: "李四", OrgID: 3, JoinDate: "2010-06-30"}
	return &checker{kind: ImportPayments, label: importLabels[ImportPayments], year: 2026, today: civil.MustParse("2026-11-20"), keys: plainKeys{},
		byName: map[string][]member.Person{"张三": {zhang}, "李四": {li}},
		byHash: map[string]member.Person{"h:110105199003072311": zhang, "h:32010219850612158X": li},
		bases:  map[int64]map[int]*Base{1: {2026: {AmountFen: 3000}}, 2: {2026: {AmountFen: 1500}}},
		paid:   map[int64]map[Month]bool{}, seen: map[string]int{}}
}

var payHead = []string{"姓名", "公民身份号码", "所交月份", "交纳金额（元）", "交纳日期", "代缴", "备注"}

func payRows() [][]any {
	return [][]any{
		{"张三", "110105199003072311", "10", "30.00", "2026-10-08", "", ""},
		{"李四", "32010219850612158X", "2026年10月", "15", "2026-10-09", "是", "由支部书记代交"},
	}
}

func readPayments(path string) (*Import, error) {
	b, err := roster.Open(path)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	im := &Import{Rows: []ImportRow{}, Problems: []roster.Problem{}}
	return im, paymentsChecker().read(b, im)
}

func payOutcome(im *Import, err error) string {
	if err != nil {
		return "拒绝：" + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d 行", len(im.Rows))
	for _, p := range im.Problems {
		b.WriteString("；" + p.String())
	}
	return b.String()
}

func twoPayments(t *testing.T, im *Import, err error) {
	t.Helper()
	if err != nil || len(im.Problems) > 0 || len(im.Rows) != 2 {
		t.Fatalf("got %s, want the two payments", payOutcome(im, err))
	}
	want := []ImportRow{
		{PersonID: 1, Name: "张三", AmountFen: 3000, Year: 2026, Month: 10, PaidOn: "2026-10-08"},
		{PersonID: 2, Name: "李四", AmountFen: 1500, Year: 2026, Month: 10, PaidOn: "2026-10-09", Proxy: true, Note: "由支部书记代交"},
	}
	for i, r := range im.Rows {
		r.Row = 0
		if r != want[i] {
			t.Errorf("row %d: %+v, want %+v", im.Rows[i].Row, r, want[i])
		}
	}
}

func TestPaymentShapes(t *testing.T) {
	xlsx := func(t *testing.T, opt sheettest.Options, sheets ...sheettest.Sheet) string {
		return sheettest.File(t, "党费.xlsx", sheettest.XLSX(t, opt, sheets...))
	}
	with := func(above [][]any, rows [][]any) [][]any {
		return append(append(above, sheettest.Texts(payHead)...), rows...)
	}
	title := sheettest.Texts([]string{"城关派出所党支部 2026 年 10 月党费交纳登记表"}, []string{"填报单位：城关派出所党支部"})
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	cases := []struct {
		name  string
		path  func(t *testing.T) string
		check func(t *testing.T, im *Import, err error)
	}{
		{"标题两行，说明工作表在前", func(t *testing.T) string {
			notes := sheettest.Sheet{Name: "说明", Rows: sheettest.Texts([]string{"填表说明：所交月份写 1–12 或 2026年3月"})}
			return xlsx(t, sheettest.Options{}, notes, sheettest.Sheet{Name: "10月", Rows: with(title, payRows()), Merge: [][2]string{{"A1", "G1"}}})
		}, twoPayments},
		{"表尾合计与填表人、中间空行", func(t *testing.T) string {
			rows := payRows()
			rows = [][]any{rows[0], {}, rows[1], {"合计", "", "", "45.00"}, {"填表人：王五", "", "", "", "审核人：赵六"}}
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: with(title, rows)})
		}, twoPayments},
		{"金额、月份为数字单元格，日期为日期单元格（1904 日期系统）", func(t *testing.T) string {
			rows := payRows()
			rows[0][2], rows[0][3], rows[0][4] = 10, 30.000000000000004, day("2026-10-08")
			rows[1][2], rows[1][3], rows[1][4] = day("2026-10-01"), 15, day("2026-10-09").Add(10*time.Hour)
			return xlsx(t, sheettest.Options{Date1904: true}, sheettest.Sheet{Name: "Sheet1", Rows: with(nil, rows)})
		}, twoPayments},
		{"金额写作 ￥30.00、15 元，月份全角，代缴为 √", func(t *testing.T) string {
			rows := payRows()
			rows[0][2], rows[0][3] = "１０月份", "￥30.00"
			rows[1][3], rows[1][5] = "15 元", "√"
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: with(nil, rows)})
		}, twoPayments},
		{"身份证号带空格与小写 x，单元格两端不可见字符", func(t *testing.T) string {
			rows := payRows()
			rows[0][0], rows[0][1] = "张三\u00a0", "110105 19900307 2311"
			rows[1][0], rows[1][1] = "\u200b李四", "32010219850612158x\u3000"
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: with(nil, rows)})
		}, twoPayments},
		{"CSV：GBK，制表符分隔", func(t *testing.T) string {
			rows := [][]string{payHead}
			for _, r := range payRows() {
				var cells []string
				for _, c := range r {
					cells = append(cells, fmt.Sprint(c))
				}
				rows = append(rows, cells)
			}
			return sheettest.File(t, "党费.txt", sheettest.CSV(t, sheettest.GBK, '\t', rows))
		}, twoPayments},
		{"代缴填了无法识别的内容", func(t *testing.T) string {
			rows := payRows()
			rows[1][5] = "待定"
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: with(nil, rows)})
		}, func(t *testing.T, im *Import, err error) {
			if err != nil || len(im.Problems) != 1 || im.Problems[0].Row != 3 || im.Problems[0].Column != "代缴" || !strings.Contains(im.Problems[0].Message, "“待定”") {
				t.Fatalf("got %s", payOutcome(im, err))
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im, err := readPayments(c.path(t))
			t.Logf("%s → %s", c.name, payOutcome(im, err))
			c.check(t, im, err)
		})
	}
}
