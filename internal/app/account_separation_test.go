package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// 三员分立 (issue 9): each test plays an attack by one of the 三员 and shows
// it now fails.

const onceA = "Once-Only-2026!a" // a one-time password set by the 系统管理员
const ownB = "Mine-Alone-2026!b" // the holder's own

// accountBureau makes an organisation with one person and returns their ids.
func accountBureau(t *testing.T, e *apptest.Env) (orgID, personID int64) {
	t.Helper()
	ctx := context.Background()
	if err := e.DB.W.QueryRowContext(ctx, e.DB.Rebind("INSERT INTO orgs (name, kind, path, created_at, updated_at) VALUES ('市局党委', 'committee', '/x/', 0, 0) RETURNING id")).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind("UPDATE orgs SET path = ? WHERE id = ?"), fmt.Sprintf("/%d/", orgID), orgID); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.W.QueryRowContext(ctx, e.DB.Rebind("INSERT INTO persons (org_id, name, pinyin, initials, gender, status, created_at, updated_at) VALUES (?, '张某', 'zhangmou', 'zm', '男', 'full', 0, 0) RETURNING id"), orgID).Scan(&personID); err != nil {
		t.Fatal(err)
	}
	return orgID, personID
}

// login tries an API login and returns the status, the token and the error.
func tryLogin(e *apptest.Env, user, pw string) (int, string, apiError) {
	var out struct {
		Token string
		apiError
	}
	st := e.Anonymous().Do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pw}, &out)
	return st, out.Token, out.apiError
}

func accountID(t *testing.T, e *apptest.Env, name string) int64 {
	t.Helper()
	id, err := e.App.Auth.AccountID(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// auditRows are the auditor's view of the account events.
func auditRows(t *testing.T, e *apptest.Env, auditor *apptest.Client, action string) []map[string]any {
	t.Helper()
	var out struct{ Items []map[string]any }
	auditor.Expect(200, "GET", "/api/v1/audit?action="+url.QueryEscape(action), nil, &out) // auditor reads the log
	var rows []map[string]any
	for _, r := range out.Items {
		if r["action"] == action {
			rows = append(rows, r)
		}
	}
	return rows
}

func detail(t *testing.T, r map[string]any) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(r["detail"].(string)), &d); err != nil {
		t.Fatalf("detail %v: %v", r["detail"], err)
	}
	return d
}

