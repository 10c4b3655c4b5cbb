package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"hongdun/internal/app"
	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
	"hongdun/internal/todo"
	"hongdun/internal/training"
)

// pageIDs gives, for each page pattern with path values, the query that
// lists real ids of the demo bureau to fill them (several, so that pages
// in different states are seen). Every GET page a 领导 may open must be
// here: the walk fails on a pattern it cannot fill.
var pageIDs = map[string]string{
	"/orgs/{id}":                      "SELECT id FROM orgs ORDER BY LENGTH(path), id LIMIT 12",
	"/members/{id}":                   "SELECT MIN(id) FROM persons GROUP BY status",
	"/development/cases/{id}":         "SELECT MIN(id) FROM dev_cases GROUP BY status, last_step",
	"/development/cases/{id}/record":  "SELECT MIN(id) FROM dev_cases GROUP BY status",
	"/exams/{id}/board":               "SELECT id FROM exams",
	"/exams/{id}/stats":               "SELECT id FROM exams",
	"/training/programs/{id}":         "SELECT id FROM training_programs ORDER BY id LIMIT 10",
	"/training/venues/{id}":           "SELECT id FROM training_venues ORDER BY id LIMIT 10",
	"/transfers/{id}":                 "SELECT MIN(id) FROM transfers GROUP BY state, kind",
	"/transfers/{id}/letter":          "SELECT MIN(id) FROM transfers WHERE kind <> 'in' AND sent_on IS NOT NULL GROUP BY kind",
	"/m/attempts/{id}":                "SELECT id FROM exam_attempts LIMIT 3",
	"/m/attempts/{id}/review":         "SELECT id FROM exam_attempts LIMIT 3",
	"/life/meetings/{id}":             "SELECT MIN(id) FROM life_meetings GROUP BY kind",
	"/tasks/items/{id}":               "SELECT id FROM task_items ORDER BY id LIMIT 5",
	"/tasks/{id}":                     "SELECT MIN(id) FROM task_copies GROUP BY status",
	"/dues/reductions/{id}":           "SELECT MIN(id) FROM dues_reductions GROUP BY state",
	"/care/hardship/{id}":             "SELECT MIN(id) FROM care_hardship GROUP BY state",
	"/care/visits/{id}":               "SELECT MIN(id) FROM care_visits GROUP BY campaign_id",
	"/care/campaigns/{id}":            "SELECT id FROM care_campaigns",
	"/care/campaigns/{id}/export":     "SELECT id FROM care_campaigns",
	"/care/campaigns/{id}/print":      "SELECT id FROM care_campaigns",
	"/care/campaigns/{id}/receipt":    "SELECT id FROM care_campaigns",
	"/wartime/events/{id}":            "SELECT id FROM wartime_events",
	"/wartime/teams/{id}":             "SELECT id FROM wartime_teams",
	"/corps/workers/{id}":             "SELECT MIN(id) FROM corps_workers GROUP BY post, duty, left_on IS NULL",
	"/tasks/rounds/{id}":              "SELECT id FROM task_rounds",
	"/tasks/rounds/{id}/certificates": "SELECT id FROM task_rounds",
	"/tasks/rounds/{id}/export":       "SELECT id FROM task_rounds",
	"/assess/sets/{id}":               "SELECT id FROM assess_sets",
	"/assess/sets/{id}/export":        "SELECT id FROM assess_sets",
	"/assess/sets/{id}/reports":       "SELECT id FROM assess_sets",
	"/assess/innovations/{id}":        "SELECT MIN(id) FROM assess_innovations GROUP BY state, ruling",
	"/cases/{id}":                     "SELECT MIN(id) FROM practice_cases GROUP BY origin, featured",
	"/cases/pairings/{id}":            "SELECT MIN(id) FROM pairings GROUP BY ended_on IS NULL",
	"/strong/entries/{id}":            "SELECT MIN(id) FROM strong_entries GROUP BY round_id, state",
	"/weak/cases/{id}":                "SELECT MIN(id) FROM weak_cases GROUP BY state",
	"/brands/{id}":                    "SELECT MIN(id) FROM brands GROUP BY state, featured",
	"/brands/gallery/{id}":            "SELECT id FROM brands WHERE featured = 1",
	"/pioneer/posts/{id}":             "SELECT MIN(id) FROM pioneer_posts GROUP BY kind",
	"/pioneer/commitments/{id}":       "SELECT MIN(id) FROM pioneer_commitments GROUP BY review = ''",
	"/elections/{id}":                 "SELECT MIN(id) FROM elections GROUP BY state",
	"/appraisals/{id}":                "SELECT MIN(id) FROM appraisal_rounds GROUP BY closed_on IS NULL",
	"/community/sites/{id}":           "SELECT id FROM communities ORDER BY id LIMIT 3",
	"/community/activities/{id}":      "SELECT MIN(id) FROM community_activities GROUP BY practical",
	"/community/issues/{id}":          "SELECT MIN(id) FROM community_issues GROUP BY resolved_on IS NULL, feedback = ''",
	// The 党务管理员's pages.
	"/assess/sets/{id}/indicators/{iid}": "SELECT MIN(set_id), MIN(id) FROM assess_indicators WHERE kind = 'scored' GROUP BY set_id",
	"/exams/bank/{id}/edit":              "SELECT MIN(id) FROM exam_questions GROUP BY kind",
	"/honours/{id}":                      "SELECT MIN(id) FROM honours GROUP BY kind",
	"/life/meetings/{id}/screen":         "SELECT MIN(id) FROM life_meetings GROUP BY kind",
	"/training/venues/{id}/screen":       "SELECT id FROM training_venues ORDER BY id LIMIT 3",
	"/wartime/events/{id}/end":           "SELECT id FROM wartime_events",
	"/m/care/campaigns/{id}":             "SELECT id FROM care_campaigns",
	"/imports/{id}":                      "SELECT id FROM import_jobs WHERE kind = 'roster'",
	"/dues/imports/{id}":                 "SELECT id FROM import_jobs WHERE kind LIKE 'dues%'",
}

