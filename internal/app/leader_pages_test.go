package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"hongdun/internal/appraisal"
	"hongdun/internal/apptest"
	"hongdun/internal/assess"
	"hongdun/internal/brand"
	"hongdun/internal/care"
	"hongdun/internal/cases"
	"hongdun/internal/community"
	"hongdun/internal/corps"
	"hongdun/internal/demo"
	"hongdun/internal/develop"
	"hongdun/internal/dues"
	"hongdun/internal/election"
	"hongdun/internal/exam"
	"hongdun/internal/honour"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
	"hongdun/internal/strong"
	"hongdun/internal/task"
	"hongdun/internal/training"
	"hongdun/internal/transfer"
	"hongdun/internal/wartime"
	"hongdun/internal/weak"
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
}

// selfOnly are the 党员's own pages, which answer a 领导 without a member
// record with this status instead of a page.
var selfOnly = map[string]int{
	"/m":                      http.StatusForbidden, // 我的学时: 当前账号未关联党员信息
	"/m/attempts/{id}":        http.StatusNotFound,  // someone else's attempt
	"/m/attempts/{id}/review": http.StatusNotFound,  // someone else's hand-in page
	"/m/checkin":              http.StatusForbidden, // 签到: 当前账号未关联党员信息
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
	"/care/visits/{id}/photos/{pid}":            "a photo download",
	"/wartime/records/{id}/files/{fid}":         "a file download",
	"/brands/{id}/files/{fid}":                  "a photo or document",
	"/tasks/files/{id}":                         "a file download",
}

var (
	formTag   = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	aTag      = regexp.MustCompile(`(?is)<a\b[^>]*\bhref="([^"]*)"`)
	attr      = regexp.MustCompile(`(?is)\b(method|action|formaction)="([^"]*)"`)
	actionBtn = regexp.MustCompile(`(?is)<(?:button|input)\b[^>]*\bformaction="([^"]*)"`)
)