// The attack: the 系统管理员 makes a 党务管理员 with a password of its
// choosing, logs in as it and reads the members. Now the account is inert
// until the 安全保密管理员 approves; then its holder must first replace the
// one-time password.
func TestSysadminCannotMakeAndUseABusinessAccount(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		org, _ := accountBureau(t, e)
		admin := e.Account(auth.SysAdmin, 0, 0)
		sec := e.Account(auth.SecAdmin, 0, 0)
		auditor := e.Account(auth.Auditor, 0, 0)

		var created struct {
			ID        int64
			RequestID int64 `json:"request_id"`
			Status    string
		}
		if st := admin.Do("POST", "/api/v1/accounts", map[string]any{"username": "fake-dw", "display_name": "冒名", "role": "orgadmin", "org_id": org,
			"password": onceA, "reason": "新任党务干事"}, &created); st != 201 || created.Status != "pending" || created.RequestID == 0 {
			t.Fatalf("create: %d %s", st, admin.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM accounts WHERE username = 'fake-dw' AND role = '' AND org_id IS NULL AND password_one_time = 1"); n != 1 {
			t.Fatal("the new account holds a role, a scope or a lasting password before any approval")
		}
		// The 系统管理员 logs in as it: refused, no session, nothing read.
		st, token, ae := tryLogin(e, "fake-dw", onceA)
		if st != 403 || token != "" || ae.Error.Code != "not_granted" || !strings.Contains(ae.Error.Message, "安全保密管理员") {
			t.Fatalf("login of an ungranted account: %d %q %+v", st, token, ae)
		}
		if n := e.Count("SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = 'fake-dw'"); n != 0 {
			t.Fatalf("%d sessions for an ungranted account", n)
		}
		// Nor through the web form.
		web := e.Anonymous()
		if st := web.PostForm("/login", url.Values{"username": {"fake-dw"}, "password": {onceA}, "next": {"/members"}}); st != 403 || !strings.Contains(web.Body(), "尚未经安全保密管理员授权") {
			t.Fatalf("web login of an ungranted account: %d", st)
		}
		web.Expect(401, "GET", "/api/v1/members", nil, nil) // members after a refused web login
		// The 系统管理员 cannot grant it either.
		admin.Expect(403, "PUT", fmt.Sprintf("/api/v1/accounts/%d/role", created.ID), map[string]any{"role": "orgadmin", "org_id": org}, nil) // role by the 系统管理员
		admin.Expect(403, "POST", fmt.Sprintf("/api/v1/role-requests/%d/approve", created.RequestID), nil, nil)                               // approval by the 系统管理员
		// The 系统管理员 sees it waiting, with the role asked for.
		var list struct{ Items []auth.Account }
		admin.Do("GET", "/api/v1/accounts", nil, &list)
		found := false
		for _, a := range list.Items {
			if a.Username == "fake-dw" {
				found = !a.Granted && a.Request != nil && a.Request.Role == auth.OrgAdmin && a.Request.Status == "pending" && a.OneTime
			}
		}
		if !found {
			t.Fatalf("account list does not show the pending request: %s", admin.Body())
		}
		if st := admin.Do("GET", "/admin/accounts", nil, nil); st != 200 || !strings.Contains(admin.Body(), "待授权账号") || !strings.Contains(admin.Body(), "fake-dw") {
			t.Fatalf("accounts page: %d", st)
		}

		// The 安全保密管理员 approves.
		var reqs struct {
			Items   []auth.RoleRequest
			Pending int
		}
		if st := sec.Do("GET", "/api/v1/role-requests", nil, &reqs); st != 200 || reqs.Pending != 1 || reqs.Items[0].Username != "fake-dw" || reqs.Items[0].RequestedBy != admin.Username() {
			t.Fatalf("requests: %d %s", st, sec.Body())
		}
		sec.Expect(200, "POST", fmt.Sprintf("/api/v1/role-requests/%d/approve", created.RequestID), map[string]string{"note": "同意"}, nil)
		sec.Expect(409, "POST", fmt.Sprintf("/api/v1/role-requests/%d/refuse", created.RequestID), nil, nil) // second decision
		// Granted, but the password is one-time: only the change works.
		st, token, _ = tryLogin(e, "fake-dw", onceA)
		if st != 200 {
			t.Fatalf("login after approval: %d", st)
		}
		c := e.Anonymous()
		c.Token = token
		var out apiError
		if st := c.Do("GET", "/api/v1/members", nil, &out); st != 403 || out.Error.Code != "password_one_time" || !strings.Contains(out.Error.Message, "一次性密码") {
			t.Fatalf("members with a one-time password: %d %+v", st, out)
		}
		c.Expect(200, "POST", "/api/v1/auth/password", map[string]string{"old_password": onceA, "password": ownB}, nil)
		c = e.Login("fake-dw", ownB)
		c.Expect(200, "GET", "/api/v1/members", nil, nil) // members after the change

		// The auditor sees who asked and who approved.
		reqRows := auditRows(t, e, auditor, "account.request")
		if len(reqRows) != 1 || reqRows[0]["actor"] != admin.Username() || reqRows[0]["object_id"] != "fake-dw" {
			t.Fatalf("account.request: %v", reqRows)
		}
		grants := auditRows(t, e, auditor, "account.grant")
		if len(grants) != 1 || grants[0]["actor"] != sec.Username() {
			t.Fatalf("account.grant: %v", grants)
		}
		after := detail(t, grants[0])["after"].(map[string]any)
		if after["requested_by"] != admin.Username() || after["approved_by"] != sec.Username() || after["role"] != "orgadmin" {
			t.Fatalf("grant detail: %v", after)
		}
		if rows := auditRows(t, e, auditor, "account.password"); len(rows) != 1 || detail(t, rows[0])["replaced_one_time"] != true {
			t.Fatalf("first change of the one-time password: %v", rows)
		}
	})
}

