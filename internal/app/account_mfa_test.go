package app_test

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// clock fixes the application's time; advance moves it on.
type clock struct{ now time.Time }

func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

func fixClock(e *apptest.Env) *clock {
	c := &clock{now: time.Now()}
	e.App.Auth.Now = func() time.Time { return c.now }
	return c
}

// enrol turns on the second factor of c's account and returns its secret.
func enrol(t *testing.T, c *apptest.Client, clk *clock) string {
	t.Helper()
	var m struct {
		Enabled   bool
		Enrolment auth.Enrolment
	}
	if st := c.Do("GET", "/api/v1/auth/mfa", nil, &m); st != 200 || m.Enabled || m.Enrolment.Secret == "" {
		t.Fatalf("enrolment offer: %d %s", st, c.Body())
	}
	code := auth.OTPCode(m.Enrolment.Secret, clk.now)
	c.Expect(200, "POST", "/api/v1/auth/mfa", map[string]string{"enrol": m.Enrolment.Token, "code": code}, nil)
	return m.Enrolment.Secret
}

// wrongCode is six digits that match none of the accepted steps.
func wrongCode(secret string, now time.Time) string {
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (i*137_911)%1_000_000)
		if c != auth.OTPCode(secret, now) && c != auth.OTPCode(secret, now.Add(-30*time.Second)) && c != auth.OTPCode(secret, now.Add(30*time.Second)) {
			return c
		}
	}
}

func login(c *apptest.Client, user, otp string, out any) int {
	body := map[string]string{"username": user, "password": apptest.Password}
	if otp != "" {
		body["otp"] = otp
	}
	return c.Do("POST", "/api/v1/auth/login", body, out)
}

func count(t *testing.T, e *apptest.Env, action, object string) int {
	var n int
	if err := e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_id = ?", action, object).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEnrolmentNeedsTheRightCode(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		c := e.Account(auth.SysAdmin, 0, 0)
		other := e.Account(auth.SysAdmin, 0, 0)
		var m struct{ Enrolment auth.Enrolment }
		c.Do("GET", "/api/v1/auth/mfa", nil, &m)
		var theirs struct{ Enrolment auth.Enrolment }
		other.Do("GET", "/api/v1/auth/mfa", nil, &theirs)
		secret := m.Enrolment.Secret
		for _, tc := range []struct {
			enrol, code, field string
		}{
			{m.Enrolment.Token, wrongCode(secret, clk.now), "code"},
			{m.Enrolment.Token, "12ab56", "code"},
			{m.Enrolment.Token, "", "code"},
			{theirs.Enrolment.Token, auth.OTPCode(theirs.Enrolment.Secret, clk.now), "enrol"}, // another account's offer
			{"garbage", auth.OTPCode(secret, clk.now), "enrol"},
		} {
			var out apiError
			if st := c.Do("POST", "/api/v1/auth/mfa", map[string]string{"enrol": tc.enrol, "code": tc.code}, &out); st != 400 || out.Error.Field != tc.field {
				t.Errorf("enrol with %s %q: %d %+v", tc.field, tc.code, st, out)
			}
		}
		// An offer expires after 15 minutes.
		clk.advance(16 * time.Minute)
		var out apiError
		if st := c.Do("POST", "/api/v1/auth/mfa", map[string]string{"enrol": m.Enrolment.Token, "code": auth.OTPCode(secret, clk.now)}, &out); st != 400 || out.Error.Field != "enrol" {
			t.Errorf("expired offer: %d %+v", st, out)
		}
		if n := count(t, e, "mfa.enable", c.Username()); n != 0 {
			t.Fatalf("refused enrolments audited as enabled: %d", n)
		}
		if st := login(e.Anonymous(), c.Username(), "", nil); st != 200 {
			t.Fatalf("refused enrolment changed the login: %d", st)
		}
		var offer struct{ Enrolment auth.Enrolment }
		c.Do("GET", "/api/v1/auth/mfa", nil, &offer)
		secret = offer.Enrolment.Secret
		body := map[string]string{"enrol": offer.Enrolment.Token, "code": auth.OTPCode(secret, clk.now)}
		c.Expect(200, "POST", "/api/v1/auth/mfa", body, nil)
		c.Expect(409, "POST", "/api/v1/auth/mfa", body, nil) // double submission
		if n := count(t, e, "mfa.enable", c.Username()); n != 1 {
			t.Fatalf("mfa.enable audited %d times", n)
		}
		if st := c.Do("GET", "/api/v1/auth/mfa", nil, &offer); st != 200 || !strings.Contains(c.Body(), `"enabled":true`) || strings.Contains(c.Body(), "secret") {
			t.Fatalf("status after enabling: %d %s", st, c.Body())
		}
		// The secret is sealed: a raw dump of every table holds it in no form.
		raw, _ := b32.DecodeString(secret)
		for _, form := range [][]byte{[]byte(secret), []byte(strings.ToLower(secret)), raw, []byte(hex.EncodeToString(raw))} {
			if where := rawDumpContains(t, e.DB, form); where != "" {
				t.Errorf("TOTP secret readable in %s", where)
			}
		}
	})
}