// pageAddresses are the pages that need a query to show anything: the
// query lists the addresses to open instead of the bare path.
var pageAddresses = map[string]string{
	"/help/{role}":                 "SELECT '/help/orgadmin' UNION ALL SELECT '/help/secretary' UNION ALL SELECT '/help/member' UNION ALL SELECT '/help/leader'",
	"/orgs/new":                    "SELECT '/orgs/new?parent=' || MIN(id) FROM orgs WHERE kind <> 'group' GROUP BY kind",
	"/dues/pay":                    "SELECT '/dues/pay?person_id=' || MIN(person_id) FROM dues_bases",
	"/dues/base":                   "SELECT '/dues/base?person_id=' || MIN(person_id) FROM dues_bases",
	"/dues/reductions/new":         "SELECT '/dues/reductions/new?person_id=' || MIN(person_id) FROM dues_bases",
	"/strong/rounds/preview":       "SELECT '/strong/rounds/preview?year=' || y || '&self_due=' || y || '-11-30&review_due=' || y || '-12-20' FROM (SELECT MAX(year) + 1 AS y FROM strong_rounds) n",
	"/dues/imports/template.xlsx":  "SELECT '/dues/imports/template.xlsx?kind=bases'",
	"/m/care/campaigns/{id}/visit": "SELECT '/m/care/campaigns/' || MIN(campaign_id) || '/visit?person=' || MIN(person_id) FROM care_visits GROUP BY campaign_id",
}

// refusals are pages that may answer with a refusal page instead, and why.
var refusals = map[string]struct {
	status int
	why    string
}{
	"/life/meetings/{id}/screen": {http.StatusUnprocessableEntity, "签到大屏只在会议当天"},
	"/wartime/events/{id}/end":   {http.StatusConflict, "已结束的响应"},
	"/strong/rounds/preview":     {http.StatusForbidden, "只有市局党委启动评定"},
}

