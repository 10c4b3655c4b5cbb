package app_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/brand"
	"hongdun/internal/browsertest"
	"hongdun/internal/demo"
	"hongdun/internal/honour"
	"hongdun/internal/life"
	"hongdun/internal/strong"
	"hongdun/internal/weak"
)

// TestBranchBuildingPagesInBrowser walks the demo bureau's 支部建设 pages as
// its 党务管理员 (screenshots): the gallery shows its photos, a featured
// method its adopters, the 最强党支部 board its 扩面 figure and the
// 软弱涣散 list a rectification under way.
func TestBranchBuildingPagesInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	e.Demo(demo.Options{Seed: 1, Members: 1500}, life.SeedDemo, honour.SeedDemo, strong.SeedDemo, weak.SeedDemo, brand.SeedDemo)
	var loaded bool
	var adopters, extent, cases int
	p.Run(browsertest.Login(e.Srv.URL, "shiju", apptest.DemoPassword),
		chromedp.Navigate(e.Srv.URL+"/brands/gallery"), chromedp.WaitVisible("#gallery"),
		chromedp.Evaluate(`[...document.querySelectorAll('#gallery img')].every(i => i.complete && i.naturalWidth > 0)`, &loaded))
	p.Shot("gallery")
	p.Run(chromedp.Click(`#gallery a.brand-card`), chromedp.WaitVisible("#adoptions"),
		chromedp.Evaluate(`document.querySelectorAll('#adoptions tbody tr').length`, &adopters))
	p.Shot("featured")
	p.Run(chromedp.Navigate(e.Srv.URL+"/brands"), chromedp.WaitVisible("#brands"))
	p.Shot("brands")
	p.Run(chromedp.Navigate(e.Srv.URL+"/strong"), chromedp.WaitVisible("#extent"),
		chromedp.Evaluate(`document.querySelectorAll('#extent tbody tr').length`, &extent))
	p.Shot("strong-board")
	p.Run(chromedp.Navigate(e.Srv.URL+"/strong/ends?year="+prevYear()), chromedp.WaitVisible("#middle"))
	p.Shot("strong-ends")
	p.Run(chromedp.Navigate(e.Srv.URL+"/strong/titles"), chromedp.WaitVisible("#titles-sentence"))
	p.Shot("strong-titles")
	p.Run(chromedp.Navigate(e.Srv.URL+"/strong/system?year="+nextYear()), chromedp.WaitVisible("#system-form"))
	p.Shot("strong-system")
	p.Run(chromedp.Navigate(e.Srv.URL+"/weak"), chromedp.WaitVisible("#cases"),
		chromedp.Evaluate(`document.querySelectorAll('#cases tbody tr a').length`, &cases))
	p.Shot("weak-list")
	p.Run(chromedp.Click(`#cases tbody tr a`), chromedp.WaitVisible("#history"))
	p.Shot("weak-case")
	p.Run(chromedp.Navigate(e.Srv.URL+"/weak/check"), chromedp.WaitVisible("#candidates"))
	p.Shot("weak-check")
	if !loaded || adopters < 2 || extent != 4 || cases != 3 {
		t.Fatalf("photos loaded %v, %d adopters, %d levels, %d cases", loaded, adopters, extent, cases)
	}
}

func prevYear() string { return strconv.Itoa(time.Now().Year() - 1) }
func nextYear() string { return strconv.Itoa(time.Now().Year() + 1) }
