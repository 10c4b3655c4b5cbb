package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
)

// Every role lands on its own home, sees the menus it can use and no other,
// and sees its 待办 count without scrolling, on a desktop and on a phone.
func TestEveryRoleHome(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1360, 900)
	ctx, e := p.Ctx, p.E
	const pw = apptest.DemoPassword
	e.Demo(demo.Options{Seed: 1})
	if _, err := e.App.Auth.CreateAccount(context.Background(), auth.NewAccount{Username: "sysadm", Role: auth.SysAdmin, Password: pw}); err != nil {
		t.Fatal(err)
	}
	homes := []struct {
		user, path  string
		see, notSee []string
	}{
		{"sysadm", "/admin/accounts", []string{"账号管理"}, []string{"党员", "审计日志", "安全策略", "发展党员"}},
		{"secadmin", "/admin/security", []string{"安全策略"}, []string{"党员", "账号管理", "审计日志"}},
		{"auditor", "/audit", []string{"审计日志"}, []string{"党员", "账号管理", "安全策略"}},
		{"shiju", "/", []string{"工作台", "组织与党员", "导入", "发展党员", "教育培训"}, []string{"账号管理", "审计日志", "任务与擂台", "走访登记（手机）"}},
		{"leader", "/", []string{"工作台", "组织与党员", "发展党员"}, []string{"导入", "账号管理", "审计日志", "学习答题", "任务与擂台"}},
		{"dangyuan1", "/m", []string{"学习答题", "我的档案"}, []string{"组织与党员", "发展党员", "账号管理"}},
	}
	for _, view := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}} {
		t.Run(view.name, func(t *testing.T) {
			var opts []chromedp.EmulateViewportOption
			if view.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			if err := chromedp.Run(ctx, chromedp.EmulateViewport(view.w, view.h, opts...)); err != nil {
				t.Fatal(err)
			}
			for _, c := range homes {
				var url, nav, badge, name string
				var badgeBottom float64
				var clipped bool
				var rows, pageWidth int
				err := chromedp.Run(ctx,
					network.ClearBrowserCookies(),
					browsertest.Login(e.Srv.URL, c.user, pw),
					chromedp.WaitVisible(".todo-badge", chromedp.ByQuery),
					chromedp.Location(&url),
					chromedp.Evaluate(`Array.from(document.querySelectorAll('.mainnav summary, .mainnav a')).map(a => a.textContent.trim()).join('|')`, &nav),
					chromedp.Text(".todo-badge", &badge, chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelector('.todo-badge').getBoundingClientRect().bottom`, &badgeBottom),
					chromedp.Text(".who-name", &name, chromedp.ByQuery),
					// The name is not cut: no part of it overflows its box or the screen.
					chromedp.Evaluate(`(() => { const n = document.querySelector('.who-name'), r = n.getBoundingClientRect();
						return n.scrollWidth > n.clientWidth + 1 || r.right > window.innerWidth + 1 || r.left < 0; })()`, &clipped),
					// How many rows the areas of the main navigation take.
					chromedp.Evaluate(`new Set(Array.from(document.querySelectorAll('.mainnav > *')).map(e => Math.round(e.getBoundingClientRect().top))).size`, &rows),
					// A wide table scrolls in its own box; the page never scrolls
					// sideways (a phone widens its layout to the page, so the
					// page is compared with the screen, not window.innerWidth).
					chromedp.Evaluate(`document.documentElement.scrollWidth`, &pageWidth),
				)
				if err != nil {
					t.Fatalf("%s: %v", c.user, err)
				}
				browsertest.FullScreenshot(t, ctx, c.user)
				if got := strings.TrimPrefix(url, e.Srv.URL); strings.SplitN(got, "?", 2)[0] != c.path {
					t.Errorf("%s lands on %s, want %s", c.user, got, c.path)
				}
				items := "|" + nav + "|"
				for _, s := range c.see {
					if !strings.Contains(items, "|"+s+"|") {
						t.Errorf("%s: navigation %q lacks %s", c.user, nav, s)
					}
				}
				for _, s := range c.notSee {
					if strings.Contains(items, "|"+s+"|") {
						t.Errorf("%s: navigation %q shows %s", c.user, nav, s)
					}
				}
				if clipped || !strings.Contains(name, "（") || strings.Contains(name, "…") {
					t.Errorf("%s: the name in the top bar %q is cut", c.user, name)
				}
				if pageWidth > int(view.w)+1 {
					t.Errorf("%s: the page is %dpx wide on a %dpx screen: it scrolls sideways", c.user, pageWidth, view.w)
				}
				if !view.mobile && rows != 1 {
					t.Errorf("%s: the main navigation takes %d rows at %dpx, want one", c.user, rows, view.w)
				}
				if !strings.HasPrefix(badge, "待办") || badgeBottom <= 0 || badgeBottom > float64(view.h)/4 {
					t.Errorf("%s: 待办 badge %q at %.0fpx, want it in the top quarter of the screen", c.user, badge, badgeBottom)
				}
			}
		})
	}

	// A menu opens on a click and shows its entries; the page's own entry is marked.
	var entries, active string
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1360, 900),
		network.ClearBrowserCookies(),
		browsertest.Login(e.Srv.URL, "shiju", pw),
		chromedp.Navigate(e.Srv.URL+"/members"),
		chromedp.Click(`details.navgroup.active > summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`details.navgroup[open] .navmenu`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('details.navgroup[open] .navmenu a')).map(a => a.textContent).join('|')`, &entries),
		chromedp.Text(`details.navgroup[open] .navmenu a.active`, &active, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("menu")
	if entries != "组织|党员|组织关系转接|花名册|导入" || active != "党员" {
		t.Fatalf("menu %q, active %q", entries, active)
	}

	// The account's links open under the name, and opening it closes the area's menu.
	var account string
	var others int
	p.Run(chromedp.Click(`details.who > summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`details.who[open] .navmenu`, chromedp.ByQuery),
		chromedp.Text(`details.who .navmenu`, &account, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('details.navgroup[open]:not(.who)').length`, &others))
	p.Shot("account-menu")
	if strings.Join(strings.Fields(account), "|") != "使用说明|修改密码|动态口令|退出" || others != 0 {
		t.Errorf("account menu %q, %d other menus open", account, others)
	}
	p.Run(chromedp.Click(`details.who > summary`, chromedp.ByQuery)) // closed again before the help below

	// The page's 使用说明 opens on a click; the quick start is one step away.
	var helpText string
	err = chromedp.Run(ctx,
		chromedp.Click(`#page-help > summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#page-help[open] p`, chromedp.ByQuery),
		chromedp.Text(`#page-help`, &helpText, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	p.Shot("help")
	if !strings.Contains(helpText, "党员名册") {
		t.Errorf("使用说明 of /members: %q", helpText)
	}
	var steps int
	p.Run(browsertest.Follow(`#page-help a[href="/help"]`, chromedp.ByQuery),
		browsertest.Follow(`a[href="/help/orgadmin"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#quickstart`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#quickstart ol li').length`, &steps))
	p.Shot("quickstart")
	if steps < 5 {
		t.Errorf("quick start with %d steps", steps)
	}
}