// selfOnly are the 党员's own pages, which answer an account without a
// member record (a 领导, a 党务管理员) with this status instead of a page.
var selfOnly = map[string]int{
	"/m":                      http.StatusForbidden, // 我的学时: 当前账号未关联党员信息
	"/m/attempts/{id}":        http.StatusNotFound,  // someone else's attempt
	"/m/attempts/{id}/review": http.StatusNotFound,  // someone else's hand-in page
	"/m/checkin":              http.StatusForbidden, // 签到: 当前账号未关联党员信息
	"/m/life/checkin":         http.StatusForbidden, // 参会签到: 只有关联了党员信息的账号才能扫码签到
	"/m/dues":                 http.StatusForbidden, // 我的党费: 账号未关联党员档案
	"/m/appraisal":            http.StatusForbidden, // 民主评议: 当前账号未关联党员信息
	"/m/commitments":          http.StatusForbidden, // 我的承诺: 当前账号未关联党员信息
	"/m/service":              http.StatusForbidden, // 我的服务: 当前账号未关联党员信息
	"/m/wartime":              http.StatusForbidden, // 我的战时任务: 账号未关联人员档案
}

// notPages are GET routes a 领导 may call that answer no HTML page.
var notPages = map[string]string{
	"/healthz":          "health check",
	"/login":            "the login page of a signed-out user",
	"/roster/print.css": "a style sheet",
	"/development/cases/{id}/attachments/{aid}": "a file download",
	"/life/meetings/{id}/files/{fid}":           "a file download",
	"/cases/files/{id}":                         "a file download",
	"/pioneer/photos/{id}":                      "a photo",
	"/community/photos/{id}":                    "a photo",
	"/development/cases/{id}/record.xlsx":       "a spreadsheet download",
	"/transfers/{id}/letter.pdf":                "a PDF download (TestLetterPDF)",
	"/transfers/letters.pdf":                    "a PDF download (TestLetterPDF)",
	"/care/visits/{id}/photos/{pid}":            "a photo download",
	"/wartime/records/{id}/files/{fid}":         "a file download",
	"/brands/{id}/files/{fid}":                  "a photo or document",
	"/tasks/files/{id}":                         "a file download",
	"/life/meetings/{id}/qr.png":                "a QR image",
	"/training/venues/{id}/qr.png":              "a QR image",
}

// Every role walks every GET page it may open, with real ids of the demo
// bureau, and every page is checked: no English (issue 14: a user never
// reads English) and no control to a route the role does not hold — a 领导
// reads a subtree and writes nothing, so a leader's page offers no write
// (no POST form, no button, no link to a write page).
func TestEveryRoleWalksItsPages(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	const pw = "Demo-Pass-2026!"
	d := e.App.Deps
	if _, err := demo.Seed(ctx, d, demo.Options{Seed: 1, Members: 1500, Password: pw}); err != nil {
		t.Fatal(err)
	}
	if err := app.SeedFeatures(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := e.App.RunPeriodic(ctx); err != nil { // their 待办 too
		t.Fatal(err)
	}
	onlySharedSourcesRepeatAThing(t, e.DB)
	// An import of each kind waits for confirmation, one with bad rows.
	shiju := e.Login("shiju", pw)
	var root int64
	if err := e.DB.QueryRowContext(ctx, "SELECT MIN(id) FROM orgs").Scan(&root); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"roster-bad/roster.xlsx", "roster-clean/roster-gbk.csv"} {
		content, err := os.ReadFile("../../testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if st := shiju.Upload(fmt.Sprintf("/api/v1/imports?org_id=%d&dry_run=true", root), "file", path.Base(f), content, nil); st != http.StatusOK && st != http.StatusCreated && st != http.StatusAccepted {
			t.Fatalf("import %s: %d %s", f, st, shiju.Body())
		}
	}
	if st := shiju.Upload(fmt.Sprintf("/api/v1/imports?kind=dues_bases&dry_run=true&org_id=%d", root), "file", "党费基数.csv",
		[]byte("姓名,公民身份号码,党员类别,党费基数（元）\n无此人,,在职,4500\n"), nil); st != http.StatusOK && st != http.StatusCreated && st != http.StatusUnprocessableEntity {
		t.Fatalf("dues import: %d %s", st, shiju.Body())
	}
	for _, who := range []struct {
		name, username string
		role           auth.Role
		scoped         bool
		least          int
	}{
		{"领导", "leader", auth.Leader, false, 300},
		{"市局党务管理员", "shiju", auth.OrgAdmin, false, 350},
		{"分局党务管理员", "yanta", auth.OrgAdmin, true, 200},
		{"支部党务管理员", "yanta-xiaozhailu", auth.OrgAdmin, true, 150},
		{"党员", "dangyuan1", auth.Member, true, 12},
		{"党员", "dangyuan2", auth.Member, true, 12},
	} {
		t.Run(who.name+"-"+who.username, func(t *testing.T) {
			t.Parallel() // the walks only read
			var person int64
			if who.role == auth.Member {
				if err := e.DB.QueryRowContext(ctx, "SELECT person_id FROM accounts WHERE username = ?", who.username).Scan(&person); err != nil {
					t.Fatal(err)
				}
			}
			w := newWalker(e, who.role, e.Login(who.username, pw), person, who.scoped)
			shown := w.walk(t)
			if shown < who.least {
				t.Errorf("walked only %d pages", shown)
			}
			t.Logf("walked %d pages as %s", shown, who.username)
		})
	}
}