func TestAPILoginWithSecondFactor(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		c := e.Account(auth.OrgAdmin, orgID(t, e), 0)
		user := c.Username()
		secret := enrol(t, c, clk)
		anon := e.Anonymous()
		var out apiError
		if st := login(anon, user, "", &out); st != 401 || out.Error.Code != "otp_required" || !strings.Contains(out.Error.Message, "动态口令") {
			t.Fatalf("password alone: %d %+v", st, out)
		}
		if n := count(t, e, "login.otp_missing", user); n != 1 {
			t.Fatalf("login.otp_missing audited %d times", n)
		}
		// The code used to enrol is spent.
		if st := login(anon, user, auth.OTPCode(secret, clk.now), &out); st != 401 || out.Error.Code != "otp_required" {
			t.Fatalf("enrolment code replayed: %d %+v", st, out)
		}
		clk.advance(30 * time.Second)
		code := auth.OTPCode(secret, clk.now)
		var tok struct{ Token string }
		if st := login(anon, user, code, &tok); st != 200 || tok.Token == "" {
			t.Fatalf("password and code: %d %s", st, anon.Body())
		}
		if st := login(anon, user, code, &out); st != 401 || out.Error.Code != "otp_required" {
			t.Fatalf("same code replayed: %d %+v", st, out)
		}
		// A wrong password with the right code says nothing about the code.
		clk.advance(30 * time.Second)
		st := anon.Do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": "Wrong-Pass-1x", "otp": auth.OTPCode(secret, clk.now)}, &out)
		if st != 401 || out.Error.Code != "bad_login" {
			t.Fatalf("wrong password, right code: %d %+v", st, out)
		}
		// Drift of one step either way is accepted.
		if st := login(anon, user, auth.OTPCode(secret, clk.now.Add(30*time.Second)), nil); st != 200 {
			t.Fatalf("code of the next step: %d", st)
		}
		if n := count(t, e, "login.otp_fail", user); n != 2 {
			t.Fatalf("login.otp_fail audited %d times, want 2", n)
		}
	})
}

var pendingField = regexp.MustCompile(`name="pending" value="([^"]+)"`)

func TestWebLoginWithSecondFactor(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		c := e.Account(auth.SysAdmin, 0, 0)
		secret := enrol(t, c, clk)
		clk.advance(30 * time.Second)
		b := e.Anonymous()
		srv, _ := url.Parse(e.Srv.URL)
		if st := b.Form("/login", map[string]string{"username": c.Username(), "password": apptest.Password, "next": "/admin/accounts"}); st != 200 {
			t.Fatalf("password step: %d", st)
		}
		if len(b.HTTP.Jar.Cookies(srv)) != 0 {
			t.Fatal("the password step alone set a session cookie")
		}
		m := pendingField.FindStringSubmatch(b.Body())
		if m == nil {
			t.Fatalf("no code page: %s", b.Body())
		}
		pending := m[1]
		// The pending login is no session.
		probe := e.Anonymous()
		probe.Token = pending
		probe.Expect(401, "GET", "/api/v1/me", nil, nil) // pending token as a session
		if st := b.Form("/login/otp", map[string]string{"pending": pending, "code": wrongCode(secret, clk.now)}); st != 401 || !strings.Contains(b.Body(), pending) {
			t.Fatalf("wrong code: %d", st)
		}
		if st := b.Form("/login/otp", map[string]string{"pending": pending, "code": auth.OTPCode(secret, clk.now), "next": "/admin/accounts"}); st != 303 {
			t.Fatalf("right code: %d %s", st, b.Body())
		}
		b.Expect(200, "GET", "/api/v1/me", nil, nil) // session after the code
		// The pending login is spent, and one left for 5 minutes expires.
		clk.advance(30 * time.Second)
		if st := e.Anonymous().Form("/login/otp", map[string]string{"pending": pending, "code": auth.OTPCode(secret, clk.now)}); st != 401 {
			t.Fatalf("pending login reused: %d", st)
		}
		late := e.Anonymous()
		late.Form("/login", map[string]string{"username": c.Username(), "password": apptest.Password})
		clk.advance(6 * time.Minute)
		if st := late.Form("/login/otp", map[string]string{"pending": pendingField.FindStringSubmatch(late.Body())[1], "code": auth.OTPCode(secret, clk.now)}); st != 401 {
			t.Fatalf("pending login after 6 minutes: %d", st)
		}
	})
}

