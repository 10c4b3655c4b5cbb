package importer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/roster/sheettest"
)

// A party office imports roster-clean through the web pages: the ID column
// carries a header the importer cannot guess, so the preview reports it;
// the user maps it by hand, re-checks, confirms, and sees the members.
func TestImportThroughTheWebPage(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1360, 900)
	ctx, e := p.Ctx, p.E
	root := rootOrg(t, e, "市公安局党委")
	admin := e.Account(auth.OrgAdmin, root, 0)

	f, err := excelize.OpenFile("../../testdata/roster-clean/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("党员花名册", "F3", "证件")
	var buf bytes.Buffer
	f.Write(&buf)
	f.Close()
	file := filepath.Join(t.TempDir(), "花名册.xlsx")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// The job page refreshes itself while the job runs.
	waitState := func(state string) chromedp.Action {
		return chromedp.WaitVisible(`#job-state[data-state="`+state+`"]`, chromedp.ByQuery)
	}
	var errs, results string
	err = chromedp.Run(ctx,
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/imports"),
		chromedp.SetUploadFiles("#import-file", []string{file}, chromedp.ByID),
		chromedp.Click("#import-submit", chromedp.ByID),
		waitState("failed"),
		chromedp.Text("#job-errors", &errs, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("1-unmapped")
	if !strings.Contains(errs, "公民身份号码") {
		t.Fatalf("the preview does not name the missing column: %q", errs)
	}
	err = chromedp.Run(ctx,
		chromedp.SetValue("#col_5", "id_number", chromedp.ByID),
		chromedp.Click("#job-recheck", chromedp.ByID),
		waitState("checked"),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("2-checked")
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`window.confirm = () => true`, nil), // the 确认导入 button asks first
		chromedp.Click("#job-import", chromedp.ByID),
		waitState("done"),
		chromedp.Click("#job-members", chromedp.ByID),
		chromedp.WaitVisible("table tbody", chromedp.ByQuery),
		chromedp.Sleep(200*time.Millisecond),
		chromedp.Text("main", &results, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("3-members")
	var n int
	var first string
	e.DB.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM persons").Scan(&n)
	e.DB.QueryRowContext(t.Context(), "SELECT name FROM persons ORDER BY pinyin, id LIMIT 1").Scan(&first)
	if n != 120 || !strings.Contains(results, "共 120 人") || !strings.Contains(results, first) {
		t.Fatalf("%d persons imported; the list should say 共 120 人 and start with %s: %q", n, first, results[:min(len(results), 300)])
	}
}

// An office uploads its own roster, not the template: a title and the
// 填报单位 line above a two-row header, the 合计 and 填表说明 below, and
// three cells no import can read. The page names the header's rows and
// lists each problem by row, column and what to do, in words an office
// worker reads; nothing is written.
func TestOfficeRosterProblemsOnTheWebPage(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1360, 900)
	ctx, e := p.Ctx, p.E
	root := rootOrg(t, e, "市公安局党委")
	dbtest.AddOrg(t, e.DB, dbtest.Org{Parent: root, Name: "第一党支部", Kind: "branch"})
	admin := e.Account(auth.OrgAdmin, root, 0)

	top := []string{"序号", "姓名", "性别", "民族", "出生年月", "公民身份号码", "入党情况", "", "所在党支部"}
	sub := []string{"", "", "", "", "", "", "入党时间", "转正时间", ""}
	rows := sheettest.Texts([]string{"XX市公安局党员花名册"}, []string{"填报单位：XX分局机关党委　　填报日期：2026年11月1日"}, top, sub,
		[]string{"1", "张三", "男", "汉族", "1990.03", "110105199003072311", "2015年7月1日", "2016.7.1", "第一党支部"},
		[]string{"2", "李\u200b四", "女", "汉族", "1985-06-12", "", "2010/6/31", "", "第一党支部"},
		[]string{"合计", "2人"}, []string{"填表说明：日期写作 2020-01-02；带*为必填项。"})
	rows[5][5] = 3.20102198506121e17 // typed without 文本 format: Excel keeps 15 digits
	merge := [][2]string{{"A1", "I1"}, {"A2", "I2"}, {"G3", "H3"}}
	for _, c := range []string{"A", "B", "C", "D", "E", "F", "I"} {
		merge = append(merge, [2]string{c + "3", c + "4"})
	}
	file := sheettest.File(t, "2026年党员花名册（机关党委）.xlsx", sheettest.XLSX(t, sheettest.Options{}, sheettest.Sheet{Name: "花名册", Rows: rows, Merge: merge}))

	var errs, layout string
	err := chromedp.Run(ctx,
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/imports"),
		chromedp.SetUploadFiles("#import-file", []string{file}, chromedp.ByID),
		chromedp.Click("#import-submit", chromedp.ByID),
		chromedp.WaitVisible(`#job-state[data-state="failed"]`, chromedp.ByQuery),
		chromedp.Text("#job-errors", &errs, chromedp.ByID),
		chromedp.Text("#job-confirm p.muted", &layout, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("office-roster-problems")
	for _, want := range []string{"6\t姓名\t姓名含有不可见的零宽空格", "6\t公民身份号码\t公民身份号码被 Excel 转成了数字", "“文本”格式",
		"6\t入党时间\t“2010/6/31”不是有效日期：2010 年 6 月没有 31 日"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the problems do not say %q:\n%s", want, errs)
		}
	}
	if strings.Count(errs, "\n") != 3 || !strings.Contains(layout, "第 3–4 行是表头") {
		t.Errorf("want exactly the three problems and the two header rows named:\n%s\n%s", errs, layout)
	}
	var n int
	if err := e.DB.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM persons").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d persons written (%v)", n, err)
	}
}
