package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/assess"
	"hongdun/internal/browsertest"
	"hongdun/internal/cases"
	"hongdun/internal/corps"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/task"
)

// TestAssessmentInBrowser walks the demo bureau's 考核评价 pages as the
// bureau (screenshots of each), then a branch secretary on a phone looks
// at the 擂台 result and registers an innovation before trying it, and the
// 分局 above puts it on the 容错 list.
func TestAssessmentInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	ctx := context.Background()
	e.App.Deps.Now = func() time.Time { return time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) }
	e.Demo(demo.Options{Seed: 1, Members: 1500, Password: apptest.Password}, task.SeedDemo, assess.SeedDemo, cases.SeedDemo, corps.SeedDemo)
	one := func(q string, args ...any) int64 {
		var id int64
		if err := e.DB.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	root := one("SELECT id FROM orgs WHERE parent_id IS NULL")
	set := one("SELECT id FROM assess_sets")
	exempt := one("SELECT id FROM assess_innovations WHERE ruling = 'exempt'")
	q2 := one("SELECT id FROM task_rounds WHERE period = 'Q2'")
	worker := one("SELECT MIN(w.id) FROM corps_awards a JOIN corps_workers w ON w.person_id = a.person_id WHERE a.field = 'business'")
	kase := one("SELECT MIN(id) FROM practice_cases WHERE innovation_id IS NOT NULL")
	bureau := e.Account(auth.OrgAdmin, root, 0)

	var text string
	p.Run(browsertest.Login(e.Srv.URL, bureau.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/"),
		chromedp.Click(`//summary[text()="考核评价"]`),
		chromedp.Click(`//a[text()="年度绩效考评"]`),
		chromedp.WaitVisible("#sets"),
		chromedp.Click("#sets a"),
		chromedp.WaitVisible("#results"),
		chromedp.Text("#results tbody tr", &text))
	p.Shot("assess-results")
	if !strings.HasPrefix(strings.TrimSpace(text), "1") {
		t.Errorf("first result row: %q", text)
	}
	shots := []struct{ path, ready, name, want string }{
		{fmt.Sprintf("/assess/innovations/%d", exempt), "#innovation-effect", "assess-innovation-exempt", "容错免责"},
		{"/assess/innovations", "#innovations", "assess-innovations", "已列入容错清单"},
		{fmt.Sprintf("/assess/sets/%d/reports", set), "#report-new", "assess-reports", "书记"},
		{fmt.Sprintf("/tasks/rounds/%d", q2), "#round-board", "round-board", "↑"},
		{fmt.Sprintf("/tasks/rounds/%d/certificates", q2), ".certificate", "round-certificates", "荣誉证书"},
		{"/corps", "#corps-workers", "corps-roster", "书记"},
		{"/corps/turnover", "#turnover-history", "corps-turnover", "辅警占比"},
		{fmt.Sprintf("/corps/workers/%d", worker), "#worker-awards", "corps-worker", "公安业务"},
		{"/corps/nominations", "#nominations", "corps-nominations", "待评定"},
		{"/cases", "#cases", "cases-library", "精选"},
		{fmt.Sprintf("/cases/%d", kase), "#case-facts", "cases-case", "创新事项"},
		{"/cases/pairings", "#pairings", "cases-pairings", "进行中"},
	}
	for _, s := range shots {
		var body string
		p.Run(chromedp.Navigate(e.Srv.URL+s.path), chromedp.WaitVisible(s.ready), chromedp.Text("main", &body))
		p.Shot(s.name)
		if !strings.Contains(body, s.want) {
			t.Errorf("%s: no %q", s.path, s.want)
		}
	}

	// A branch secretary on a phone: their place in the 擂台, then an
	// innovation registered before it is tried.
	branch := one(`SELECT MIN(s.org_id) FROM task_round_standings s WHERE s.round_id = ? AND s.prev_place IS NOT NULL`, q2)
	upper := one("SELECT parent_id FROM orgs WHERE id = ?", branch)
	secretary := e.Account(auth.OrgAdmin, branch, 0)
	phone := &browsertest.Page{T: t, Ctx: browsertest.Browser(t, 375, 812), E: e}
	run := phone.Run
	var mine string
	run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		browsertest.Login(e.Srv.URL, secretary.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/tasks/rounds/%d", e.Srv.URL, q2)),
		chromedp.WaitVisible("#mine-only"),
		chromedp.Text("#round-board tbody", &mine))
	phone.Shot("phone-round-result")
	if !strings.Contains(mine, "上轮第") {
		t.Errorf("the branch's result on a phone: %q", mine)
	}
	start := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	run(chromedp.Navigate(e.Srv.URL+"/assess/innovations"),
		chromedp.WaitVisible("#innovation-new"),
		chromedp.SetValue("#title", "“一站式”户籍窗口党员服务队"),
		chromedp.SetValue("#problem", "窗口排队时间长"),
		chromedp.SetValue("#idea", "党员民警组成服务队，高峰时段增开窗口"),
		chromedp.SetValue("#expected", "平均等候时间减半"),
		chromedp.SetValue("#risks", "占用其他岗位警力"),
		chromedp.SetValue("#planned_start", start),
		chromedp.Click("#innovation-register"),
		chromedp.WaitVisible("#innovation-facts"))
	phone.Shot("phone-innovation-registered")
	id := one("SELECT MAX(id) FROM assess_innovations WHERE title = '“一站式”户籍窗口党员服务队'")

	above := e.Account(auth.OrgAdmin, upper, 0)
	p = &browsertest.Page{T: t, Ctx: browsertest.Browser(t, 1280, 900), E: e}
	var state string
	p.Run(browsertest.Login(e.Srv.URL, above.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/assess/innovations/%d", e.Srv.URL, id)),
		chromedp.WaitVisible("#innovation-review"),
		browsertest.Follow("#review-accept"),
		chromedp.WaitVisible(".error-box"))
	p.Shot("innovation-refused-without-check")
	p.Run(chromedp.Click(`#innovation-review input[name=sound]`),
		browsertest.Follow("#review-accept"),
		chromedp.WaitVisible(".flash"),
		chromedp.Text("#innovation-state", &state))
	p.Shot("innovation-accepted")
	if state != "已列入容错清单" {
		t.Errorf("after acceptance: %q", state)
	}
}