func TestWrongCodesLockTheAccount(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		c := e.Account(auth.SysAdmin, 0, 0)
		user := c.Username()
		secret := enrol(t, c, clk)
		clk.advance(30 * time.Second)
		anon := e.Anonymous()
		// One wrong password and four wrong codes: the fifth failure locks.
		anon.Do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": "Wrong-Pass-1x"}, nil)
		var out apiError
		for i := 0; i < 4; i++ {
			if st := login(anon, user, wrongCode(secret, clk.now), &out); st != 401 {
				t.Fatalf("wrong code %d: %d", i+1, st)
			}
		}
		if out.Error.Code != "bad_login" {
			t.Fatalf("fifth failure did not lock: %+v", out)
		}
		if st := login(anon, user, auth.OTPCode(secret, clk.now), &out); st != 401 || out.Error.Code != "bad_login" {
			t.Fatalf("locked account with password and code: %d %+v", st, out)
		}
		if n := count(t, e, "login.lockout", user); n != 1 {
			t.Fatalf("lockout audited %d times", n)
		}
		if n := count(t, e, "login.otp_fail", user); n != 3 {
			t.Fatalf("login.otp_fail audited %d times, want 3", n)
		}
		clk.advance(16 * time.Minute)
		if st := login(anon, user, auth.OTPCode(secret, clk.now), nil); st != 200 {
			t.Fatalf("after the lockout: %d %s", st, anon.Body())
		}
	})
}

func TestDisableAndReset(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		admin := e.Account(auth.SysAdmin, 0, 0)
		c := e.Account(auth.OrgAdmin, orgID(t, e), 0)
		secret := enrol(t, c, clk)
		clk.advance(30 * time.Second)
		var out apiError
		if st := c.Do("POST", "/api/v1/auth/mfa/disable", map[string]string{"code": wrongCode(secret, clk.now)}, &out); st != 400 || out.Error.Field != "code" {
			t.Fatalf("disable with a wrong code: %d %+v", st, out)
		}
		c.Expect(200, "POST", "/api/v1/auth/mfa/disable", map[string]string{"code": auth.OTPCode(secret, clk.now)}, nil)
		c.Expect(409, "POST", "/api/v1/auth/mfa/disable", map[string]string{"code": auth.OTPCode(secret, clk.now)}, nil) // disable twice
		if st := login(e.Anonymous(), c.Username(), "", nil); st != 200 {
			t.Fatalf("login after disabling: %d", st)
		}
		if n := count(t, e, "mfa.disable", c.Username()); n != 1 {
			t.Fatalf("mfa.disable audited %d times", n)
		}

		// The 系统管理员 resets another account, never their own.
		enrol(t, c, clk)
		enrol(t, admin, clk)
		id, _ := e.App.Auth.AccountID(context.Background(), c.Username())
		adminID, _ := e.App.Auth.AccountID(context.Background(), admin.Username())
		c.Expect(403, "POST", fmt.Sprintf("/api/v1/accounts/%d/mfa/reset", id), nil, nil)           // reset by a 党务管理员
		admin.Expect(403, "POST", fmt.Sprintf("/api/v1/accounts/%d/mfa/reset", adminID), nil, &out) // reset of one's own
		admin.Expect(404, "POST", "/api/v1/accounts/999999/mfa/reset", nil, nil)                    // reset of no account
		if st := admin.Do("GET", "/admin/accounts", nil, nil); st != 200 || !strings.Contains(admin.Body(), fmt.Sprintf("/admin/accounts/%d/mfa/reset", id)) ||
			strings.Contains(admin.Body(), fmt.Sprintf("/admin/accounts/%d/mfa/reset", adminID)) {
			t.Fatalf("accounts page offers the wrong resets: %d", st)
		}
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/accounts/%d/mfa/reset", id), nil, nil)
		admin.Expect(409, "POST", fmt.Sprintf("/api/v1/accounts/%d/mfa/reset", id), nil, nil) // second reset
		if n := count(t, e, "mfa.reset", c.Username()); n != 1 {
			t.Fatalf("mfa.reset audited %d times", n)
		}
		if st := login(e.Anonymous(), c.Username(), "", nil); st != 200 {
			t.Fatalf("login after reset: %d", st)
		}
	})
}

