// Package account serves login, logout, password changes, the system
// administrator's account pages and the security administrator's role page.
package account

import (
	"embed"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
)

//go:embed templates
var tmpl embed.FS

type handlers struct {
	*core.Deps
	login, loginOTP, password, accounts, security, mfa *web.Page
}

// Routes returns the account routes.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{Deps: d,
		login:    web.NewPage(tmpl, "templates/login.html"),
		loginOTP: web.NewPage(tmpl, "templates/login_otp.html"),
		mfa:      web.NewPage(tmpl, "templates/mfa.html"),
		password: web.NewPage(tmpl, "templates/password.html"),
		accounts: web.NewPage(tmpl, "templates/accounts.html"),
		security: web.NewPage(tmpl, "templates/security.html"),
	}
	tag := "账号与登录"
	return append(h.mfaRoutes(), []web.Route{
		{Method: "GET", Pattern: "/login", Perm: web.Public, Handler: h.loginPage},
		{Method: "POST", Pattern: "/login", Perm: web.Public, Handler: h.loginForm},
		{Method: "POST", Pattern: "/logout", Perm: web.Authed, Handler: h.logout},
		{Method: "GET", Pattern: "/password", Perm: web.Authed, Handler: h.passwordPage},
		{Method: "POST", Pattern: "/password", Perm: web.Authed, Handler: h.passwordForm},
		{Method: "GET", Pattern: "/admin/accounts", Perm: web.Accounts, Handler: h.accountsPage},
		{Method: "POST", Pattern: "/admin/accounts", Perm: web.Accounts, Handler: h.createForm},
		{Method: "POST", Pattern: "/admin/accounts/{id}/reset", Perm: web.Accounts, Handler: h.resetForm},
		{Method: "GET", Pattern: "/admin/security", Perm: web.Security, Handler: h.securityPage},
		{Method: "POST", Pattern: "/admin/security/{id}", Perm: web.Security, Handler: h.roleForm},

		{Method: "POST", Pattern: "/api/v1/auth/login", Perm: web.Public, Handler: h.apiLogin, Doc: &web.Doc{Tag: tag, Summary: "登录，取得 Bearer 令牌",
			Body: loginBody{Username: "shiju", Password: "…", OTP: "123456"}, Reply: map[string]string{"token": "…"}}},
		{Method: "POST", Pattern: "/api/v1/auth/logout", Perm: web.Authed, Handler: h.apiLogout, Doc: &web.Doc{Tag: tag, Summary: "注销当前令牌"}},
		{Method: "POST", Pattern: "/api/v1/auth/password", Perm: web.Authed, Handler: h.apiPassword, Doc: &web.Doc{Tag: tag, Summary: "修改本人密码",
			Body: map[string]string{"old_password": "…", "password": "…"}}},
		{Method: "GET", Pattern: "/api/v1/me", Perm: web.Authed, Handler: h.apiMe, Doc: &web.Doc{Tag: tag, Summary: "当前用户与角色"}},
		{Method: "GET", Pattern: "/api/v1/accounts", Perm: web.Accounts, Handler: h.apiAccounts, Doc: &web.Doc{Tag: tag, Summary: "账号列表（系统管理员）"}},
		{Method: "POST", Pattern: "/api/v1/accounts", Perm: web.Accounts, Handler: h.apiCreate, Doc: &web.Doc{Tag: tag, Summary: "创建账号（系统管理员）",
			Body: accountBody{Username: "zhangsan", Role: "orgadmin", OrgID: 3, Password: "…"}}},
		{Method: "PUT", Pattern: "/api/v1/accounts/{id}/role", Perm: web.Security, Handler: h.apiRole, Doc: &web.Doc{Tag: tag, Summary: "调整角色与管辖范围（安全保密管理员）",
			Body: roleBody{Role: "leader", OrgID: 3}}},
	}...)
}

