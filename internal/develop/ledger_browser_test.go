package develop_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
)

// A 分局's office goes from the 台账 page to the import, uploads its
// in-flight 台账 as 发展党员工作台账, reads the refusal of a row dated too
// early (the rule's Chinese name, citation and the valid date), uploads the
// corrected file, previews and confirms, and finds the cases on the 台账.
func TestImportLedgerInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1360, 900)
	ctx, e := p.Ctx, p.E
	b := newBureau(t, e)
	branch := "甲分局城关派出所党支部"
	dir := t.TempDir()
	write := func(name string, row []string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, ledgerBook(t, ledgerHead, row), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	early := fullRow("张申请", "", branch, 12)
	early[11] = "2024-04-09"
	bad, good := write("台账-有误.xlsx", early), write("台账.xlsx", fullRow("张申请", "", branch, 12))
	waitState := func(state string) chromedp.Action {
		return chromedp.WaitVisible(`#job-state[data-state="`+state+`"]`, chromedp.ByQuery)
	}
	var errs, preview, ledger string
	err := chromedp.Run(ctx,
		browsertest.Login(e.Srv.URL, b.fenjuAdmin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/development"),
		browsertest.Follow("#ledger-import-link"),
		chromedp.SetUploadFiles("#import-file", []string{bad}, chromedp.ByID),
		chromedp.Click("#import-submit", chromedp.ByID),
		waitState("failed"),
		chromedp.Text("#job-errors", &errs, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("1-refused")
	if !strings.Contains(errs, "确定发展对象日期") || !strings.Contains(errs, "2024-04-10") || !strings.Contains(errs, "细则") || strings.Contains(errs, "R-") {
		t.Fatalf("the refusal: %q", errs)
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.Srv.URL+"/imports?kind=development"),
		chromedp.SetUploadFiles("#import-file", []string{good}, chromedp.ByID),
		chromedp.Click("#import-submit", chromedp.ByID),
		waitState("checked"),
		chromedp.Text("#job-preview", &preview, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("2-preview")
	if !strings.Contains(preview, "张申请") || !strings.Contains(preview, "第12步") || !strings.Contains(preview, "发展对象") {
		t.Fatalf("the preview: %q", preview)
	}
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click("#job-import", chromedp.ByID),
		waitState("done"),
		browsertest.Follow("#job-ledger"),
		chromedp.Text("main", &ledger, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("3-ledger")
	if !strings.Contains(ledger, "张申请") || !strings.Contains(ledger, "支部委员会审查") {
		t.Fatalf("the 台账 after the import: %q", ledger[:min(len(ledger), 400)])
	}
}
