package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// A file input shows a Chinese button and the chosen file's name whatever
// the browser's language (the test browser's own is English), and the form
// still submits the file through the native input.
func TestFilePickerInChinese(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	admin := e.Account(auth.OrgAdmin, e.Bureau().Root, 0)
	file := filepath.Join(t.TempDir(), "花名册.xlsx")
	if err := os.WriteFile(file, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	var button, before, after string
	var hidden bool
	p.Run(
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/imports"),
		chromedp.WaitVisible(`#import-file + label.file-pick`, chromedp.ByQuery),
		chromedp.Text(`#import-file + label.file-pick`, &button, chromedp.ByQuery),
		chromedp.Text(`#import-file ~ .file-chosen`, &before, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.getElementById('import-file')).opacity === '0'`, &hidden),
		chromedp.SetUploadFiles(`#import-file`, []string{file}, chromedp.ByQuery),
		chromedp.Text(`#import-file ~ .file-chosen`, &after, chromedp.ByQuery),
	)
	p.Shot("file-picker")
	if button != "选择文件" || before != "未选择文件" || after != "花名册.xlsx" || !hidden {
		t.Fatalf("button %q, before %q, after %q, native hidden %v", button, before, after, hidden)
	}
	// The upload goes through the native input: the job page names the file.
	var job string
	p.Run(
		chromedp.Click(`#import-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#job-state`, chromedp.ByQuery),
		chromedp.Text(`main`, &job, chromedp.ByQuery),
	)
	if !strings.Contains(job, "花名册.xlsx") {
		t.Fatalf("the job page does not name the uploaded file: %q", job)
	}
}