// A refused request leaves the account inert.
func TestRefusedRequestStaysInert(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		org, _ := accountBureau(t, e)
		admin := e.Account(auth.SysAdmin, 0, 0)
		sec := e.Account(auth.SecAdmin, 0, 0)
		auditor := e.Account(auth.Auditor, 0, 0)
		// Through the pages this time.
		if st := admin.PostForm("/admin/accounts", url.Values{"username": {"lead-x"}, "role": {"leader"}, "org_id": {fmt.Sprint(org)}, "password": {onceA}}); st != 303 {
			t.Fatalf("create form: %d %s", st, admin.Body())
		}
		var reqID int64
		if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM role_requests WHERE status = 'pending'").Scan(&reqID); err != nil {
			t.Fatal(err)
		}
		if st := sec.Do("GET", "/admin/security", nil, nil); st != 200 || !strings.Contains(sec.Body(), fmt.Sprintf("/admin/security/requests/%d/approve", reqID)) {
			t.Fatalf("security page lists no request to approve: %d", st)
		}
		if st := sec.PostForm(fmt.Sprintf("/admin/security/requests/%d/refuse", reqID), url.Values{"note": {"范围过大"}}); st != 303 {
			t.Fatalf("refuse form: %d %s", st, sec.Body())
		}
		if st, _, ae := tryLogin(e, "lead-x", onceA); st != 403 || ae.Error.Code != "not_granted" {
			t.Fatalf("login after refusal: %d", st)
		}
		rows := auditRows(t, e, auditor, "account.refuse")
		if len(rows) != 1 || rows[0]["actor"] != sec.Username() || detail(t, rows[0])["requested_by"] != admin.Username() {
			t.Fatalf("account.refuse: %v", rows)
		}
	})
}

// Nobody grants themselves a role; the 三员 roles are not handed out, asked
// for or changed on the web.
func TestNoSelfGrantAndNoThreeRoles(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		org, _ := accountBureau(t, e)
		admin := e.Account(auth.SysAdmin, 0, 0)
		sec := e.Account(auth.SecAdmin, 0, 0)
		auditorC := e.Account(auth.Auditor, 0, 0)
		leader := e.Account(auth.Leader, org, 0)
		secID, adminID, auditorID := accountID(t, e, sec.Username()), accountID(t, e, admin.Username()), accountID(t, e, auditorC.Username())
		leaderID := accountID(t, e, leader.Username())
		for _, c := range []struct {
			who  *apptest.Client
			path string
			body map[string]any
		}{
			{sec, fmt.Sprintf("/api/v1/accounts/%d/role", secID), map[string]any{"role": "orgadmin", "org_id": org}},   // self
			{sec, fmt.Sprintf("/api/v1/accounts/%d/role", leaderID), map[string]any{"role": "sysadmin"}},               // a 三员 role
			{sec, fmt.Sprintf("/api/v1/accounts/%d/role", adminID), map[string]any{"role": "orgadmin", "org_id": org}}, // a 三员 account
			{sec, fmt.Sprintf("/api/v1/accounts/%d/role", auditorID), map[string]any{"role": "leader", "org_id": org}}, // a 三员 account
		} {
			if st := c.who.Do("PUT", c.path, c.body, nil); st != 403 {
				t.Errorf("PUT %s %v: %d %s", c.path, c.body, st, c.who.Body())
			}
		}
		for _, role := range []string{"sysadmin", "secadmin", "auditor"} {
			if st := admin.Do("POST", "/api/v1/accounts", map[string]any{"username": "x-" + role, "role": role, "password": onceA}, nil); st != 403 {
				t.Errorf("asking for %s: %d", role, st)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM accounts WHERE username LIKE 'x-%'"); n != 0 {
			t.Fatalf("%d accounts made while refused", n)
		}
		var role string
		e.DB.QueryRowContext(context.Background(), "SELECT role FROM accounts WHERE id = ?", leaderID).Scan(&role)
		if role != "leader" {
			t.Fatalf("leader became %q", role)
		}
		// The 安全保密管理员 grants a business role directly: allowed, audited.
		sec.Expect(200, "PUT", fmt.Sprintf("/api/v1/accounts/%d/role", leaderID), map[string]any{"role": "orgadmin", "org_id": org}, nil) // direct change
		rows := auditRows(t, e, auditorC, "account.role")
		if len(rows) != 1 || rows[0]["actor"] != sec.Username() || detail(t, rows[0])["after"].(map[string]any)["approved_by"] != sec.Username() {
			t.Fatalf("account.role: %v", rows)
		}
	})
}

