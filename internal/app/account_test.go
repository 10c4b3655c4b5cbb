package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
)

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"admin", "123456", "abc12345", "Gongan@2024", "P@ssw0rd123", "Password1!", "short1A"} {
		if auth.CheckPolicy(pw, "", 8) == nil {
			t.Errorf("weak password %q accepted", pw)
		}
	}
	if err := auth.CheckPolicy("Yt7#kq9-Lmz", "", 8); err != nil {
		t.Errorf("strong password refused: %v", err)
	}
	if auth.CheckPolicy("Shiju-9x!Kq", "shiju", 8) == nil {
		t.Error("password containing the username accepted")
	}
}

func TestFreshInstallRefusesDefaultPasswords(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, pw := range []string{"admin", "123456"} {
			_, err := e.App.Auth.CreateAccount(context.Background(), auth.NewAccount{Username: "admin", Role: auth.SysAdmin, Password: pw})
			if err == nil {
				t.Fatalf("admin/%s accepted", pw)
			}
		}
		if st := e.Anonymous().Do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "admin"}, nil); st != 401 {
			t.Fatalf("admin/admin login: %d", st)
		}
	})
}

// Guessing the current password on the change form of an open session
// counts as failed logins: the fifth wrong guess locks the account and
// ends its sessions, on the API and on the page.
func TestWrongCurrentPasswordLocksTheAccount(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.Bureau()
		api, page := e.Account(auth.OrgAdmin, b.A, 0), e.Account(auth.Leader, b.B, 0)
		for i := 1; i <= 5; i++ {
			want := 400
			if i == 5 {
				want = 401
			}
			api.Expect(want, "POST", "/api/v1/auth/password", map[string]string{"old_password": "Wrong-Guess-" + strconv.Itoa(i), "password": "New-Strong-77x"}, nil)
			if st := page.PostForm("/password", url.Values{"old_password": {"Wrong-Guess-" + strconv.Itoa(i)}, "password": {"New-Strong-77x"}, "password2": {"New-Strong-77x"}}); st != want {
				t.Fatalf("page, guess %d: %d, want %d", i, st, want)
			}
		}
		for _, c := range []*apptest.Client{api, page} {
			c.Expect(401, "GET", "/api/v1/me", nil, nil)
			e.Anonymous().Expect(401, "POST", "/api/v1/auth/login", map[string]string{"username": c.Username(), "password": apptest.Password}, nil)
			if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.lockout' AND object_id = ?", c.Username()); n != 1 {
				t.Fatalf("%s: lockout audited %d times", c.Username(), n)
			}
		}
	})
}

func TestLockoutHoldsEvenWithTheRightPassword(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		now := time.Now()
		e.App.Auth.Now = func() time.Time { return now }
		e.Account(auth.SysAdmin, 0, 0)
		c := e.Anonymous()
		name := "lockme"
		if _, err := e.App.Auth.CreateAccount(context.Background(), auth.NewAccount{Username: name, Role: auth.SysAdmin, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		var out map[string]map[string]string
		for i := 0; i < 5; i++ {
			c.Expect(401, "POST", "/api/v1/auth/login", map[string]string{"username": name, "password": "Wrong-Pass-1"}, &out)
		}
		wrongMsg := out["error"]["message"]
		c.Expect(401, "POST", "/api/v1/auth/login", map[string]string{"username": name, "password": apptest.Password}, &out) // 6th try with the right password
		if out["error"]["message"] != wrongMsg {
			t.Fatalf("locked message differs from a wrong-password message: %q vs %q", out["error"]["message"], wrongMsg)
		}
		var n int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'login.lockout' AND object_id = ?", name).Scan(&n)
		if n != 1 {
			t.Fatalf("lockout audited %d times", n)
		}
		now = now.Add(14 * time.Minute)
		c.Expect(401, "POST", "/api/v1/auth/login", map[string]string{"username": name, "password": apptest.Password}, nil) // after 14 minutes
		now = now.Add(2 * time.Minute)
		c.Expect(200, "POST", "/api/v1/auth/login", map[string]string{"username": name, "password": apptest.Password}, nil) // after 16 minutes
	})
}

func TestThrottlePerAddress(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.App.Auth.Policy.UsersPerIPMin = 50
		var err error
		for i := 0; i < 51; i++ {
			_, err = e.App.Auth.Login(ctx, "nobody"+strings.Repeat("x", i), "x", "10.1.1.1", "api")
		}
		if err != auth.ErrThrottled {
			t.Fatalf("51st username from one address: %v", err)
		}
		if _, err := e.App.Auth.Login(ctx, "nobody", "x", "10.1.1.2", "api"); err != auth.ErrBadLogin {
			t.Fatalf("other address affected: %v", err)
		}
		// Over HTTP the refusal is a 429.
		c := e.Anonymous()
		st := 0
		for i := 0; i < 52 && st != 429; i++ {
			st = c.Do("POST", "/api/v1/auth/login", map[string]string{"username": "n" + strings.Repeat("y", i), "password": "x"}, nil)
		}
		if st != 429 {
			t.Fatalf("HTTP throttle: %d", st)
		}
	})
}