var (
	formTag     = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	aTag        = regexp.MustCompile(`(?is)<a\b[^>]*\bhref="([^"]*)"`)
	attr        = regexp.MustCompile(`(?is)\b(method|action|formaction)="([^"]*)"`)
	actionBtn   = regexp.MustCompile(`(?is)<(?:button|input)\b[^>]*\bformaction="([^"]*)"`)
	placeholder = regexp.MustCompile(`\{[a-z]+\}`)
)

// memberIDs fill the pages a 党员 opens with their own records (the query
// takes the person's id); a page not here is walked with pageIDs, where
// someone else's record answers 404.
var memberIDs = map[string]string{
	"/members/{id}":           "SELECT id FROM persons WHERE id = ?",
	"/m/attempts/{id}":        "SELECT id FROM exam_attempts WHERE person_id = ? ORDER BY id DESC LIMIT 3",
	"/m/attempts/{id}/review": "SELECT id FROM exam_attempts WHERE person_id = ? ORDER BY id DESC LIMIT 3",
	"/exams/{id}/board":       "SELECT DISTINCT exam_id FROM exam_attempts WHERE person_id = ?",
}

// walker opens every GET page of the route table a role may open, with real
// ids of the demo bureau, and hands each HTML page to check.
type walker struct {
	e      *apptest.Env
	role   auth.Role
	c      *apptest.Client
	person int64 // the 党员's own person id
	scoped bool  // reads less than the whole bureau
	mux    *http.ServeMux
	perms  map[string]web.Perm
	seen   map[string]bool
}

func newWalker(e *apptest.Env, role auth.Role, c *apptest.Client, person int64, scoped bool) *walker {
	w := &walker{e: e, role: role, c: c, person: person, scoped: scoped, mux: http.NewServeMux(), perms: map[string]web.Perm{}, seen: map[string]bool{}}
	for _, rt := range e.App.Routes {
		key := rt.Method + " " + rt.Pattern
		w.perms[key] = rt.Perm
		w.mux.Handle(key, http.NotFoundHandler())
	}
	return w
}

// routeOf finds the route a control reaches and its permission.
func (w *walker) routeOf(method, target string) (string, web.Perm, bool) {
	u, err := url.Parse(target)
	if err != nil || (u.Host != "" && u.Host != strings.TrimPrefix(w.e.Srv.URL, "http://")) {
		return "", "", false
	}
	r := &http.Request{Method: method, URL: &url.URL{Path: u.Path}, Host: "x"}
	_, pattern := w.mux.Handler(r)
	p, ok := w.perms[pattern]
	return pattern, p, ok
}