// The attack: the 系统管理员 resets the auditor's (or the security
// administrator's) password or second factor and logs in as them. Now only
// the command line on the server can; a business account's reset is one-time.
func TestSysadminCannotResetThreeAdmins(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		org, _ := accountBureau(t, e)
		admin := e.Account(auth.SysAdmin, 0, 0)
		other := e.Account(auth.SysAdmin, 0, 0)
		sec := e.Account(auth.SecAdmin, 0, 0)
		auditor := e.Account(auth.Auditor, 0, 0)
		dw := e.Account(auth.OrgAdmin, org, 0)
		for _, c := range []*apptest.Client{auditor, sec, other, admin} {
			id := accountID(t, e, c.Username())
			if st := admin.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/password", id), map[string]string{"password": onceA}, nil); st != 403 {
				t.Errorf("API reset of %s: %d", c.Username(), st)
			}
			if st := admin.PostForm(fmt.Sprintf("/admin/accounts/%d/reset", id), url.Values{"password": {onceA}}); st != 403 {
				t.Errorf("page reset of %s: %d", c.Username(), st)
			}
			if st := admin.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/mfa/reset", id), nil, nil); st != 403 {
				t.Errorf("second-factor reset of %s: %d", c.Username(), st)
			}
			if st, _, _ := tryLogin(e, c.Username(), onceA); st != 401 {
				t.Errorf("%s logs in with the 系统管理员's password: %d", c.Username(), st)
			}
		}
		if st := admin.Do("POST", fmt.Sprintf("/api/v1/accounts/%d/password", accountID(t, e, auditor.Username())), map[string]string{"password": onceA}, nil); !strings.Contains(admin.Body(), "hongdun user reset") {
			t.Errorf("the refusal does not say how: %d %s", st, admin.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.reset'"); n != 0 {
			t.Fatalf("%d resets recorded although refused", n)
		}
		auditor.Expect(200, "GET", "/api/v1/audit", nil, nil) // the auditor's session ended

		// A 党务管理员's reset suspends the account until the 安全保密管理员
		// gives its role back: the 系统管理员, who knows the password, cannot
		// use it alone. Then it is one-time: nothing but the change until replaced.
		dwID := accountID(t, e, dw.Username())
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/accounts/%d/password", dwID), map[string]string{"password": onceA}, nil) // reset of a 党务管理员
		dw.Expect(401, "GET", "/api/v1/members", nil, nil)                                                                      // old session after the reset
		if st, _, _ := tryLogin(e, dw.Username(), onceA); st != 403 {
			t.Fatalf("the 系统管理员 logs in as the 党务管理员 before approval: %d", st)
		}
		restore := approveRestore(t, e, dwID)
		if restore.Role != auth.OrgAdmin || restore.OrgID != org {
			t.Fatalf("restore request %+v", restore)
		}
		c := e.Login(dw.Username(), onceA)
		for _, path := range []string{"/api/v1/members", "/api/v1/me", "/api/v1/orgs"} {
			var out apiError
			if st := c.Do("GET", path, nil, &out); st != 403 || out.Error.Code != "password_one_time" {
				t.Errorf("%s with a one-time password: %d %+v", path, st, out)
			}
		}
		c.Expect(200, "POST", "/api/v1/auth/password", map[string]string{"old_password": onceA, "password": ownB}, nil)
		if st := e.Login(dw.Username(), ownB).Do("GET", "/api/v1/members", nil, nil); st != 200 {
			t.Fatalf("members after the change: %d", st)
		}
		var actor string
		e.DB.QueryRowContext(context.Background(), "SELECT actor FROM audit_log WHERE action = 'account.reset' AND object_id = ?", dw.Username()).Scan(&actor)
		if actor != admin.Username() {
			t.Fatalf("reset recorded for %q, want %q", actor, admin.Username())
		}
	})
}