func TestSessionTimeoutsAndLogout(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		now := time.Now()
		e.App.Auth.Now = func() time.Time { return now }
		c := e.Account(auth.SysAdmin, 0, 0)
		c.Expect(200, "GET", "/api/v1/me", nil, nil) // fresh session
		now = now.Add(29 * time.Minute)
		c.Expect(200, "GET", "/api/v1/me", nil, nil) // after 29 idle minutes
		now = now.Add(31 * time.Minute)
		c.Expect(401, "GET", "/api/v1/me", nil, nil) // after 31 idle minutes
		// Absolute timeout: active every 20 minutes, still ends at 12 hours.
		c = e.Login(c.Username(), apptest.Password)
		for i := 0; i < 35; i++ {
			now = now.Add(20 * time.Minute)
			c.Expect(200, "GET", "/api/v1/me", nil, nil) // active session refused after minutes
		}
		now = now.Add(21 * time.Minute)
		c.Expect(401, "GET", "/api/v1/me", nil, nil) // session older than 12 hours
		// Logout kills the server session: the token replayed is refused.
		c = e.Login(c.Username(), apptest.Password)
		token := c.Token
		c.Expect(200, "POST", "/api/v1/auth/logout", nil, nil)
		c.Token = token
		c.Expect(401, "GET", "/api/v1/me", nil, nil) // replayed token after logout
	})
}

func TestPasswordExpiryAllowsOnlyTheChange(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		now := time.Now()
		e.App.Auth.Now = func() time.Time { return now }
		c := e.Account(auth.SysAdmin, 0, 0)
		now = now.Add(91 * 24 * time.Hour)
		c = e.Login(c.Username(), apptest.Password)
		c.Expect(403, "GET", "/api/v1/accounts", nil, nil)                                                                                     // expired password, other route
		c.Expect(400, "POST", "/api/v1/auth/password", map[string]string{"old_password": apptest.Password, "password": apptest.Password}, nil) // reusing the same password
		c.Expect(200, "POST", "/api/v1/auth/password", map[string]string{"old_password": apptest.Password, "password": "New-Strong-77x"}, nil)
		c = e.Login(c.Username(), "New-Strong-77x")
		c.Expect(200, "GET", "/api/v1/accounts", nil, nil) // after change
	})
}

func TestCookieAndHeaders(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.Account(auth.SysAdmin, 0, 0)
		name := "cookieuser"
		e.App.Auth.CreateAccount(context.Background(), auth.NewAccount{Username: name, Role: auth.SysAdmin, Password: apptest.Password})
		req, _ := http.NewRequest("POST", e.Srv.URL+"/login", strings.NewReader("username="+name+"&password="+apptest.Password))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 {
			t.Fatalf("login form: %d", resp.StatusCode)
		}
		sc := resp.Header.Get("Set-Cookie")
		for _, want := range []string{"HttpOnly", "SameSite=Lax", "hd_session="} {
			if !strings.Contains(sc, want) {
				t.Errorf("Set-Cookie %q lacks %s", sc, want)
			}
		}
		if strings.Contains(sc, "Secure") {
			t.Errorf("Secure cookie on plain HTTP test server")
		}
		h := resp.Header
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store"} {
			if h.Get(k) != want {
				t.Errorf("%s = %q", k, h.Get(k))
			}
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q", csp)
		}
	})
}

func TestForeignOriginWriteRefused(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Account(auth.SysAdmin, 0, 0)
		req, _ := http.NewRequest("POST", "/api/v1/accounts", strings.NewReader(`{"username":"evil","role":"leader","org_id":1,"password":"Evil-Pass-99x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if st := admin.Send(req, nil); st != 403 {
			t.Fatalf("cross-site POST: %d", st)
		}
		var n int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM accounts WHERE username = 'evil'").Scan(&n)
		if n != 0 {
			t.Fatal("cross-site POST created an account")
		}
	})
}

func TestUnknownFieldsRefused(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Account(auth.SysAdmin, 0, 0)
		var out map[string]map[string]string
		st := admin.Do("POST", "/api/v1/auth/password", map[string]string{"old_password": "x", "password": "y", "role": "sysadmin"}, &out)
		if st != 400 || out["error"]["field"] != "role" || !strings.Contains(out["error"]["message"], "role") {
			t.Fatalf("extra field: %d %v", st, out)
		}
	})
}

// TestRoleMatrix: for every route, a role that does not hold the route's
// permission is refused with 403 (or 401 before login), whatever the object.
func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		orgID := e.Org(0, "市局", "committee")
		personID := e.Person(dbtest.Person{Org: orgID, Name: "某人", Pinyin: "mouren", Initials: "mr"})
		clients := map[auth.Role]interface {
			Do(string, string, any, any) int
		}{}
		for _, r := range auth.Roles {
			clients[r] = e.Account(r, map[bool]int64{true: orgID}[r.Scoped()], map[bool]int64{true: personID}[r == auth.Member])
		}
		for _, rt := range e.App.Routes {
			if rt.Perm == web.Public || !rt.IsAPI() {
				continue
			}
			path := strings.NewReplacer("{id}", "1", "{mid}", "1").Replace(rt.Pattern)
			path = regexpBraces(path)
			for _, r := range auth.Roles {
				if web.Allows(r, rt.Perm) {
					continue
				}
				if st := clients[r].Do(rt.Method, path, nil, nil); st != 403 {
					t.Errorf("%s %s as %s: %d, want 403", rt.Method, rt.Pattern, r.Label(), st)
				}
			}
		}
	})
}

// regexpBraces replaces any remaining {param} with 1.
func regexpBraces(p string) string {
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return p
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return p
		}
		p = p[:i] + "1" + p[i+j+1:]
	}
}
