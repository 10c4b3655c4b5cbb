package app_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
)

// Through the login page and form: a next that would leave the site is
// neither echoed into the form nor followed after the password.
func TestLoginNextStaysOnTheSite(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		user := "unext"
		if _, err := e.App.Auth.CreateAccount(t.Context(), auth.NewAccount{Username: user, Role: auth.Auditor, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		for _, next := range []string{"/\t/evil.example/", "//evil.example", "/\\evil.example", "/\\/evil.example", "/\n/evil.example",
			"/%09/evil.example", "https://evil.example", "/\x00/evil.example"} {
			c := e.Anonymous()
			if strings.Contains(next, "\x00") { // no field may hold a NUL: the router refuses the request itself
				if st := c.Do("GET", "/login?next="+url.QueryEscape(next), nil, nil); st != 400 || strings.Contains(c.Body(), "evil.example") {
					t.Errorf("next %q: %d", next, st)
				}
				if st := c.PostForm("/login", url.Values{"username": {user}, "password": {apptest.Password}, "next": {next}}); st != 400 {
					t.Errorf("login with next %q: %d", next, st)
				}
				continue
			}
			c.Expect(200, "GET", "/login?next="+url.QueryEscape(next), nil, nil) // login page
			if strings.Contains(c.Body(), "evil.example") || !strings.Contains(c.Body(), `name="next" value="/"`) {
				t.Errorf("next %q echoed into the form", next)
			}
			form := url.Values{"username": {user}, "password": {apptest.Password}, "next": {next}}
			req, _ := http.NewRequest("POST", e.Srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.Srv.URL)
			resp, err := c.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.Contains(loc, "evil") ||
				strings.ContainsAny(loc, "\\\t\r\n") || strings.HasPrefix(loc, "//") {
				t.Errorf("next %q: %d Location %q", next, resp.StatusCode, loc)
			}
		}
		// A path of the site survives the login.
		c := e.Anonymous()
		form := url.Values{"username": {user}, "password": {apptest.Password}, "next": {"/members?org=1"}}
		req, _ := http.NewRequest("POST", e.Srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.Srv.URL)
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/") {
			t.Errorf("own path: %d %q", resp.StatusCode, loc)
		}
	})
}

// An account's display name refuses the characters that make it read as
// another person's, naming the field.
func TestAccountDisplayNameRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i, name := range []string{"张\u202e三", "张\u200b三", "张\u2067三", "张\t三", "\ufeff张三", "张三\x1b[31m"} {
			_, err := e.App.Auth.CreateAccount(t.Context(), auth.NewAccount{Username: "udisp" + string(rune('a'+i)), DisplayName: name,
				Role: auth.Auditor, Password: apptest.Password})
			var ie *fail.Error
			if !errors.As(err, &ie) || ie.Field != "display_name" || !strings.HasPrefix(ie.Message, "姓名（显示名）") {
				t.Errorf("display name %q: %v", name, err)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM accounts WHERE username LIKE 'udisp%'"); n != 0 {
			t.Fatalf("%d refused accounts stored", n)
		}
	})
}
