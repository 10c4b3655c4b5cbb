package annual_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// TestAnnualInBrowser opens 党内统计 from the 统计 menu, picks a year and
// looks at the tables, the trend and the print view (screenshots).
func TestAnnualInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 1000)
	e := p.E
	b := build(fx{t, e, context.Background()})
	c := e.Account(auth.Leader, b.R, 0)
	var formula, print string
	var tables int
	p.Run(
		browsertest.Login(e.Srv.URL, c.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/"),
		chromedp.Click(`//summary[text()="统计"]`),
		chromedp.Click(`//a[text()="党内统计"]`),
		chromedp.WaitVisible("#annual-form"),
		chromedp.SetValue(`#annual-form select[name=year]`, "2025"),
		// 2025 is also the default year: the same report is on the page before.
		browsertest.Follow(`#annual-form button`),
		chromedp.WaitVisible("#annual-reconcile"),
		chromedp.Text("#annual-reconcile", &formula),
		chromedp.Evaluate(`document.querySelectorAll('.annual-table').length`, &tables),
	)
	p.Shot("annual-report")
	if !strings.Contains(formula, "上年底 9 人") || !strings.Contains(formula, "成立") || tables != 10 {
		t.Errorf("report page: %q, %d tables", formula, tables)
	}
	p.Run(browsertest.Follow("#annual-print"), chromedp.WaitVisible("#annual-sheet"), chromedp.Text(".annual-title", &print))
	p.Shot("annual-print")
	if print != "2025年党内统计年报" {
		t.Errorf("print title %q", print)
	}
}