// report fails once per page route and finding, not once per id.
func (w *walker) report(t *testing.T, pageRoute, finding, format string, args ...any) {
	t.Helper()
	if key := pageRoute + " → " + finding; !w.seen[key] {
		w.seen[key] = true
		t.Errorf(format, args...)
	}
}

type walkPage struct{ path, pattern string }

// pages lists every GET page of the role with the ids to open it.
func (w *walker) pages(t *testing.T) []walkPage {
	t.Helper()
	ctx := context.Background()
	var pages []walkPage
	for _, rt := range w.e.App.Routes {
		if rt.Method != "GET" || rt.IsAPI() || !web.Allows(w.role, rt.Perm) || strings.HasPrefix(rt.Pattern, "/static/") {
			continue
		}
		if _, skip := notPages[rt.Pattern]; skip {
			continue
		}
		pattern := strings.TrimSuffix(rt.Pattern, "{$}")
		holes := placeholder.FindAllString(pattern, -1)
		if q, ok := pageAddresses[rt.Pattern]; ok {
			for _, a := range w.texts(t, q) {
				pages = append(pages, walkPage{a, rt.Pattern})
			}
			continue
		}
		if len(holes) == 0 {
			pages = append(pages, walkPage{pattern, rt.Pattern})
			continue
		}
		q, ok := pageIDs[rt.Pattern]
		var args []any
		if mq, mine := memberIDs[rt.Pattern]; mine && w.role == auth.Member {
			q, ok, args = mq, true, []any{w.person}
		}
		if !ok || q == "" {
			t.Errorf("GET %s: the walk has no ids for this page; add a query to pageIDs", rt.Pattern)
			continue
		}
		rows, err := w.e.DB.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		n := 0
		for rows.Next() {
			ids := make([]any, len(holes))
			for i := range ids {
				ids[i] = new(int64)
			}
			if err := rows.Scan(ids...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			path := pattern
			for i, h := range holes {
				path = strings.Replace(path, h, fmt.Sprint(*ids[i].(*int64)), 1)
			}
			pages = append(pages, walkPage{path, rt.Pattern})
			n++
		}
		rows.Close()
		if n == 0 && w.role != auth.Member {
			t.Errorf("GET %s: the demo bureau has no row to open it with (%s)", rt.Pattern, q)
		}
	}
	if w.role == auth.Member { // the pages a QR code opens, with a code that is good now
		now := w.e.App.Deps.Now()
		venues := training.NewTokens(w.e.App.Deps.Keys)
		for _, id := range w.texts(t, "SELECT CAST(MAX(id) AS TEXT) FROM training_venues GROUP BY session_id ORDER BY MAX(id) DESC LIMIT 4") {
			var v int64
			fmt.Sscan(id, &v)
			pages = append(pages, walkPage{"/m/checkin?t=" + venues.Issue(v, now), "/m/checkin"})
		}
		meetings := training.NewTokensFor(w.e.App.Deps.Keys, "life")
		for _, id := range w.texts(t, "SELECT CAST(l.id AS TEXT) FROM life_meetings l JOIN persons p ON p.org_id = l.org_id WHERE p.id = ?", w.person) {
			var v int64
			fmt.Sscan(id, &v)
			pages = append(pages, walkPage{"/m/life/checkin?t=" + meetings.Issue(v, now), "/m/life/checkin"})
		}
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].path < pages[j].path })
	return pages
}

