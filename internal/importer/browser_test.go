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
