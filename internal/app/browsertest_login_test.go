package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

func TestLoginPageInChinese(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, e := p.Ctx, p.E
	c := e.Account(auth.Auditor, 0, 0)
	var heading, errText string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.Srv.URL+"/login"),
		chromedp.Text("h1", &heading),
		chromedp.SendKeys("#username", c.Username(), chromedp.ByID),
		chromedp.SendKeys("#password", "wrong-Password-1", chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.Text(".error-box", &errText),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "红盾") || !strings.Contains(errText, "用户名或密码错误") {
		t.Fatalf("heading %q, error %q", heading, errText)
	}
	p.Shot("login-error")
	var title string
	if err := chromedp.Run(ctx, browsertest.Login(e.Srv.URL, c.Username(), apptest.Password), chromedp.Navigate(e.Srv.URL+"/audit"), chromedp.Title(&title)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "审计日志") {
		t.Fatalf("auditor landed on %q", title)
	}
	p.Shot("auditor-home")
}
