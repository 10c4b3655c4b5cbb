package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/roster/sheettest"
)

// An office imports its own question bank, not the template: first the
// CSV its old system exported (GBK, a title line, its own column names),
// with two bad rows, each named by its row and what to write instead;
// then the corrected workbook (a 说明 sheet first, notes below), imported.
func TestBankOfficeFileInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	w := newWorld(t, e)
	admin := e.Account(auth.OrgAdmin, w.a, 0)

	head := []string{"序号", "题目类型", "题目", "A", "B", "C", "正确答案", "难易程度", "知识点"}
	good := [][]string{
		{"1", "单项选择题", "党的最高领导机关是（　）。", "党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "A", "易", "党章"},
		{"2", "判断题", "预备党员的预备期为一年。", "", "", "", "对", "中", "党章"},
	}
	bad := [][]string{good[0], {"2", "判断题", "预备党员的预备期为一年。", "", "", "", "不对", "中", "党章"},
		{"3", "单项选择题", "党的基层组织是（　）。", "党支部", "党小组", "", "D", "易", "党章"}}
	csv := sheettest.File(t, "题库导出.csv", sheettest.CSV(t, sheettest.GBK, ',', append([][]string{{"甲分局党建题库（2026年）"}, head}, bad...)))
	rows := sheettest.Texts(append([][]string{{"甲分局党建题库（2026年）"}, head}, append(good, []string{"填表说明：答案填选项字母。"})...)...)
	book := sheettest.File(t, "题库.xlsx", sheettest.XLSX(t, sheettest.Options{},
		sheettest.Sheet{Name: "说明", Rows: sheettest.Texts([]string{"本题库由政治处整理"})}, sheettest.Sheet{Name: "题库", Rows: rows}))

	var refused, imported string
	upload := func(file string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Navigate(e.Srv.URL + "/exams/bank"),
			chromedp.WaitVisible("#import-form", chromedp.ByID),
			chromedp.SetValue("#import-org", itoa(w.a), chromedp.ByID),
			chromedp.SetUploadFiles("#import-file", []string{file}, chromedp.ByID),
			browsertest.Follow("#import-submit", chromedp.ByID),
		}
	}
	p.Run(
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		upload(csv),
		chromedp.WaitVisible("#import-rows", chromedp.ByID),
		chromedp.Text("#import-rows", &refused, chromedp.ByID),
	)
	p.Shot("1-office-bank-refused")
	for _, want := range []string{"第 4 行：判断题的答案“不对”无法识别：应为“对”或“错”", "第 5 行：答案 \"D\" 不是有效的选项字母"} {
		if !strings.Contains(refused, want) {
			t.Errorf("the refused rows do not say %q:\n%s", want, refused)
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM exam_questions"); n != 0 {
		t.Fatalf("%d questions stored by a refused file", n)
	}
	p.Run(
		upload(book),
		chromedp.WaitVisible("#questions", chromedp.ByID),
		chromedp.Text("main", &imported, chromedp.ByQuery),
	)
	p.Shot("2-office-bank-imported")
	if !strings.Contains(imported, "已导入 2 道题") || e.Count("SELECT COUNT(*) FROM exam_questions") != 2 {
		t.Fatalf("the corrected bank: %.400s", imported)
	}
}