// A 领导 reads a subtree and writes nothing, so no page may offer a write:
// no POST form, no button and no link to a route the role does not hold;
// and no page shows English (issue 14: a user never reads English).
// The leader walks every GET page of the route table, with real ids from
// the demo bureau, and every control on each page is checked against the
// route it would reach.
func TestLeaderSeesNoWriteControl(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	const pw = "Demo-Pass-2026!"
	d := e.App.Deps
	if _, err := demo.Seed(ctx, d, demo.Options{Seed: 1, Members: 1500, Password: pw}); err != nil {
		t.Fatal(err)
	}
	for _, seed := range []func(context.Context, *core.Deps) error{demo.SeedMasses, develop.SeedDemo, training.SeedDemo, exam.SeedDemo, transfer.SeedDemo, life.SeedDemo, appraisal.SeedDemo, election.SeedDemo, pioneer.SeedDemo, community.SeedDemo, task.SeedDemo, honour.SeedDemo, dues.SeedDemo, care.SeedDemo, wartime.SeedDemo, assess.SeedDemo, cases.SeedDemo, corps.SeedDemo, strong.SeedDemo, weak.SeedDemo, brand.SeedDemo, org.SyncWarnings} {
		if err := seed(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	leader := e.Login("leader", pw)
	// Usernames are shown as typed (who recorded what); "demo" is the one the
	// demo data is recorded under.
	usernames := map[string]bool{"demo": true}
	rows, err := e.DB.QueryContext(ctx, "SELECT username FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		usernames[u] = true
	}
	rows.Close()

	// The route table, to find what each control would reach.
	mux := http.NewServeMux()
	perms := map[string]web.Perm{}
	for _, rt := range e.App.Routes {
		key := rt.Method + " " + rt.Pattern
		perms[key] = rt.Perm
		mux.Handle(key, http.NotFoundHandler())
	}
	routeOf := func(method, target string) (string, web.Perm, bool) {
		u, err := url.Parse(target)
		if err != nil || (u.Host != "" && u.Host != strings.TrimPrefix(e.Srv.URL, "http://")) {
			return "", "", false
		}
		r := &http.Request{Method: method, URL: &url.URL{Path: u.Path}, Host: "x"}
		_, pattern := mux.Handler(r)
		p, ok := perms[pattern]
		return pattern, p, ok
	}

	type page struct{ path, pattern string }
	var pages []page
	for _, rt := range e.App.Routes {
		if rt.Method != "GET" || rt.IsAPI() || !web.Allows(auth.Leader, rt.Perm) || strings.HasPrefix(rt.Pattern, "/static/") {
			continue
		}
		if _, skip := notPages[rt.Pattern]; skip {
			continue
		}
		if !strings.Contains(strings.TrimSuffix(rt.Pattern, "{$}"), "{") {
			pages = append(pages, page{strings.TrimSuffix(rt.Pattern, "{$}"), rt.Pattern})
			continue
		}
		q, ok := pageIDs[rt.Pattern]
		if !ok || q == "" {
			t.Errorf("GET %s: the walk has no ids for this page; add a query to pageIDs", rt.Pattern)
			continue
		}
		rows, err := e.DB.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		n := 0
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			pages = append(pages, page{strings.Replace(rt.Pattern, "{id}", fmt.Sprint(id), 1), rt.Pattern})
			n++
		}
		rows.Close()
		if n == 0 {
			t.Errorf("GET %s: the demo bureau has no row to open it with (%s)", rt.Pattern, q)
		}
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].path < pages[j].path })

	// One report per page route and control route, not one per id.
	seen := map[string]bool{}
	report := func(pageRoute, controlRoute, format string, args ...any) {
		if key := pageRoute + " → " + controlRoute; !seen[key] {
			seen[key] = true
			t.Errorf(format, args...)
		}
	}
	shown := 0
	for _, pg := range pages {
		page := pg.path
		st := leader.Do("GET", page, nil, nil)
		body := leader.Body()
		if want, ok := selfOnly[pg.pattern]; ok && st == want {
			continue
		}
		if st != http.StatusOK {
			t.Errorf("GET %s as 领导: %d", page, st)
			continue
		}
		if !strings.Contains(body, "<html") {
			continue // a download
		}
		shown++
		for _, w := range englishWords(body, usernames) {
			report(pg.pattern, "english:"+w, "GET %s shows the 领导 the English word %q", page, w)
		}
		for _, tag := range formTag.FindAllString(body, -1) {
			method, action := "GET", page
			for _, m := range attr.FindAllStringSubmatch(tag, -1) {
				switch strings.ToLower(m[1]) {
				case "method":
					method = strings.ToUpper(m[2])
				case "action":
					action = html.UnescapeString(m[2])
				}
			}
			if method == "GET" {
				continue
			}
			pattern, perm, ok := routeOf(method, action)
			if !ok || !web.Allows(auth.Leader, perm) {
				report(pg.pattern, pattern, "GET %s shows the 领导 a %s form to %s (route %q, %s)", page, method, action, pattern, perm)
			}
		}
		for _, m := range actionBtn.FindAllStringSubmatch(body, -1) {
			if pattern, perm, ok := routeOf("POST", html.UnescapeString(m[1])); !ok || !web.Allows(auth.Leader, perm) {
				report(pg.pattern, pattern, "GET %s shows the 领导 a button posting to %s (route %q)", page, m[1], pattern)
			}
		}
		for _, m := range aTag.FindAllStringSubmatch(body, -1) {
			href := html.UnescapeString(m[1])
			if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "/static/") {
				continue
			}
			if pattern, perm, ok := routeOf("GET", href); ok && !web.Allows(auth.Leader, perm) {
				report(pg.pattern, pattern, "GET %s links the 领导 to %s, a %s page (route %q)", page, href, perm, pattern)
			}
		}
	}
	if shown < 30 {
		t.Errorf("walked only %d pages", shown)
	}
	t.Logf("walked %d pages as 领导", shown)
}

var (
	// Not read as words: scripts, styles, comments, and machine text shown
	// as such (a second-factor key, a code).
	hiddenParts   = regexp.MustCompile(`(?is)<(script|style|head|code)\b.*?</(script|style|head|code)>|<!--.*?-->`)
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
// shows (its text and its titles and placeholders) that are neither on the
// allow-list nor one of names (account usernames).
func englishWords(body string, names map[string]bool) []string {
	text := hiddenParts.ReplaceAllString(body, " ")
	var shown []string
	for _, m := range shownAttr.FindAllStringSubmatch(text, -1) {
		shown = append(shown, m[1])
	}
	shown = append(shown, anyTag.ReplaceAllString(text, " "))
	var out []string
	for _, w := range asciiWord.FindAllString(html.UnescapeString(strings.Join(shown, " ")), -1) {
		if !allowedWords[strings.ToLower(w)] && !names[w] && !optionLetters.MatchString(w) {
			out = append(out, w)
		}
	}
	return out
}