// texts reads a column of text.
func (w *walker) texts(t *testing.T, q string, args ...any) []string {
	t.Helper()
	rows, err := w.e.DB.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// passOver reports whether a reply other than 200 is what the page should
// answer the role: a 党员's own page to an account without a member record,
// a record outside an officer's subtree or someone else's (404), a
// redirect (a 党员's start page), or a check-in code that is no longer good.
func (w *walker) passOver(pg walkPage, status int) bool {
	if want, ok := selfOnly[pg.pattern]; ok && status == want && w.role != auth.Member {
		return true
	}
	if r, ok := refusals[pg.pattern]; ok && r.status == status {
		return true
	}
	switch {
	case status == http.StatusSeeOther:
		return w.role == auth.Member
	case status == http.StatusNotFound:
		return w.role == auth.Member || w.scoped && (placeholder.MatchString(pg.pattern) || strings.Contains(pg.path, "?"))
	case status == http.StatusUnprocessableEntity:
		return w.role == auth.Member && strings.Contains(pg.pattern, "checkin")
	}
	return false
}

// walk opens the role's pages, then up to three more addresses of each page
// route that the pages link to (filters, tabs, other states), and checks
// every HTML page: no English, and no control to a route the role does not
// hold. A page outside an officer's scope or someone else's record (404)
// is passed over; it returns how many pages were checked.
func (w *walker) walk(t *testing.T) int {
	t.Helper()
	queue := w.pages(t)
	visited := map[string]bool{}
	extra := map[string]int{}
	for _, pg := range queue {
		visited[pg.path] = true
	}
	shown := 0
	for len(queue) > 0 {
		pg := queue[0]
		queue = queue[1:]
		st := w.c.Do("GET", pg.path, nil, nil)
		body := w.c.Body()
		if st != http.StatusOK && !w.passOver(pg, st) {
			text := strings.Join(strings.Fields(anyTag.ReplaceAllString(hiddenParts.ReplaceAllString(body, " "), " ")), " ")
			if i := strings.Index(text, "退出"); i >= 0 {
				text = text[i:]
			}
			w.report(t, pg.pattern, fmt.Sprint(st), "GET %s as %s: %d %.300s", pg.path, w.c.Username(), st, text)
		}
		if !strings.Contains(body, "<html") {
			continue // a download or a redirect
		}
		if st == http.StatusOK {
			shown++
		}
		for _, word := range englishWords(body) {
			w.report(t, pg.pattern, "english:"+word, "GET %s shows %s the English word %q", pg.path, w.c.Username(), word)
		}
		w.checkControls(t, pg, body)
		for _, m := range aTag.FindAllStringSubmatch(body, -1) {
			href := html.UnescapeString(m[1])
			if !strings.HasPrefix(href, "/") || !strings.Contains(href, "?") || visited[href] {
				continue
			}
			pattern, perm, ok := w.routeOf("GET", href)
			if _, skip := notPages[pattern]; !ok || skip || strings.HasPrefix(pattern, "/static/") || !web.Allows(w.role, perm) || extra[pattern] >= 3 {
				continue
			}
			visited[href] = true
			extra[pattern]++
			queue = append(queue, walkPage{href, pattern})
		}
	}
	return shown
}

// checkControls fails on a form, button or link on the page to a route the
// role does not hold.
func (w *walker) checkControls(t *testing.T, pg walkPage, body string) {
	t.Helper()
	for _, tag := range formTag.FindAllString(body, -1) {
		method, action := "GET", pg.path
		for _, m := range attr.FindAllStringSubmatch(tag, -1) {
			switch strings.ToLower(m[1]) {
			case "method":
				method = strings.ToUpper(m[2])
			case "action":
				action = html.UnescapeString(m[2])
			}
		}
		if action == "" {
			action = pg.path
		}
		if pattern, perm, ok := w.routeOf(method, action); !ok || !web.Allows(w.role, perm) {
			w.report(t, pg.pattern, pattern, "GET %s shows %s a %s form to %s (route %q, %s)", pg.path, w.c.Username(), method, action, pattern, perm)
		}
	}
	for _, m := range actionBtn.FindAllStringSubmatch(body, -1) {
		if pattern, perm, ok := w.routeOf("POST", html.UnescapeString(m[1])); !ok || !web.Allows(w.role, perm) {
			w.report(t, pg.pattern, pattern, "GET %s shows %s a button posting to %s (route %q)", pg.path, w.c.Username(), m[1], pattern)
		}
	}
	for _, m := range aTag.FindAllStringSubmatch(body, -1) {
		href := html.UnescapeString(m[1])
		if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "/static/") {
			continue
		}
		// A query written into a link as a plain string has its = and &
		// escaped: the link loses its filters.
		if _, q, ok := strings.Cut(href, "?"); ok && !strings.Contains(q, "=") && strings.Contains(strings.ToLower(q), "%3d") {
			w.report(t, pg.pattern, "query:"+href, "GET %s links %s to %s, whose filters are escaped into one word", pg.path, w.c.Username(), href)
		}
		if pattern, perm, ok := w.routeOf("GET", href); ok && !web.Allows(w.role, perm) {
			w.report(t, pg.pattern, pattern, "GET %s links %s to %s, a %s page (route %q)", pg.path, w.c.Username(), href, perm, pattern)
		}
	}
}

