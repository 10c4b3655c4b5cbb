package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// TestSeparationOfDutiesInTheBrowser walks 三员分立 through the real pages:
// the 系统管理员 makes an account and asks for a role, the account cannot log
// in, the 安全保密管理员 approves it, and its holder must first replace the
// one-time password.
func TestSeparationOfDutiesInTheBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, e := p.Ctx, p.E
	var org int64
	if err := e.DB.W.QueryRowContext(context.Background(), e.DB.Rebind("INSERT INTO orgs (name, kind, path, created_at, updated_at) VALUES ('雁塔分局党委', 'committee', '/x/', 0, 0) RETURNING id")).Scan(&org); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.W.ExecContext(context.Background(), e.DB.Rebind("UPDATE orgs SET path = ? WHERE id = ?"), fmt.Sprintf("/%d/", org), org); err != nil {
		t.Fatal(err)
	}
	admin := e.Account(auth.SysAdmin, 0, 0)
	sec := e.Account(auth.SecAdmin, 0, 0)
	base := e.Srv.URL
	logout := chromedp.Tasks{chromedp.Click(`details.who > summary`), chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible("#login", chromedp.ByID)}
	const once, own = "Chu-Shi-2026!pw", "Wo-De-Mima-2026!"

	// The 系统管理员 creates the account and asks for 党务管理员 of the 分局.
	var pending string
	err := chromedp.Run(ctx,
		browsertest.Login(base, admin.Username(), apptest.Password),
		chromedp.Navigate(base+"/admin/accounts"),
		chromedp.Click("#new-account > summary"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", "yanta-new", chromedp.ByID),
		chromedp.SendKeys("#display_name", "雁塔新任干事", chromedp.ByID),
		chromedp.SetValue("#role", "orgadmin", chromedp.ByID),
		chromedp.SendKeys("#org_id", "雁塔分局党委", chromedp.ByID),
		pickerOffers(1),
		chromedp.SendKeys("#org_id", kb.ArrowDown+kb.Enter, chromedp.ByID),
		chromedp.SendKeys("#reason", "新任党务干事", chromedp.ByID),
		chromedp.SendKeys("#password", once, chromedp.ByID),
		chromedp.Submit("#username", chromedp.ByID),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text("#pending-accounts", &pending, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pending, "yanta-new") || !strings.Contains(pending, "党务管理员") || !strings.Contains(pending, "待审批") {
		t.Fatalf("pending accounts: %q", pending)
	}
	p.Shot("accounts-sysadmin")

	// It cannot log in yet.
	var loginErr string
	err = chromedp.Run(ctx, logout,
		chromedp.SendKeys("#username", "yanta-new", chromedp.ByID),
		chromedp.SendKeys("#password", once, chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.Text(".error-box", &loginErr),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loginErr, "尚未经安全保密管理员授权") {
		t.Fatalf("login of the pending account: %q", loginErr)
	}

	// The 安全保密管理员 sees the request and approves it.
	var reqs, flash string
	var reqID int64
	if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM role_requests").Scan(&reqID); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx,
		browsertest.Login(base, sec.Username(), apptest.Password),
		chromedp.Navigate(base+"/admin/security"),
		chromedp.Text("#role-requests", &reqs, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reqs, "yanta-new") || !strings.Contains(reqs, "雁塔分局党委") || !strings.Contains(reqs, admin.Username()) {
		t.Fatalf("requests: %q", reqs)
	}
	p.Shot("security-secadmin")
	approve := fmt.Sprintf(`form[action="/admin/security/requests/%d/approve"]`, reqID)
	err = chromedp.Run(ctx,
		chromedp.SendKeys(approve+` input[name="note"]`, "同意", chromedp.ByQuery),
		browsertest.Follow(approve+" button", chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
		chromedp.Text("#role-requests", &reqs, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "已批准") || !strings.Contains(reqs, "已批准") {
		t.Fatalf("after approval: %q / %q", flash, reqs)
	}
	p.Shot("security-approved")

	// The holder logs in: only the password change, which says why.
	var why, title string
	err = chromedp.Run(ctx, logout,
		browsertest.Login(base, "yanta-new", once),
		chromedp.Navigate(base+"/members"),
		chromedp.WaitVisible("#one-time", chromedp.ByID),
		chromedp.Text("#one-time", &why, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why, "一次性密码") {
		t.Fatalf("password page: %q", why)
	}
	p.Shot("one-time-password")
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#old_password", once, chromedp.ByID),
		chromedp.SendKeys("#password", own, chromedp.ByID),
		chromedp.SendKeys("#password2", own, chromedp.ByID),
		chromedp.Submit("#password2", chromedp.ByID),
		chromedp.WaitVisible("#login", chromedp.ByID),
		browsertest.Login(base, "yanta-new", own),
		chromedp.Navigate(base+"/members"),
		chromedp.Title(&title),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "党员") {
		t.Fatalf("after the change the 党务管理员 landed on %q", title)
	}
}