func TestDisableGuessingEndsTheSession(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		c := e.Account(auth.SysAdmin, 0, 0)
		secret := enrol(t, c, clk)
		for i := 0; i < 5; i++ {
			c.Do("POST", "/api/v1/auth/mfa/disable", map[string]string{"code": wrongCode(secret, clk.now)}, nil)
		}
		c.Expect(401, "GET", "/api/v1/me", nil, nil) // session after 5 wrong codes
		var on bool
		e.DB.QueryRowContext(context.Background(), "SELECT totp_enabled FROM accounts WHERE username = ?", c.Username()).Scan(&on)
		if !on {
			t.Fatal("second factor removed by guessing")
		}
	})
}

func TestPolicyRequiresSecondFactor(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		clk := fixClock(e)
		e.App.Auth.Policy.RequireOTP = []auth.Role{auth.OrgAdmin}
		org := orgID(t, e)
		c := e.Account(auth.OrgAdmin, org, 0)
		var out apiError
		if st := c.Do("GET", "/api/v1/orgs", nil, &out); st != 403 || out.Error.Code != "otp_setup_required" {
			t.Fatalf("orgadmin without a second factor, API: %d %+v", st, out)
		}
		c.Expect(400, "POST", "/api/v1/auth/password", map[string]string{"old_password": "x", "password": "y"}, nil) // password change refused
		if st := e.Account(auth.Leader, org, 0).Do("GET", "/api/v1/orgs", nil, nil); st != 200 {
			t.Fatalf("leader affected by the orgadmin rule: %d", st)
		}
		// Pages redirect to the enrolment page, which works.
		b := e.Anonymous()
		if st := b.Form("/login", map[string]string{"username": c.Username(), "password": apptest.Password}); st != 303 {
			t.Fatalf("web login: %d", st)
		}
		req, _ := http.NewRequest("GET", e.Srv.URL+"/orgs", nil)
		resp, err := b.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/mfa" {
			t.Fatalf("page without a second factor: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if st := b.Do("GET", "/mfa", nil, nil); st != 200 || !strings.Contains(b.Body(), "data:image/png;base64,") || !strings.Contains(b.Body(), "须使用双因素认证") {
			t.Fatalf("enrolment page: %d", st)
		}
		// Enrolled through the page's form, the account works again.
		token := regexp.MustCompile(`name="enrol" value="([^"]+)"`).FindStringSubmatch(b.Body())[1]
		secret := strings.ReplaceAll(regexp.MustCompile(`<code>([A-Z2-7 ]+)</code>`).FindStringSubmatch(b.Body())[1], " ", "")
		if st := b.Form("/mfa", map[string]string{"enrol": token, "code": auth.OTPCode(secret, clk.now)}); st != 303 {
			t.Fatalf("enrol by form: %d %s", st, b.Body())
		}
		b.Expect(200, "GET", "/api/v1/orgs", nil, nil) // after enrolment
		if st := b.Do("GET", "/mfa", nil, nil); st != 200 || !strings.Contains(b.Body(), "已启用") || strings.Contains(b.Body(), "data:image/png") {
			t.Fatalf("enrolment page once enabled: %d", st)
		}
		// Enabling ended the account's other sessions, begun on the password alone.
		c.Expect(401, "GET", "/api/v1/orgs", nil, nil) // older session after enrolment
	})
}

func TestRequireOTPFromEnv(t *testing.T) {
	t.Parallel()
	p := auth.Policy{RequireOTP: auth.RequireOTPFromEnv("1")}
	for _, r := range auth.Roles {
		want := r != auth.Leader && r != auth.Member
		if p.RequiresOTP(r) != want {
			t.Errorf("HONGDUN_REQUIRE_OTP=1, %s: %v", r.Label(), !want)
		}
	}
	if auth.RequireOTPFromEnv("") != nil || auth.RequireOTPFromEnv("0") != nil || auth.DefaultPolicy.RequiresOTP(auth.SysAdmin) {
		t.Fatal("second factor required by default")
	}
}

func orgID(t *testing.T, e *apptest.Env) int64 { return e.Org(0, "市局", "committee") }

// rawDumpContains looks for b in every cell of every table, as stored.
func rawDumpContains(t *testing.T, d *db.DB, b []byte) string {
	return dbtest.Find(t, d, func(cell []byte) bool { return bytes.Contains(cell, b) })
}
