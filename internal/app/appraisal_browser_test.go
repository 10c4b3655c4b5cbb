package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/appraisal"
	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// A member marks the others on a phone; the secretary then rates everyone
// on the round's page and sees the distribution.
func TestBallotOnAPhoneAndRatingInTheBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 375, 812)
	e := p.E
	b := appraisalSetup(t, e)
	e.At("2026-01-12")
	admin := e.Account(auth.OrgAdmin, b.id, 0)
	var r appraisal.Round
	admin.Expect(201, "POST", "/api/v1/appraisals", map[string]any{"org_id": b.id, "year": 2025, "started_on": "2026-01-05",
		"self_due": "2026-01-10", "vote_due": "2026-01-20", "rate_due": "2026-01-31"}, &r)
	member := e.Account(auth.Member, 0, b.people[0])
	var done string
	p.Run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		browsertest.Login(e.Srv.URL, member.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/m/appraisal"),
		chromedp.WaitVisible(".ballot-form"),
		chromedp.SetValue(`textarea[name="self_text"]`, "认真学习，履职尽责。"),
	)
	for _, id := range b.people[1:] {
		p.Run(chromedp.Click(fmt.Sprintf(`input[name="grade_%d"][value="qualified"]`, id)))
	}
	p.Shot("phone-ballot")
	p.Run(browsertest.Follow(".ballot-submit"), chromedp.WaitVisible(".vote-done"), chromedp.Text(".flash", &done))
	if !strings.Contains(done, "测评票已提交") {
		t.Fatalf("flash %q", done)
	}
	p.Shot("phone-voted")

	secretary := e.Account(auth.OrgAdmin, b.id, 0)
	var dist string
	p.Run(chromedp.EmulateViewport(1280, 900),
		browsertest.Login(e.Srv.URL, secretary.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/appraisals/%d", e.Srv.URL, r.ID)),
		chromedp.WaitVisible("#rate-form"),
	)
	for i, id := range b.people {
		p.Run(chromedp.SetValue(fmt.Sprintf(`select[name="rating_%d"]`, id), []string{"excellent", "qualified", "qualified", "basic", "qualified"}[i]))
	}
	p.Run(browsertest.Follow("#rate-submit"), chromedp.WaitVisible(".flash"), chromedp.Text(`#distribution [data-grade="qualified"] b`, &dist))
	if dist != "3" {
		t.Fatalf("合格 %q", dist)
	}
	p.Shot("round-rated")
}
