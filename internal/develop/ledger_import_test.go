package develop

import (
	"strings"
	"testing"
	"time"

	"hongdun/internal/platform/civil"
	"hongdun/internal/roster"
	"hongdun/internal/roster/sheettest"
	"hongdun/internal/rules"
)

// TestReadAndCheckPaperLedger reads a 台账 as offices keep it (title rows,
// official step names with 日期, dates spelled several ways, padded names)
// and judges each row against the rules as of its dates.
func TestReadAndCheckPaperLedger(t *testing.T) {
	t.Parallel()
	sheet := [][]string{
		{"甲分局发展党员工作台账"},
		{"填报单位：城关派出所党支部", "", "2026年"},
		{"姓 名", "公民身份号码", "所在党支部", "递交入党申请书日期", "确定为入党积极分子日期", "确定为发展对象前公示", "确定为发展对象日期",
			"入党介绍人", "确定入党介绍人日期", "政审结论", "集中培训天数", "支部委员会审查日期", "支部大会讨论日期", "应到人数", "实到人数", "赞成人数",
			"上级党委审批日期", "转正支部大会讨论日期", "转正应到人数"},
		{" 张 三 ", "110101199505050011", "城关派出所党支部", "2023/1/10", "2023年4月10日", "2024.3.25", "20240410",
			"王正式、李正式", "2024-05-20", "合格", "3", "2024-07-01", "2024-08-01", "9", "8", "8", "2024-09-01", "", ""},
		{"李四", "", "城关派出所党支部", "2023-01-10", "2023-04-10", "2024-03-25", "2024-04-09", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"王五", "", "", "2023-13-01", "2023-04-10", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
	}
	cells := sheettest.Texts(sheet...)
	cells[3][8] = time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC) // a date cell: its serial number
	rows, probs := readLedger(t, sheettest.XLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "台账", Rows: cells}))
	if len(rows) != 3 {
		t.Fatalf("%d rows read, want 3 (the blank one skipped)", len(rows))
	}
	z := rows[0]
	if z.Row != 4 || z.Name != "张三" || z.IDNumber != "110101199505050011" || z.Branch != "城关派出所党支部" {
		t.Fatalf("person columns: %+v", z)
	}
	for n, want := range map[int]string{1: "2023-01-10", 3: "2023-04-10", 7: "2024-04-10", 9: "2024-05-20", 12: "2024-07-01", 15: "2024-08-01", 17: "2024-09-01"} {
		if got := z.Steps[n].String(); got != want {
			t.Errorf("step %d: %s, want %s", n, got, want)
		}
	}
	if v := z.Votes[15]; v == nil || v.Expected != 9 || v.Present != 8 || v.For != 8 || z.Votes[23] != nil {
		t.Fatalf("votes: %+v", z.Votes)
	}
	if len(z.People[9]) != 2 || z.VettingPassed == nil || !*z.VettingPassed || z.TrainingDays != 3 || z.Publicity["candidate"].String() != "2024-03-25" {
		t.Fatalf("inputs: %+v", z)
	}
	if len(probs) != 1 || probs[0].Row != 7 || probs[0].Column != "递交入党申请书日期" || !strings.Contains(probs[0].Message, "2023-13-01") {
		t.Fatalf("unreadable date: %+v", probs)
	}
	e := rules.NewEngine()
	birth := civil.MustParse("1995-05-05")
	branch := rules.Org{ID: 3, Name: "城关派出所党支部", Kind: "branch"}
	committee := rules.Org{ID: 2, Name: "甲分局党委", Kind: "committee", CanApprove: true}
	orgs := LedgerOrgs{Branch: branch, Approver: committee, Full: func(civil.Date) int { return 10 }}
	// 张三's row skips steps the office did not keep (as 台账 do): only the
	// rules its dates and columns can judge refuse — here the missing 预审.
	_, ps := CheckLedgerRow(e, birth, z, orgs)
	if len(ps) == 0 || ps[0].Rule != "R-sequence" {
		t.Fatalf("张三: %+v", ps)
	}
	rows[1].Steps[2], rows[1].Steps[6] = civil.MustParse("2023-01-20"), civil.MustParse("2023-05-01")
	_, ps = CheckLedgerRow(e, birth, rows[1], orgs)
	if len(ps) != 1 || ps[0].Rule != "R-target" || ps[0].PossibleOn != "2024-04-10" || ps[0].Row != 5 || ps[0].Citation == "" {
		t.Fatalf("李四 named 发展对象 a day early: %+v", ps)
	}
	rows[1].Steps[7] = civil.MustParse("2024-04-10")
	if _, ps = CheckLedgerRow(e, birth, rows[1], orgs); len(ps) != 0 {
		t.Fatalf("李四 with right dates: %+v", ps)
	}
	for n, d := range map[int]string{2: "2023-01-20", 4: "2023-04-15", 5: "2023-04-20", 6: "2023-05-01", 8: "2024-05-15", 10: "2024-06-10",
		11: "2024-06-20", 13: "2024-07-10", 14: "2024-07-15", 16: "2024-08-10"} {
		z.Steps[n] = civil.MustParse(d)
	}
	z.Publicity["admission"] = civil.MustParse("2024-07-02") // before the 预审
	if _, ps = CheckLedgerRow(e, birth, z, orgs); len(ps) != 0 {
		t.Fatalf("张三 with every step: %+v", ps)
	}
	z.Votes[15].For = 4 // votes are taken as given in the row
	if _, ps = CheckLedgerRow(e, birth, z, orgs); !hasRule(ps, "R-majority") {
		t.Fatalf("a vote without a majority: %+v", ps)
	}
	if _, ps = CheckLedgerRow(e, birth, rows[1], LedgerOrgs{Branch: rules.Org{ID: 9, Name: "安保临时党支部", Kind: "temp_branch"}, Approver: committee}); !hasRule(ps, "R-approver") {
		t.Fatalf("a row of a 临时党支部: %+v", ps)
	}
	if _, probs := readLedger(t, sheettest.XLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "名单", Rows: sheettest.Texts([]string{"名单"}, []string{"序号", "备注"})})); len(probs) != 1 || !strings.Contains(probs[0].Message, "表头") {
		t.Fatalf("no header: %+v", probs)
	}
}

// readLedger reads a workbook as the import does.
func readLedger(t *testing.T, book []byte) ([]PaperRow, []roster.Problem) {
	t.Helper()
	b, err := roster.Open(sheettest.File(t, "台账.xlsx", book))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rows, probs, err := ReadLedger(b, func() {})
	if err != nil {
		t.Fatal(err)
	}
	return rows, probs
}

func hasRule(ps []roster.Problem, rule string) bool {
	for _, p := range ps {
		if p.Rule == rule {
			return true
		}
	}
	return false
}
