package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// TestDuesInBrowser: a branch's 党务管理员 opens 党费 from the menu, records a
// payment, imports a file of payments after its preview and asks for a
// waiver; the 分局 approves it; the yearly publication prints; the member
// reads 我的党费 on a phone (screenshots of each).
func TestDuesInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 1000)
	e := p.E
	e.At("2026-06-10")
	f := duesSetup(t, e)
	other := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲二", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	poor := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲困", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	f.base(t, f.member, 2026, dues.Service, 450000)
	f.base(t, other, 2026, dues.Retired, 520000)
	f.base(t, poor, 2026, dues.Service, 280000)
	f.pays(t, e, f.member, 1, 2, 3, 4, 5)
	f.pays(t, e, other, 1, 2)
	e.At("2026-06-10")
	admin := e.Account(auth.OrgAdmin, f.b.ABranch, 0)
	csv := filepath.Join(t.TempDir(), "交纳.csv")
	if err := os.WriteFile(csv, []byte("姓名,所交月份,代缴\n甲二,3,是\n甲二,4,\n甲二,5,\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	var flash, summary, state string
	p.Run(
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/todos"),
		chromedp.Click(`//summary[text()="关怀激励"]`),
		chromedp.Click(`//a[text()="党费"]`),
		chromedp.WaitVisible("#dues-ledger"),
		chromedp.Click(fmt.Sprintf(`#dues-%d a[href^="/dues/pay"]`, f.member)),
		chromedp.WaitVisible("#pay-form"),
		chromedp.SetValue("#month", "6"),
		browsertest.Follow("#pay-submit"), chromedp.WaitVisible(".flash"),
		chromedp.Text(".flash", &flash),
	)
	p.Shot("dues-ledger")
	if !strings.Contains(flash, "已登记甲一2026年6月的党费") {
		t.Errorf("flash %q", flash)
	}
	p.Run(chromedp.Click("#dues-import"), chromedp.WaitVisible("#import-form"))
	p.Shot("dues-import-form")
	p.Run(
		chromedp.SetValue("#kind", "dues_payments"),
		chromedp.SetUploadFiles("#file", []string{csv}),
		chromedp.Click("#import-submit"),
		chromedp.WaitVisible("#import-summary"),
		chromedp.Text("#import-summary", &summary),
	)
	p.Shot("dues-import-preview")
	if !strings.Contains(summary, "可导入 3 行，问题 0 处") {
		t.Fatalf("preview %q", summary)
	}
	p.Run(browsertest.Follow("#import-confirm"), chromedp.WaitVisible(".flash"), chromedp.Text(".flash", &flash))
	if !strings.Contains(flash, "已导入党费交纳记录 3 行") || e.Count("SELECT COUNT(*) FROM dues_payments WHERE person_id = ?", other) != 5 {
		t.Errorf("after the import: %q", flash)
	}
	p.Run(
		chromedp.Navigate(fmt.Sprintf("%s/dues/base?person_id=%d&year=2026", e.Srv.URL, poor)),
		chromedp.Click("#base-reduce"),
		chromedp.WaitVisible("#reduction-form"),
		chromedp.SetValue("#amount", "0"),
		chromedp.SetValue("#reason", "配偶重病住院，家庭收入难以维持基本生活"),
	)
	p.Shot("dues-reduction-form")
	p.Run(
		chromedp.Click("#reduction-submit"),
		chromedp.WaitVisible("#reduction-state"),
		chromedp.Text("#reduction-state", &state),
	)
	if state != "待上级党委审批" {
		t.Errorf("state %q", state)
	}

	// The 分局 approves in its own browser.
	upper := e.Account(auth.OrgAdmin, f.b.A, 0)
	q := &browsertest.Page{T: t, Ctx: browsertest.Browser(t, 1280, 900), E: e}
	q.Run(
		browsertest.Login(e.Srv.URL, upper.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/dues/reductions?state=pending"),
		chromedp.WaitVisible("#reductions"),
	)
	q.Shot("dues-reductions")
	q.Run(
		chromedp.Click(`#reductions a[href^="/dues/reductions/"]`),
		chromedp.WaitVisible("#decision-form"),
	)
	q.Shot("dues-reduction-decide")
	q.Run(browsertest.Follow("#approve"), chromedp.WaitVisible("#reduction-state"), chromedp.Text("#reduction-state", &state))
	if !strings.HasPrefix(state, "已批准") || e.Count("SELECT amount_fen FROM dues_bases WHERE person_id = ?", poor) != 0 {
		t.Errorf("after approval: %q", state)
	}
	var title string
	q.Run(chromedp.Navigate(fmt.Sprintf("%s/dues/report?org=%d&year=2026", e.Srv.URL, f.b.ABranch)), chromedp.WaitVisible("#report-table"),
		chromedp.Text(".roster-title", &title))
	q.Shot("dues-report")
	if title != "甲分局城关派出所党支部2026年度党费收缴情况公示" {
		t.Errorf("report title %q", title)
	}

	// The member on a phone.
	m := e.Account(auth.Member, 0, other)
	ph := &browsertest.Page{T: t, Ctx: browsertest.Browser(t, 375, 812), E: e}
	var due string
	ph.Run(
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		browsertest.Login(e.Srv.URL, m.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/m/dues"),
		chromedp.WaitVisible("#mine-months"),
		chromedp.Text("#mine-due", &due),
	)
	ph.Shot("dues-mine-phone")
	if !strings.Contains(due, "每月应交 52.00 元") {
		t.Errorf("mine %q", due)
	}
}
