package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
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
