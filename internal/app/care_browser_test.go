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

// TestBrowserCampaign: the bureau opens a 七一 campaign (form, preview,
// confirmation); a branch secretary on a phone finds 老张 on the branch's
// list and records a visit with a photo; the bureau's progress counts it.
func TestBrowserCampaign(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	b := careNewBureau(t, e)
	base := e.Srv.URL
	secretary := e.Account(auth.OrgAdmin, b.ABranch, 0)

	var total string
	p.Run(
		browsertest.Login(base, b.root.Username(), apptest.Password),
		chromedp.Navigate(base+"/care/campaigns"),
		chromedp.Click("#campaign-new", chromedp.ByID),
		chromedp.WaitVisible("#campaign-form", chromedp.ByID),
		chromedp.SetValue("#name", "2026年“七一”走访慰问", chromedp.ByID),
		chromedp.SetValue("#starts_on", "2026-03-01", chromedp.ByID),
		chromedp.SetValue("#ends_on", "2026-03-31", chromedp.ByID),
		chromedp.Click(`#ledgers input[value="elder"]`, chromedp.ByQuery),
		chromedp.Click(`#ledgers input[value="hardship"]`, chromedp.ByQuery),
		chromedp.SetValue("#standard", "500", chromedp.ByID),
		chromedp.Click("#campaign-preview", chromedp.ByID),
		chromedp.WaitVisible("#campaign-confirm", chromedp.ByID),
		chromedp.Text("#preview-total", &total, chromedp.ByID),
	)
	p.Shot("1-preview")
	if total != "6" {
		t.Fatalf("preview total %q", total)
	}
	var flash string
	p.Run(browsertest.Follow("#campaign-submit", chromedp.ByID), chromedp.WaitVisible(".flash", chromedp.ByQuery), chromedp.Text(".flash", &flash, chromedp.ByQuery))
	p.Shot("2-opened")
	if !strings.Contains(flash, "已开启") {
		t.Fatalf("after opening: %q", flash)
	}
	var campaignURL string
	p.Run(chromedp.Location(&campaignURL))
	campaignURL = strings.Split(campaignURL, "?")[0]

	// The secretary's phone.
	photo := filepath.Join(t.TempDir(), "IMG_0001.png")
	if err := os.WriteFile(photo, pngPhoto(t, 90), 0o600); err != nil {
		t.Fatal(err)
	}
	phone := browsertest.Browser(t, 500, 900)
	// On failure: a screenshot of the whole phone page, then the test fails.
	run := (&browsertest.Page{T: t, Ctx: phone}).Run
	var done string
	run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		browsertest.Login(base, secretary.Username(), apptest.Password),
		chromedp.Navigate(base+"/m/care"),
		chromedp.WaitVisible(".m-link", chromedp.ByQuery))
	browsertest.Screenshot(t, phone, "3-phone-campaigns")
	run(chromedp.Click(".m-link", chromedp.ByQuery), chromedp.WaitVisible("#m-targets", chromedp.ByID))
	browsertest.Screenshot(t, phone, "4-phone-list")
	run(chromedp.Click(`#m-target-`+itoa(b.people["老张"])+` a.button`, chromedp.ByQuery),
		chromedp.WaitVisible("#m-visit-form", chromedp.ByID),
		chromedp.SetValue("#form", "money", chromedp.ByID),
		chromedp.SetValue("#visitors", "张书记", chromedp.ByID),
		chromedp.SetValue("#notes", "老同志身体硬朗，感谢组织关怀", chromedp.ByID),
		chromedp.SetUploadFiles("#photo", []string{photo}, chromedp.ByID))
	browsertest.Screenshot(t, phone, "5-phone-visit")
	run(browsertest.Follow("#m-visit-submit", chromedp.ByID), chromedp.WaitVisible(".flash, .error-box", chromedp.ByQuery), chromedp.Text(".flash, .error-box", &done, chromedp.ByQuery))
	browsertest.Screenshot(t, phone, "6-phone-done")
	if !strings.Contains(done, "已登记：老张") {
		t.Fatalf("phone after the visit: %q", done)
	}

	// The bureau's progress.
	var visited, amount string
	p.Run(chromedp.Navigate(campaignURL), chromedp.WaitVisible("#progress", chromedp.ByID),
		chromedp.Text("#total-visited", &visited, chromedp.ByID), chromedp.Text("#total-amount", &amount, chromedp.ByID))
	p.Shot("7-progress")
	if visited != "1" || amount != "500.00" {
		t.Errorf("progress: visited %q, amount %q", visited, amount)
	}
	p.Run(chromedp.Click(`#target-list a[href^="/care/visits/"]`, chromedp.ByQuery), chromedp.WaitVisible("#photos img", chromedp.ByQuery))
	p.Shot("8-visit-with-photo")
	var natural int
	p.Run(chromedp.Evaluate(`document.querySelector("#photos img").naturalWidth`, &natural))
	if natural != 160 {
		t.Errorf("the photo shows %d px wide, want 160", natural)
	}

	// The other pages, as they look with this data.
	var h struct{ ID int64 }
	b.admA.Do("POST", "/api/v1/care/hardship", map[string]any{"person_id": b.people["在职党员"], "cause": "illness", "level": "severe",
		"since": "2026-01-01", "detail": "配偶重病住院"}, &h)
	for _, pg := range []struct{ name, path, ready string }{
		{"ledger-elder", "/care?kind=elder", "#ledger"},
		{"ledger-all", "/care", "#ledger"},
		{"hardships", "/care/hardship", "#hardships"},
		{"hardship-review", "/care/hardship/" + itoa(h.ID), "#hardship-review"},
		{"visits", "/care/visits", "#visits"},
		{"visit-new", "/care/visits/new?person=" + itoa(b.people["满五十"]), "#visit-form"},
		{"campaigns", "/care/campaigns", "#campaigns"},
		{"print", campaignURL + "/print", "#print-sheet"},
		{"receipt", campaignURL + "/receipt?org=" + itoa(b.A), "#receipt-sheet"},
	} {
		u := pg.path
		if strings.HasPrefix(u, "/") {
			u = base + u
		}
		p.Run(chromedp.Navigate(u), chromedp.WaitVisible(pg.ready, chromedp.ByQuery))
		p.Shot("9-" + pg.name)
	}
}