// Over the web, a one-time password leads every page to the change form,
// which says why.
func TestOneTimePasswordOnTheWeb(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		org, _ := accountBureau(t, e)
		admin := e.Account(auth.SysAdmin, 0, 0)
		dw := e.Account(auth.OrgAdmin, org, 0)
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/accounts/%d/password", accountID(t, e, dw.Username())), map[string]string{"password": onceA}, nil)
		approveRestore(t, e, accountID(t, e, dw.Username()))
		b := e.Anonymous()
		if st := b.PostForm("/login", url.Values{"username": {dw.Username()}, "password": {onceA}}); st != 303 {
			t.Fatalf("web login: %d %s", st, b.Body())
		}
		for _, path := range []string{"/", "/members", "/orgs"} {
			if st := b.Do("GET", path, nil, nil); st != 303 {
				t.Errorf("GET %s with a one-time password: %d", path, st)
			}
		}
		persons := e.Count("SELECT COUNT(*) FROM persons")
		if st := b.PostForm("/members", url.Values{"name": {"某"}, "org_id": {fmt.Sprint(org)}}); st != 403 && st != 303 {
			t.Errorf("POST with a one-time password: %d", st)
		}
		if e.Count("SELECT COUNT(*) FROM persons") != persons {
			t.Error("a POST with a one-time password changed the database")
		}
		if st := b.Do("GET", "/password", nil, nil); st != 200 || !strings.Contains(b.Body(), "一次性密码") {
			t.Fatalf("password page: %d", st)
		}
		if st := b.PostForm("/password", url.Values{"old_password": {onceA}, "password": {ownB}, "password2": {ownB}}); st != 303 {
			t.Fatalf("change form: %d %s", st, b.Body())
		}
		if st := b.PostForm("/login", url.Values{"username": {dw.Username()}, "password": {ownB}}); st != 303 {
			t.Fatalf("login with the new password: %d", st)
		}
		b.Expect(200, "GET", "/members", nil, nil) // members after the change
	})
}

// Accounts made by the server operator (tests, the command line, the demo)
// are granted and keep their password.
func TestOperatorAccountsWork(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		org, _ := accountBureau(t, e)
		if st := e.Account(auth.OrgAdmin, org, 0).Do("GET", "/api/v1/members", nil, nil); st != 200 {
			t.Fatalf("operator's 党务管理员: %d", st)
		}
		// With OneTime (hongdun user create --one-time) the holder changes it first.
		if _, err := e.App.Auth.CreateAccount(context.Background(), auth.NewAccount{Username: "opx", Role: auth.Auditor, Password: onceA, OneTime: true}); err != nil {
			t.Fatal(err)
		}
		c := e.Login("opx", onceA)
		c.Expect(403, "GET", "/api/v1/audit", nil, nil) // one-time operator account
	})
}

// approveRestore has a 安全保密管理员 approve the pending request that a
// password reset filed for an account, and returns it.
func approveRestore(t *testing.T, e *apptest.Env, account int64) auth.RoleRequest {
	t.Helper()
	sec := e.Account(auth.SecAdmin, 0, 0)
	var list struct{ Items []auth.RoleRequest }
	sec.Expect(200, "GET", "/api/v1/role-requests", nil, &list) // role requests
	for _, r := range list.Items {
		if r.AccountID == account && r.Status == auth.RequestPending {
			sec.Expect(200, "POST", fmt.Sprintf("/api/v1/role-requests/%d/approve", r.ID), map[string]string{}, nil)
			if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.suspend'"); n == 0 {
				t.Fatal("the suspension is not in the audit log")
			}
			return r
		}
	}
	t.Fatalf("no pending request for account %d after its reset: %+v", account, list.Items)
	return auth.RoleRequest{}
}