func (h *handlers) loginPage(w http.ResponseWriter, r *http.Request) {
	h.Web.Render(w, r, h.login, map[string]string{"Next": safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps redirects on this site.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func (h *handlers) loginError(err error) error {
	switch {
	case errors.Is(err, auth.ErrThrottled):
		return &web.Error{Status: http.StatusTooManyRequests, Code: "throttled", Message: err.Error()}
	case errors.Is(err, auth.ErrBadLogin), errors.Is(err, auth.ErrExpired):
		return &web.Error{Status: http.StatusUnauthorized, Code: "bad_login", Message: err.Error()}
	}
	var oe *auth.OTPError
	if errors.As(err, &oe) {
		return &web.Error{Status: http.StatusUnauthorized, Code: "otp_required", Field: "otp", Message: err.Error()}
	}
	return err
}

func (h *handlers) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.FormValue("next"))
	token, err := h.Auth.Login(r.Context(), r.FormValue("username"), r.FormValue("password"), h.Web.ClientIP(r), "web")
	var oe *auth.OTPError
	if errors.As(err, &oe) && oe.Pending != "" { // password right: the code on a second page
		h.Web.Render(w, r, h.loginOTP, otpView{Pending: oe.Pending, Next: next})
		return
	}
	if err != nil {
		h.Web.RenderStatus(w, r, 0, h.login, map[string]string{"Next": next, "Username": r.FormValue("username")}, h.loginError(err))
		return
	}
	web.SetSessionCookie(w, r, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handlers) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.Auth.Logout(r.Context(), web.Principal(r)); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	web.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (h *handlers) passwordPage(w http.ResponseWriter, r *http.Request) {
	h.Web.Render(w, r, h.password, nil)
}

func (h *handlers) passwordForm(w http.ResponseWriter, r *http.Request) {
	p := web.Principal(r)
	if r.FormValue("password") != r.FormValue("password2") {
		h.Web.RenderStatus(w, r, 0, h.password, nil, web.BadRequest("password2", "两次输入的新密码不一致"))
		return
	}
	old := r.FormValue("old_password")
	if err := h.Auth.SetPassword(r.Context(), p.AccountID, &old, r.FormValue("password")); err != nil {
		h.Web.RenderStatus(w, r, 0, h.password, nil, inputErr(err))
		return
	}
	web.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login?ok="+urlq("密码已修改，请用新密码登录"), http.StatusSeeOther)
}

func inputErr(err error) error {
	var ie *auth.ErrInput
	if errors.As(err, &ie) {
		return web.BadRequest(ie.Field, ie.Message)
	}
	return err
}

type accountsView struct {
	Accounts []auth.Account
	Orgs     []orgOption
	Roles    []auth.Role
}

type orgOption struct {
	ID   int64
	Name string
}

func (h *handlers) orgOptions(r *http.Request) ([]orgOption, error) {
	rows, err := h.DB.QueryContext(r.Context(), "SELECT id, name FROM orgs WHERE dissolved_on IS NULL ORDER BY path")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []orgOption
	for rows.Next() {
		var o orgOption
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (h *handlers) accountsView(r *http.Request) (*accountsView, error) {
	accs, err := h.Auth.ListAccounts(r.Context())
	if err != nil {
		return nil, err
	}
	// A bureau has hundreds of accounts: the list filters by name, role or organisation.
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		kept := accs[:0]
		for _, a := range accs {
			if strings.Contains(a.Username, strings.ToLower(q)) || strings.Contains(a.DisplayName, q) || strings.Contains(a.RoleLabel, q) || strings.Contains(a.OrgName, q) {
				kept = append(kept, a)
			}
		}
		accs = kept
	}
	orgs, err := h.orgOptions(r)
	if err != nil {
		return nil, err
	}
	return &accountsView{Accounts: accs, Orgs: orgs, Roles: auth.Roles}, nil
}

func (h *handlers) accountsPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.accountsView(r)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	h.Web.Render(w, r, h.accounts, v)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return id
}

// threeRoles refuses the 三员 roles on the web: they are made with the CLI.
func threeRoles(role auth.Role) error {
	if role == auth.SysAdmin || role == auth.SecAdmin || role == auth.Auditor {
		return web.Invalid("role", "三员角色（系统管理员、安全保密管理员、安全审计员）只能通过命令行 hongdun user 设立")
	}
	return nil
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) {
	err := threeRoles(auth.Role(r.FormValue("role")))
	if err == nil {
		_, err = h.Auth.CreateAccount(r.Context(), auth.NewAccount{Username: r.FormValue("username"), DisplayName: r.FormValue("display_name"),
			Role: auth.Role(r.FormValue("role")), OrgID: formID(r, "org_id"), PersonID: formID(r, "person_id"), Password: r.FormValue("password")})
	}
	if err != nil {
		v, verr := h.accountsView(r)
		if verr != nil {
			h.Web.Fail(w, r, verr)
			return
		}
		h.Web.RenderStatus(w, r, 0, h.accounts, v, inputErr(err))
		return
	}
	http.Redirect(w, r, "/admin/accounts?ok="+urlq("账号已创建"), http.StatusSeeOther)
}

func (h *handlers) resetForm(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.Auth.SetPassword(r.Context(), id, nil, r.FormValue("password")); err != nil {
		if db.IsNoRows(err) {
			err = web.NotFound()
		}
		v, verr := h.accountsView(r)
		if verr != nil {
			h.Web.Fail(w, r, verr)
			return
		}
		h.Web.RenderStatus(w, r, 0, h.accounts, v, inputErr(err))
		return
	}
	http.Redirect(w, r, "/admin/accounts?ok="+urlq("密码已重置"), http.StatusSeeOther)
}

func (h *handlers) securityPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.accountsView(r)
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	h.Web.Render(w, r, h.security, map[string]any{"V": v, "Policy": h.Auth.Policy})
}

// setRole changes an account's role and scope. Nobody changes their own
// role, and the three 三员 roles are not handed out here: they are made with
// `hongdun user`, so no administrator can grow their own powers.
func (h *handlers) setRole(r *http.Request, id int64, role auth.Role, orgID int64) error {
	p := web.Principal(r)
	if id == p.AccountID {
		return web.Invalid("role", "不能调整自己的角色")
	}
	if !role.Valid() {
		return web.BadRequest("role", "角色无效")
	}
	if err := threeRoles(role); err != nil {
		return err
	}
	if role.Scoped() && orgID == 0 {
		return web.BadRequest("org_id", "党务管理员和领导须指定管辖的组织")
	}
	if !role.Scoped() {
		orgID = 0
	}
	return h.DB.InTx(r.Context(), func(tx *db.Tx) error {
		var oldRole string
		var oldOrg *int64
		var personID *int64
		err := tx.QueryRowContext(r.Context(), "SELECT role, org_id, person_id FROM accounts WHERE id = ?", id).Scan(&oldRole, &oldOrg, &personID)
		if db.IsNoRows(err) {
			return web.NotFound()
		}
		if err != nil {
			return err
		}
		if oldRole == string(auth.SysAdmin) || oldRole == string(auth.SecAdmin) || oldRole == string(auth.Auditor) {
			return web.Invalid("role", "三员账号的角色不能在此调整")
		}
		if role == auth.Member && personID == nil {
			return web.Invalid("role", "该账号未关联人员，不能设为党员角色")
		}
		if orgID != 0 {
			var n int
			if err := tx.QueryRowContext(r.Context(), "SELECT COUNT(*) FROM orgs WHERE id = ?", orgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return web.BadRequest("org_id", "组织不存在")
			}
		}
		var org any
		if orgID != 0 {
			org = orgID
		}
		if _, err := tx.ExecContext(r.Context(), "UPDATE accounts SET role = ?, org_id = ?, updated_at = ? WHERE id = ?", string(role), org, h.Now().UnixMilli(), id); err != nil {
			return err
		}
		// A changed role takes effect at the next login.
		if _, err := tx.ExecContext(r.Context(), "DELETE FROM sessions WHERE account_id = ?", id); err != nil {
			return err
		}
		return h.Audit.Write(r.Context(), tx, audit.Event{Action: "account.role", ObjectType: "account", ObjectID: strconv.FormatInt(id, 10),
			Detail: audit.Change{Before: map[string]any{"role": oldRole, "org_id": oldOrg}, After: map[string]any{"role": role, "org_id": orgID}}})
	})
}

func (h *handlers) roleForm(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.setRole(r, id, auth.Role(r.FormValue("role")), formID(r, "org_id")); err != nil {
		v, verr := h.accountsView(r)
		if verr != nil {
			h.Web.Fail(w, r, verr)
			return
		}
		h.Web.RenderStatus(w, r, 0, h.security, map[string]any{"V": v, "Policy": h.Auth.Policy}, err)
		return
	}
	http.Redirect(w, r, "/admin/security?ok="+urlq("角色已调整"), http.StatusSeeOther)
}
