package importer

import (
	"context"
	"testing"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/roster/sheettest"
)

// An office's own roster imports whole, on both databases: a title and the
// 填报单位 line above a two-row header (入党情况 merged over its dates),
// dates as cells of the 1904 system, an ID number with a lowercase x and
// full-width digits, the 合计 and 填表说明 below. The preview shows the
// rows as stored; the same file with one ID number kept as a number
// writes nothing.
func TestOfficeRosterImports(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	book := func(zhangID any) []byte {
		rows := [][]any{{"XX市公安局党员花名册"}, {"填报单位：XX分局机关党委　　填报日期：2026年11月1日"},
			{"序号", "姓名*", "性别", "出生年月", "公民身份号码*", "入党情况", nil, "所在党支部*"},
			{nil, nil, nil, nil, nil, "入党时间", "转正时间"},
			{1, "张三", "男", day("1990-03-07"), zhangID, day("2015-07-01"), day("2016-07-01"), "第一党支部"},
			{2, "李　四", "女性", "1985.06", "３２０１０２１９８５０６１２１５８x", "2010年6月30日", "2011/6/30", "第一党支部"},
			{"合计", "2人"}, {"填表说明：带*为必填项。"}}
		merge := [][2]string{{"A1", "H1"}, {"A2", "H2"}, {"F3", "G3"}}
		for _, c := range []string{"A", "B", "C", "D", "E", "H"} {
			merge = append(merge, [2]string{c + "3", c + "4"})
		}
		return sheettest.XLSX(t, sheettest.Options{Date1904: true}, sheettest.Sheet{Name: "花名册", Rows: rows, Merge: merge})
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		deps := testDeps(t, d)
		root := addOrg(t, d, 0, "市公安局党委", "committee")
		addOrg(t, d, root, "第一党支部", "branch")
		rep, err := Run(ctx, deps, sheettest.File(t, "花名册.xlsx", book(1.10105199003072e17)), Options{OrgID: root, Today: today}, nil)
		if err != nil || rep.ErrorCount != 1 || rep.Problems[0].Row != 5 || rep.Problems[0].Column != "公民身份号码*" || rep.Inserted != 0 || count(t, d, "persons") != 0 {
			t.Fatalf("an ID number kept as a number: %v %+v", err, rep)
		}
		rep, err = Run(ctx, deps, sheettest.File(t, "花名册.xlsx", book("110105199003072311")), Options{OrgID: root, Today: today}, nil)
		if err != nil || rep.ErrorCount != 0 || rep.Inserted != 2 || rep.Layout.HeaderTop != 3 || rep.Layout.HeaderRow != 4 {
			t.Fatalf("%v %+v", err, rep)
		}
		want := []PreviewRow{
			{Row: 5, Name: "张三", Gender: "男", Ethnicity: "汉族", BirthDate: "1990-03-07", IDMasked: "1101**********2311", JoinDate: "2015-07-01",
				FullDate: "2016-07-01", Branch: "第一党支部", Status: "正式党员"},
			{Row: 6, Name: "李四", Gender: "女", Ethnicity: "汉族", BirthDate: "1985-06-12", IDMasked: "3201**********158X", JoinDate: "2010-06-30",
				FullDate: "2011-06-30", Branch: "第一党支部", Status: "正式党员"},
		}
		if len(rep.Preview) != 2 || rep.Preview[0] != want[0] || rep.Preview[1] != want[1] {
			t.Fatalf("preview %+v\nwant %+v", rep.Preview, want)
		}
		if n := count(t, d, "persons"); n != 2 {
			t.Fatalf("%d persons", n)
		}
		dbtest.OrgPathsAgree(t, d)
	})
}
