package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// The 签到大屏 on a 1280×720 projector: no navigation, a QR code of at
// least half the screen's height, and the count of 已签到/应到 that moves
// when a member checks in, without the page reloading.
func TestProjectorScreen(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 720)
	e := p.E
	w := newBureau(t, e)
	e.App.Now = time.Now
	city := e.Account(auth.OrgAdmin, w.root, 0)
	var prog, sess struct{ ID int64 }
	city.Do("POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": "市局机关党委示范培训", "year": time.Now().Year(), "title": "全市党员冬训"}, &prog)
	start := time.Now().Add(5 * time.Minute)
	city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": "第一讲 学习贯彻党章", "mode": "线下",
		"starts_at": start.UnixMilli(), "ends_at": start.Add(2 * time.Hour).UnixMilli(), "hours_x10": 20, "open_before_min": 30, "late_after_min": 10,
		"main_venue": "市局主会场"}, &sess)
	var venue int64
	e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_venues WHERE session_id = ?", sess.ID).Scan(&venue)

	var nav int
	var qrHeight, viewport float64
	var present, expected string
	p.Run(browsertest.Login(e.Srv.URL, city.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/training/venues/%d/screen", e.Srv.URL, venue)),
		chromedp.WaitVisible("#qr", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll('header.topbar, nav').length`, &nav),
		chromedp.Evaluate(`document.getElementById('qr').getBoundingClientRect().height`, &qrHeight),
		chromedp.Evaluate(`window.innerHeight`, &viewport),
		chromedp.Text("#present", &present, chromedp.ByID), chromedp.Text("#expected", &expected, chromedp.ByID),
		chromedp.Evaluate(`window.notReloaded = true`, nil),
	)
	p.Shot("1-projector")
	if nav != 0 || qrHeight < viewport/2 || present != "0" || expected != "3" {
		t.Fatalf("screen: %d navigation elements, QR %.0f px of %.0f, %s/%s", nav, qrHeight, viewport, present, expected)
	}

	var qr struct{ Token string }
	city.Do("GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venue), nil, &qr)
	if st := e.Account(auth.Member, 0, w.member).Do("POST", "/api/v1/training/checkin", map[string]string{"token": qr.Token}, nil); st != 201 {
		t.Fatalf("check-in: %d", st)
	}
	var still bool
	p.Run(chromedp.WaitVisible(`//p[@id="present" and normalize-space(.)="1"]`, chromedp.BySearch),
		chromedp.Evaluate(`window.notReloaded === true`, &still))
	p.Shot("2-projector-after-checkin")
	if !still {
		t.Fatal("the screen reloaded to show the count")
	}
	var body string
	p.Run(chromedp.Text("body", &body, chromedp.ByQuery))
	if !strings.Contains(body, "第一讲 学习贯彻党章") || !strings.Contains(body, "已签到") || !strings.Contains(body, "应到") {
		t.Fatalf("screen text: %q", body)
	}
}
