package app_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/help"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// routes is a mux of the GET pages of the route table, to find the route
// an address belongs to.
func routes(e *apptest.Env) (*http.ServeMux, map[string]bool) {
	mux, pages := http.NewServeMux(), map[string]bool{}
	for _, rt := range e.App.Routes {
		if rt.Method == "GET" && !rt.IsAPI() {
			mux.Handle("GET "+rt.Pattern, http.NotFoundHandler())
			pages[rt.Pattern] = true
		}
	}
	return mux, pages
}

// Every page of the navigation has its 使用说明, every 使用说明 belongs to
// a page that exists, and the page shows it (collapsed) at its top.
func TestEveryMainPageHasHelp(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	mux, pages := routes(e)
	texts := help.Pages()
	for pattern := range texts {
		if !pages[pattern] {
			t.Errorf("pages.txt: %s is no page of the route table", pattern)
		}
	}
	for _, g := range e.App.Web.Nav {
		for _, n := range g.Items {
			_, pattern := mux.Handler(&http.Request{Method: "GET", URL: mustURL(n.Href), Host: "x"})
			if len(texts[strings.TrimPrefix(pattern, "GET ")]) == 0 {
				t.Errorf("the menu entry %s (%s) has no 使用说明 in pages.txt", n.Label, n.Href)
			}
		}
	}
	b := e.Bureau()
	admin := e.Account(auth.OrgAdmin, b.Root, 0)
	admin.Expect(http.StatusOK, "GET", "/members", nil, nil)
	body := admin.Body()
	if !strings.Contains(body, `<details class="page-help no-print" id="page-help">`) || !strings.Contains(html.UnescapeString(body), texts["/members"][0]) {
		t.Errorf("/members does not show its 使用说明:\n%s", body)
	}
	if st := admin.Do("GET", "/password", nil, nil); st != http.StatusOK || strings.Contains(admin.Body(), `id="page-help"`) {
		t.Errorf("/password (no 使用说明 written) shows an empty box: %d", st)
	}
}

var link = regexp.MustCompile(`<a href="([^"]*)"`)

// Each role's quick start renders, with every step, and every page it links
// to opens for that role.
func TestQuickStarts(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := e.Bureau()
	person := e.Person(dbtest.Person{Org: b.ABranch, Name: "王建国"})
	as := map[string]*apptest.Client{
		"orgadmin":  e.Account(auth.OrgAdmin, b.Root, 0),
		"secretary": e.Account(auth.OrgAdmin, b.ABranch, 0),
		"member":    e.Account(auth.Member, 0, person),
		"leader":    e.Account(auth.Leader, b.Root, 0),
	}
	guides := help.Guides()
	if len(guides) != len(as) {
		t.Fatalf("%d quick starts, want one per role of %v", len(guides), as)
	}
	for _, g := range guides {
		c, ok := as[g.Role]
		if !ok {
			t.Fatalf("quick start for an unknown role %q", g.Role)
		}
		c.Expect(http.StatusOK, "GET", "/help/"+g.Role, nil, nil)
		body := html.UnescapeString(c.Body())
		if len(g.Steps) < 4 {
			t.Errorf("%s: only %d steps", g.Role, len(g.Steps))
		}
		for _, s := range g.Steps {
			if !strings.Contains(body, s.Text) {
				t.Errorf("/help/%s does not show the step %q", g.Role, s.Text)
			}
		}
		hrefs := link.FindAllStringSubmatch(strings.SplitN(body, `id="quickstart"`, 2)[1], -1)
		if len(hrefs) < 3 {
			t.Errorf("/help/%s links only %d pages", g.Role, len(hrefs))
		}
		for _, m := range hrefs {
			href := m[1]
			st := c.Do("GET", href, nil, nil)
			if st == http.StatusSeeOther { // 我的档案 goes on to the member's own record
				st = c.Do("GET", "/members/"+strconv.FormatInt(person, 10), nil, nil)
			}
			if st != http.StatusOK {
				t.Errorf("/help/%s links %s, which answers the %s %d", g.Role, href, g.Title, st)
			}
		}
		// The index lists the caller's own quick start first.
		c.Expect(http.StatusOK, "GET", "/help", nil, nil)
		if g.Role != "secretary" {
			if first := link.FindAllStringSubmatch(strings.SplitN(c.Body(), `class="help-guides"`, 2)[1], 1); len(first) == 0 || first[0][1] != "/help/"+g.Role {
				t.Errorf("/help for %s does not start with its own quick start: %v", g.Role, first)
			}
		}
	}
	// Another role's quick start names its pages without linking those the
	// reader cannot open.
	if st := as["member"].Do("GET", "/help/orgadmin", nil, nil); st != http.StatusOK || strings.Contains(as["member"].Body(), `href="/imports"`) || !strings.Contains(as["member"].Body(), "导入或核对党员花名册") {
		t.Errorf("/help/orgadmin for a 党员: %d, links the import page or misses the step", st)
	}
	if st := as["leader"].Do("GET", "/help/nobody", nil, nil); st != http.StatusNotFound {
		t.Errorf("/help/nobody: %d", st)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