var (
	// Not read as words: scripts, styles, comments, machine text shown as
	// such (a second-factor key, a code) and what the page marks as not to
	// be translated (a login name, an uploaded file's name).
	hiddenParts   = regexp.MustCompile(`(?is)<(script|style|head|code)\b.*?</(script|style|head|code)>|<!--.*?-->|<[a-z0-9]+\b[^>]*\btranslate="no"[^>]*>[^<]*</[a-z0-9]+>`)
	anyTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	shownAttr     = regexp.MustCompile(`(?is)\b(?:title|placeholder|aria-label|alt)="([^"]*)"`)
	asciiWord     = regexp.MustCompile(`[A-Za-z][A-Za-z'-]{2,}`)
	optionLetters = regexp.MustCompile(`^[A-H]+$`) // a multiple-choice answer such as ABCD
	// What a Chinese office reads as it is: file kinds, abbreviations and
	// the names of the authenticator apps.
	allowedWords = map[string]bool{"pdf": true, "jpeg": true, "jpg": true, "png": true, "excel": true, "xlsx": true, "xls": true,
		"csv": true, "api": true, "otp": true, "totp": true, "app": true, "wps": true,
		"freeotp": true, "google": true, "microsoft": true, "authenticator": true}
)

// englishWords are the words of three or more Latin letters in what a page
// shows (its text and its titles and placeholders) that are not on the
// allow-list.
func englishWords(body string) []string {
	text := hiddenParts.ReplaceAllString(body, " ")
	var shown []string
	for _, m := range shownAttr.FindAllStringSubmatch(text, -1) {
		shown = append(shown, m[1])
	}
	shown = append(shown, anyTag.ReplaceAllString(text, " "))
	var out []string
	for _, w := range asciiWord.FindAllString(html.UnescapeString(strings.Join(shown, " ")), -1) {
		if !allowedWords[strings.ToLower(w)] && !optionLetters.MatchString(w) {
			out = append(out, w)
		}
	}
	return out
}

// onlySharedSourcesRepeatAThing checks the demo's open 待办, which every
// feature and periodic job posts: a source not in todo.Shared posts each thing (source,
// link, title) once, as the inbox counts them.
func onlySharedSourcesRepeatAThing(t *testing.T, d *db.DB) {
	t.Helper()
	var sources int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(DISTINCT source) FROM todos WHERE done_at IS NULL").Scan(&sources); err != nil {
		t.Fatal(err)
	}
	if sources < 5 {
		t.Fatalf("the demo's open 待办 come from %d sources: too few to check", sources)
	}
	shared := map[string]bool{}
	for _, s := range todo.Shared {
		shared[s] = true
	}
	rows, err := d.QueryContext(context.Background(), "SELECT source, link, title FROM todos WHERE done_at IS NULL GROUP BY source, link, title HAVING COUNT(*) > 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var source, link, title string
		if err := rows.Scan(&source, &link, &title); err != nil {
			t.Fatal(err)
		}
		if !shared[source] {
			t.Errorf("%s posts %q (%s) more than once, and is not in todo.Shared", source, title, link)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
