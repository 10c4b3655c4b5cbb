package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"hongdun/internal/app"
	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// The green notice of ?ok= is shown only on a navigation from the site
// itself: a link from mail or another site must not make the system say
// whatever its author wrote.
func TestNoticeOnlyFromOwnPages(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	const notice = "系统升级，请将密码发送至管理员邮箱"
	own := e.Srv.URL + "/members"
	for _, c := range []struct {
		site, referer string
		shown         bool
	}{
		{"same-origin", "", true},
		{"", own, true},
		{"cross-site", "", false},
		{"same-site", "", false},
		{"none", "", false},
		{"", "http://evil.example/members", false},
		{"", "", false},
		{"cross-site", own, false},
	} {
		req, _ := http.NewRequest("GET", "/login?ok="+url.QueryEscape(notice), nil)
		if c.site != "" {
			req.Header.Set("Sec-Fetch-Site", c.site)
		}
		if c.referer != "" {
			req.Header.Set("Referer", c.referer)
		}
		cl := e.Anonymous()
		if st := cl.Send(req, nil); st != http.StatusOK {
			t.Fatalf("login page: %d", st)
		}
		if got := strings.Contains(cl.Body(), notice); got != c.shown {
			t.Errorf("Sec-Fetch-Site %q, Referer %q: notice shown %v, want %v", c.site, c.referer, got, c.shown)
		}
	}
}

// markup is appended to every free-text column of the demo bureau; a page
// that shows it unescaped holds the element it opens.
const markup = `"'><i data-xss>`

// freeText are the columns users write as free text (names, titles, notes,
// minutes, file names…): enumerations, dates, codes and JSON are left alone
// so that every page still opens.
var freeText = regexp.MustCompile(`^(name|short_name|display_name|title|topic|note|notes|review_note|reason|evidence|place|what|comment|practice|problems?|guidance|contact|body|secretary|summary|teacher|takeaways|subject|street|slogan|self_text|ruling_note|risks|result_note|resolution|requested_by_name|rating_note|purpose|person_name|partner|participants|owner_name|outcome_note|minutes|measures?|materials|leave_note|leader|judge_name|issuer|idea|goals?|feedback|feedback_note|explanation|end_note|description|deeds?|decision_note|decided_by_name|basis|about|stem|visitors|taker_name|doc_no|approval_doc|outside_org|estate_org|mobile_place|file_name)$`)

// seedMarkup appends markup to every free-text column of every table (on
// SQLite) and returns how many columns took it.
func seedMarkup(t *testing.T, e *apptest.Env) int {
	t.Helper()
	ctx := context.Background()
	tables := (&walker{e: e}).texts(t, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('audit_log', 'audit_seal', 'sessions', 'goose_db_version')")
	n := 0
	for _, tb := range tables {
		cols := (&walker{e: e}).texts(t, "SELECT name FROM pragma_table_info(?) WHERE UPPER(type) = 'TEXT'", tb)
		for _, c := range cols {
			if !freeText.MatchString(c) {
				continue
			}
			if _, err := e.DB.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = %s || ? WHERE %s <> ''", tb, c, c, c), markup); err != nil {
				t.Logf("%s.%s keeps its text: %v", tb, c, err)
				continue
			}
			n++
		}
	}
	return n
}

