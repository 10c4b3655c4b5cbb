package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// An organiser creates a program, a session with its main venue and a
// branch venue through the pages, then opens the venue's QR screen.
func TestOrganiserBuildsProgramInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, e := p.Ctx, p.E
	w := newBureau(t, e)
	e.App.Now = time.Now
	admin := e.Account(auth.OrgAdmin, w.a, 0)
	// Set as the field's value, not typed: typing follows the browser's
	// locale (月/日/年 or 年/月/日, 12 or 24 hours).
	day := time.Now().Add(24 * time.Hour).Format("2006-01-02")

	var page string
	err := chromedp.Run(ctx,
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/training"),
		chromedp.SendKeys("#program-title", "甲分局党支部书记轮训", chromedp.ByID),
		chromedp.Click("#program-submit", chromedp.ByID),
		chromedp.WaitVisible("#session-form", chromedp.ByID),
		chromedp.SendKeys("#s_title", "第一讲 学习贯彻党章", chromedp.ByID),
		chromedp.SetValue("#s_starts_at", day+"T09:00", chromedp.ByID),
		chromedp.SetValue("#s_ends_at", day+"T11:30", chromedp.ByID),
		chromedp.SendKeys("#s_hours", "2.5", chromedp.ByID),
		chromedp.Click("#session-submit", chromedp.ByID),
		flash("已添加场次和主会场"),
		chromedp.Click("details.add-venue summary", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	var session int64
	e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_sessions").Scan(&session)
	sel := func(id string) string { return "#" + id + "-" + itoa(session) }
	err = chromedp.Run(ctx,
		chromedp.SetValue(sel("v-org"), itoa(w.aBranch), chromedp.ByQuery),
		chromedp.SendKeys(sel("v-name"), "甲支部分会场", chromedp.ByQuery),
		chromedp.Click(sel("venue-submit"), chromedp.ByQuery),
		flash("已添加分会场"),
		chromedp.Text("main", &page, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("1-program")
	if !strings.Contains(page, "已添加分会场") || !strings.Contains(page, "甲支部分会场") || !strings.Contains(page, "2.5") {
		t.Fatalf("program page: %q", page)
	}
	var venue int64
	e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_venues WHERE main = 0").Scan(&venue)
	if err := chromedp.Run(ctx, chromedp.Navigate(e.Srv.URL+"/training/venues/"+itoa(venue)+"/screen"), chromedp.WaitVisible("#qr", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	p.Shot("2-qr-screen")
}

// flash waits for the notice of the page after a post; an older notice on
// the page before does not match.
func flash(text string) chromedp.Action {
	return chromedp.WaitVisible(`//div[@class="flash" and contains(., "`+text+`")]`, chromedp.BySearch)
}
