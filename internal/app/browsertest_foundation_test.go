package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/demo"
)

// The foundation walk: log in on the demo bureau, see the dashboard draw its
// charts, find a member by pinyin initials, open the member page.
func TestDashboardSearchAndMemberPage(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1360, 900)
	ctx, e := p.Ctx, p.E
	const pw = apptest.DemoPassword
	e.Demo(demo.Options{Seed: 1})
	var name, initials string
	var id int64
	if err := e.DB.QueryRowContext(context.Background(),
		"SELECT id, name, initials FROM persons WHERE status = 'full' AND LENGTH(initials) = 3 ORDER BY id LIMIT 1").Scan(&id, &name, &initials); err != nil {
		t.Fatal(err)
	}

	var charts int
	err := chromedp.Run(ctx,
		browsertest.Login(e.Srv.URL, "shiju", pw),
		chromedp.WaitVisible(".chart svg", chromedp.ByQuery),
		chromedp.Sleep(500*time.Millisecond), // let the charts' entry animation finish for the screenshot
		chromedp.Evaluate(`document.querySelectorAll('.chart[data-drawn="true"] svg path').length > 0 ? document.querySelectorAll('.chart[data-drawn="true"]').length : 0`, &charts),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("dashboard")
	if charts < 5 {
		t.Fatalf("dashboard drew %d charts, want at least 5", charts)
	}

	var results, heading, page string
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.Srv.URL+"/members"),
		chromedp.WaitVisible(`input[name="q"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="q"]`, initials, chromedp.ByQuery),
		chromedp.Submit(`input[name="q"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/members/`+strconv.FormatInt(id, 10)+`"]`, chromedp.ByQuery),
		chromedp.Text("table", &results, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("search-" + initials)
	if !strings.Contains(results, name) {
		t.Fatalf("searching %q did not list %s: %q", initials, name, results)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`a[href="/members/`+strconv.FormatInt(id, 10)+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text("main", &page, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("member")
	if !strings.Contains(heading, name) {
		t.Fatalf("member page heading %q, want %s", heading, name)
	}
	if !strings.Contains(page, "**********") || !strings.Contains(page, "党龄") {
		t.Fatalf("member page lacks the masked ID or 党龄: %q", page)
	}
}