// Stored XSS: with markup in every free-text column, no page of the
// bureau's 党务管理员, a 支部 党务管理员 or a 党员 shows it as markup.
func TestStoredMarkupStaysText(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.Demo(demo.Options{Seed: 1, Members: 1500}, app.SeedFeatures)
	if n := seedMarkup(t, e); n < 100 {
		t.Fatalf("markup went into only %d columns", n)
	}
	// Uploaded file names and spreadsheet cells, shown by the import pages.
	shiju := e.Login("shiju", apptest.DemoPassword)
	var root int64
	if err := e.DB.QueryRowContext(context.Background(), "SELECT MIN(id) FROM orgs").Scan(&root); err != nil {
		t.Fatal(err)
	}
	roster, err := os.ReadFile("../../testdata/roster-bad/roster.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if st := shiju.Upload(fmt.Sprintf("/api/v1/imports?org_id=%d&dry_run=true", root), "file", markup+".xlsx", roster, nil); st >= 300 {
		t.Fatalf("roster import: %d %s", st, shiju.Body())
	}
	if st := shiju.Upload(fmt.Sprintf("/api/v1/imports?kind=dues_bases&dry_run=true&org_id=%d", root), "file", markup+".csv",
		[]byte("姓名,公民身份号码,党员类别,党费基数（元）\n"+strings.Trim(markup, `"`)+",,在职,4500\n"), nil); st >= 300 && st != http.StatusUnprocessableEntity {
		t.Fatalf("dues import: %d %s", st, shiju.Body())
	}
	for _, who := range []struct {
		username string
		role     auth.Role
		scoped   bool
	}{{"shiju", auth.OrgAdmin, false}, {"yanta-xiaozhailu", auth.OrgAdmin, true}, {"dangyuan1", auth.Member, true}} {
		c := e.Login(who.username, apptest.DemoPassword)
		var person int64
		if who.role == auth.Member {
			if err := e.DB.QueryRowContext(context.Background(), "SELECT person_id FROM accounts WHERE username = ?", who.username).Scan(&person); err != nil {
				t.Fatal(err)
			}
		}
		w := newWalker(e, who.role, c, person, who.scoped)
		shown, escaped := 0, 0
		for _, pg := range w.pages(t) {
			st := c.Do("GET", pg.path, nil, nil)
			body := c.Body()
			if st == http.StatusOK && strings.Contains(body, "<html") {
				shown++
			}
			if st == http.StatusOK && strings.Contains(body, "&lt;i data-xss&gt;") {
				escaped++
			}
			if i := strings.Index(body, "<i data-xss"); i >= 0 {
				t.Errorf("GET %s as %s shows stored text as markup: …%s…", pg.path, who.username, body[max(0, i-200):i+20])
			}
		}
		if shown < 12 || escaped == 0 {
			t.Errorf("%s: %d pages shown, %d with the seeded text", who.username, shown, escaped)
		}
		t.Logf("%s: %d pages, %d with the seeded text", who.username, shown, escaped)
	}
	// What scripts build from data (charts, their tooltips) stays text too.
	ctx := browsertest.Browser(t, 1280, 900)
	found := func(page string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var n int
			if err := chromedp.Evaluate(`document.querySelectorAll('[data-xss]').length`, &n).Do(ctx); err != nil {
				return err
			}
			if n > 0 {
				t.Errorf("%s: scripts made %d elements of stored text", page, n)
			}
			return nil
		})
	}
	// hover moves the mouse over a grid of points of every chart, so that
	// each tooltip is drawn.
	hover := chromedp.ActionFunc(func(ctx context.Context) error {
		var n int
		if err := chromedp.Evaluate(`document.querySelectorAll('.chart').length`, &n).Do(ctx); err != nil {
			return err
		}
		for k := range n {
			var b [4]float64
			if err := chromedp.Evaluate(fmt.Sprintf(`(() => { const c = document.querySelectorAll('.chart')[%d]; c.scrollIntoView({block: 'center'});
				const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, k), &b).Do(ctx); err != nil {
				return err
			}
			for i := 1; i < 8; i++ {
				for j := 1; j < 4; j++ {
					if err := input.DispatchMouseEvent(input.MouseMoved, b[0]+b[2]*float64(i)/8, b[1]+b[3]*float64(j)/4).Do(ctx); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	run := func(actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			browsertest.FullScreenshot(t, ctx, "markup-failed")
			t.Fatal(err)
		}
	}
	run(browsertest.Login(e.Srv.URL, "shiju", apptest.DemoPassword))
	for _, page := range []string{"/", "/development/stats"} {
		run(chromedp.Navigate(e.Srv.URL+page), chromedp.WaitVisible(".chart", chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond), hover, found(page))
	}
	browsertest.Screenshot(t, ctx, "markup-chart")
}

// Mass assignment: an update that names another organisation, person or
// campaign than the record's is refused (422, nothing changed) rather than
// answered 200 with the field silently kept; naming the same one is fine.
func TestUpdateRefusesAnotherOwner(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		adminB := e.Account(auth.OrgAdmin, f.B, 0)
		other := e.Person(dbtest.Person{Org: f.BBranch, Name: "丙某", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		today := e.App.Now().Format("2006-01-02")
		care := careFixture(t, f)
		worker, _, _ := corpsUnderB(t, f)
		post, _, _, _ := pioneerOfB(t, f)
		for _, c := range []struct {
			table, path string
			field       string
			kept, moved int64
			body        map[string]any
		}{
			{"care_hardship", fmt.Sprintf("/api/v1/care/hardship/%d", care.hardship), "person_id", f.BPerson, other,
				map[string]any{"cause": "illness", "level": "general", "since": today}},
			{"care_visits", fmt.Sprintf("/api/v1/care/visits/%d", care.visit), "person_id", f.BPerson, other,
				map[string]any{"visited_on": today, "form": "home", "visitors": "乙书记"}},
			{"care_visits", fmt.Sprintf("/api/v1/care/visits/%d", care.visit), "campaign_id", care.campaign, care.campaign + 1000,
				map[string]any{"visited_on": today, "form": "home", "visitors": "乙书记"}},
			{"care_campaigns", fmt.Sprintf("/api/v1/care/campaigns/%d", care.campaign), "org_id", f.B, f.BBranch,
				map[string]any{"name": "七一走访", "kind": "qiyi", "starts_on": today, "ends_on": today, "ledgers": []string{"elder"}}},
			{"corps_workers", fmt.Sprintf("/api/v1/party-workers/%d", worker), "person_id", f.BPerson, other,
				map[string]any{"post": "deputy", "duty": "full", "appointed_on": "2020-01-01"}},
			{"corps_workers", fmt.Sprintf("/api/v1/party-workers/%d", worker), "org_id", f.BBranch, f.B,
				map[string]any{"post": "deputy", "duty": "full", "appointed_on": "2020-01-01"}},
			{"pioneer_posts", fmt.Sprintf("/api/v1/pioneer/posts/%d", post), "org_id", f.BBranch, f.B,
				map[string]any{"kind": "model", "name": "乙示范岗", "duty": "窗口服务", "set_on": "2025-01-01"}},
		} {
			method := "PUT"
			if strings.HasPrefix(c.path, "/api/v1/party-workers/") {
				method = "PATCH"
			}
			id := c.path[strings.LastIndex(c.path, "/")+1:]
			body := map[string]any{"version": e.Count("SELECT version FROM "+c.table+" WHERE id = ?", id), c.field: c.moved}
			for k, v := range c.body {
				body[k] = v
			}
			before := fingerprint(t, e)
			if st := adminB.Do(method, c.path, body, nil); st != http.StatusUnprocessableEntity || !strings.Contains(adminB.Body(), `"field":"`+c.field+`"`) {
				t.Errorf("%s %s naming another %s: %d %s", method, c.path, c.field, st, adminB.Body())
			}
			if fingerprint(t, e) != before {
				t.Errorf("%s %s naming another %s changed the database", method, c.path, c.field)
			}
			body[c.field] = c.kept
			if st := adminB.Do(method, c.path, body, nil); st != http.StatusOK {
				t.Errorf("%s %s naming its own %s: %d %s", method, c.path, c.field, st, adminB.Body())
			}
		}
	})
}

// A login in a browser that still holds a session ends that session: the
// earlier id is refused afterwards, whoever logs in (a shared desk) — the
// session id is new at every login and the old one never good again.
func TestLoginEndsTheBrowsersEarlierSession(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.Bureau()
		first, second := e.Account(auth.OrgAdmin, b.A, 0).Username(), e.Account(auth.OrgAdmin, b.B, 0).Username()
		browser := e.Anonymous()
		u, _ := url.Parse(e.Srv.URL)
		session := func() string {
			for _, c := range browser.HTTP.Jar.Cookies(u) {
				if c.Name == "hd_session" {
					return c.Value
				}
			}
			return ""
		}
		live := func(token string) bool {
			c := e.Anonymous()
			c.Token = token
			return c.Do("GET", "/api/v1/me", nil, nil) == http.StatusOK
		}
		var tokens []string
		for _, who := range []string{first, first, second} {
			if st := browser.Form("/login", map[string]string{"username": who, "password": apptest.Password}); st != http.StatusSeeOther {
				t.Fatalf("login %s: %d %s", who, st, browser.Body())
			}
			tokens = append(tokens, session())
		}
		for i, tok := range tokens {
			if want := i == len(tokens)-1; tok == "" || live(tok) != want {
				t.Errorf("session of login %d: live %v, want %v", i+1, !want, want)
			}
		}
	})
}

// A changed password ends every session of the account, the one it was
// changed from and the others (a phone, a script): whoever held the old
// password's session holds nothing.
func TestPasswordChangeEndsEverySession(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.Bureau()
		desk := e.Account(auth.OrgAdmin, b.A, 0)
		phone := e.Login(desk.Username(), apptest.Password)
		other := e.Account(auth.OrgAdmin, b.B, 0)
		desk.Expect(200, "POST", "/api/v1/auth/password", map[string]string{"old_password": apptest.Password, "password": "New-Strong-77x"}, nil)
		desk.Expect(401, "GET", "/api/v1/me", nil, nil)
		phone.Expect(401, "GET", "/api/v1/me", nil, nil)
		other.Expect(200, "GET", "/api/v1/me", nil, nil)
		e.Login(desk.Username(), "New-Strong-77x").Expect(200, "GET", "/api/v1/me", nil, nil)
	})
}

// A route with two ids (an object and its file) refuses a file of another
// subtree's object behind an object of the caller's own: TestEveryRouteIsScoped
// names both ids from the other subtree, this names them from two.
func TestFileOfAnotherObjectIsRefused(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		// own is the fixture seen from A: its "B" objects are A's.
		own := *f
		own.B, own.BBranch, own.BPerson = f.A, f.ABranch, f.APerson
		lifeFile := func(f *Fixture) (int64, int64) {
			id, _ := lifeMeeting(t, f)
			fid, err := db.InsertID(context.Background(), f.E.DB, `INSERT INTO life_files (meeting_id, file_name, stored_name, content_type, size, sha256, created_at)
				VALUES (?, '签到表.pdf', 'x.sealed', 'application/pdf', 1, 'x', 0)`, id)
			if err != nil {
				t.Fatal(err)
			}
			return id, fid
		}
		carePhoto := func(f *Fixture) (int64, int64) { o := careFixture(t, f); return o.visit, o.photo }
		wartimeFile := func(f *Fixture) (int64, int64) { w := newBWartime(t, f); return w.record, w.file }
		for _, c := range []struct {
			page, file string
			objects    func(*Fixture) (int64, int64)
		}{
			{"/brands/%d", "/brands/%d/files/%d", func(f *Fixture) (int64, int64) { return bBrand(t, f) }},
			{"/care/visits/%d", "/care/visits/%d/photos/%d", carePhoto},
			{"/development/cases/%d", "/development/cases/%d/attachments/%d", func(f *Fixture) (int64, int64) { return bAttachment(t, f) }},
			{"/life/meetings/%d", "/life/meetings/%d/files/%d", lifeFile},
			{"/api/v1/wartime/records/%d", "/wartime/records/%d/files/%d", wartimeFile},
		} {
			mine, _ := c.objects(&own)
			_, theirs := c.objects(f)
			if st := f.AdminA.Do("GET", fmt.Sprintf(c.page, mine), nil, nil); st != http.StatusOK {
				t.Fatalf("A's own %s: %d", fmt.Sprintf(c.page, mine), st)
			}
			path := fmt.Sprintf(c.file, mine, theirs)
			before := fingerprint(t, e)
			if st := f.AdminA.Do("GET", path, nil, nil); st != http.StatusNotFound {
				t.Errorf("GET %s (A's object, B's file): %d", path, st)
			}
			if fingerprint(t, e) != before {
				t.Errorf("GET %s changed the database", path)
			}
		}
	})
}
