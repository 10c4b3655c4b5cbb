// Package account serves login, logout, password changes, the system
// administrator's account pages and the security administrator's role page.
package account

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
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
		{Method: "GET", Pattern: "/admin/accounts.xlsx", Perm: web.Accounts, Handler: h.accountsExport},
		{Method: "POST", Pattern: "/admin/accounts/{id}/reset", Perm: web.Accounts, Handler: h.resetForm},
		{Method: "GET", Pattern: "/admin/security", Perm: web.Security, Handler: h.securityPage},
		{Method: "POST", Pattern: "/admin/security/{id}", Perm: web.Security, Handler: h.roleForm},
		{Method: "POST", Pattern: "/admin/security/requests/{id}/approve", Perm: web.Security, Handler: h.approveForm},
		{Method: "POST", Pattern: "/admin/security/requests/{id}/refuse", Perm: web.Security, Handler: h.refuseForm},

		{Method: "POST", Pattern: "/api/v1/auth/login", Perm: web.Public, Handler: h.apiLogin, Doc: &web.Doc{Tag: tag, Summary: "登录，取得 Bearer 令牌",
			Body: loginBody{Username: "shiju", Password: "…", OTP: "123456"}, Reply: map[string]string{"token": "…"}}},
		{Method: "POST", Pattern: "/api/v1/auth/logout", Perm: web.Authed, Handler: h.apiLogout, Doc: &web.Doc{Tag: tag, Summary: "注销当前令牌"}},
		{Method: "POST", Pattern: "/api/v1/auth/password", Perm: web.Authed, Handler: web.Done(http.StatusOK, h.setPassword), Doc: &web.Doc{Tag: tag, Summary: "修改本人密码",
			Body: map[string]string{"old_password": "…", "password": "…"}}},
		{Method: "GET", Pattern: "/api/v1/me", Perm: web.Authed, Handler: h.apiMe, Doc: &web.Doc{Tag: tag, Summary: "当前用户与角色"}},
		{Method: "GET", Pattern: "/api/v1/accounts", Perm: web.Accounts, Handler: h.apiAccounts, Doc: &web.Doc{Tag: tag, Summary: "账号列表（系统管理员）"}},
		{Method: "POST", Pattern: "/api/v1/accounts", Perm: web.Accounts, Handler: h.apiCreate, Doc: &web.Doc{Tag: tag,
			Summary: "新建账号并申请角色（系统管理员）：账号在安全保密管理员批准前没有任何权限、不能登录；初始密码为一次性密码",
			Body:    accountBody{Username: "zhangsan", DisplayName: "张三", Role: "orgadmin", OrgID: 3, Password: "…", Reason: "新任党务干事"},
			Reply:   createReply{ID: 12, RequestID: 5, Status: auth.RequestPending}}},
		{Method: "POST", Pattern: "/api/v1/accounts/{id}/password", Perm: web.Accounts, Handler: h.apiReset, Doc: &web.Doc{Tag: tag,
			Summary: "重置他人密码为一次性密码（系统管理员；三员账号只能在服务器上用命令行重置）", Body: resetBody{Password: "…"}}},
		{Method: "PUT", Pattern: "/api/v1/accounts/{id}/role", Perm: web.Security, Handler: h.apiRole, Doc: &web.Doc{Tag: tag,
			Summary: "直接授予或调整角色与管辖范围（安全保密管理员；不能授予三员角色，不能调整自己）", Body: roleBody{Role: "leader", OrgID: 3}}},
		{Method: "GET", Pattern: "/api/v1/role-requests", Perm: web.Security, Handler: h.apiRequests, Doc: &web.Doc{Tag: tag,
			Summary: "授权申请：待审批的在前，其后为最近处理过的（安全保密管理员）", Reply: map[string]any{"items": []auth.RoleRequest{}, "pending": 1}}},
		{Method: "POST", Pattern: "/api/v1/role-requests/{id}/approve", Perm: web.Security, Handler: h.apiApprove, Doc: &web.Doc{Tag: tag,
			Summary: "批准授权申请，授予所申请的角色与管辖范围（安全保密管理员；申请人本人不能审批）", Body: decideBody{Note: "同意"}}},
		{Method: "POST", Pattern: "/api/v1/role-requests/{id}/refuse", Perm: web.Security, Handler: h.apiRefuse, Doc: &web.Doc{Tag: tag,
			Summary: "拒绝授权申请，账号仍无任何权限（安全保密管理员）", Body: decideBody{Note: "管辖范围过大"}}},
	}...)
}

func (h *handlers) loginPage(w http.ResponseWriter, r *http.Request) error {
	return h.Web.Render(w, r, h.login, map[string]string{"Next": safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps redirects on this site: only a path of this site (with its
// query), as the login redirect writes it (escaped), is kept; anything else
// is the home page. Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/\t/evil.example/" or "/\evil" would leave the
// site: no control character, space, backslash or non-ASCII byte is
// accepted anywhere, nor a second leading slash; once unescaped, still no
// control character nor second leading slash.
func safeNext(n string) string {
	if !sitePath(n) {
		return "/"
	}
	// Escaped, the same tricks must not appear either (a query may hold
	// escaped Chinese or spaces).
	dec, err := url.PathUnescape(n)
	if err != nil || len(dec) > 1 && (dec[1] == '/' || dec[1] == '\\') || strings.ContainsFunc(dec, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(n)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return n
}

// sitePath reports whether s is printable ASCII without backslashes that
// starts with exactly one slash.
func sitePath(s string) bool {
	if len(s) == 0 || len(s) > 2048 || s[0] != '/' || len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// lockedOut answers a check that locked the account and ended its
// sessions (a wrong current password or code): the login page.
func (h *handlers) lockedOut(w http.ResponseWriter, r *http.Request, err error) error {
	web.ClearSessionCookie(w, r)
	return h.Web.RenderStatus(w, r, 0, h.login, map[string]string{"Next": "/"}, h.loginError(err))
}

func (h *handlers) loginError(err error) error {
	switch {
	case errors.Is(err, auth.ErrThrottled):
		return &web.Error{Status: http.StatusTooManyRequests, Code: "throttled", Message: err.Error()}
	case errors.Is(err, auth.ErrBadLogin), errors.Is(err, auth.ErrExpired):
		return &web.Error{Status: http.StatusUnauthorized, Code: "bad_login", Message: err.Error()}
	case errors.Is(err, auth.ErrNotGranted):
		return &web.Error{Status: http.StatusForbidden, Code: "not_granted", Message: err.Error()}
	}
	var oe *auth.OTPError
	if errors.As(err, &oe) {
		return &web.Error{Status: http.StatusUnauthorized, Code: "otp_required", Field: "otp", Message: err.Error()}
	}
	return err
}

func (h *handlers) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.FormValue("next"))
	token, err := h.Auth.Login(r.Context(), r.FormValue("username"), r.FormValue("password"), h.Web.ClientIP(r), "web")
	var oe *auth.OTPError
	if errors.As(err, &oe) && oe.Pending != "" { // password right: the code on a second page
		return h.Web.Render(w, r, h.loginOTP, otpView{Pending: oe.Pending, Next: next})
	}
	if err != nil {
		return h.Web.RenderStatus(w, r, 0, h.login, map[string]string{"Next": next, "Username": r.FormValue("username")}, h.loginError(err))
	}
	if err := h.Web.StartSession(w, r, token); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Auth.Logout(r.Context(), web.Principal(r)); err != nil {
		return err
	}
	web.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (h *handlers) passwordPage(w http.ResponseWriter, r *http.Request) error {
	return h.Web.Render(w, r, h.password, nil)
}

func (h *handlers) passwordForm(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	if r.FormValue("password") != r.FormValue("password2") {
		return h.Web.RenderStatus(w, r, 0, h.password, nil, fail.Malformed("password2", "两次输入的新密码不一致"))
	}
	old := r.FormValue("old_password")
	err := h.Auth.SetPassword(r.Context(), p.AccountID, &old, r.FormValue("password"))
	if errors.Is(err, auth.ErrBadLogin) {
		return h.lockedOut(w, r, err)
	}
	if err != nil {
		return h.Web.RenderStatus(w, r, 0, h.password, nil, err)
	}
	web.ClearSessionCookie(w, r)
	return web.SeeOther(w, r, "/login", "密码已修改，请用新密码登录")
}

type accountsView struct {
	Accounts []auth.Account
	Pager    web.Pager
	Pending  []auth.Account // accounts whose role is not granted yet
	Orgs     *web.PickList  // read once for the pickers of every row
	Roles    []auth.Role    // the business roles the web can ask for and grant
}

// businessRoles are the roles handed out on the web: never the 三员.
func businessRoles() []auth.Role {
	var out []auth.Role
	for _, r := range auth.Roles {
		if !r.ThreeAdmin() {
			out = append(out, r)
		}
	}
	return out
}

// matching are the accounts the list's filter q keeps (by user name, name,
// role or organisation), in the order they were made.
func (h *handlers) matching(r *http.Request) ([]auth.Account, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return nil, pg, err
	}
	accs, err := h.Auth.ListAccounts(r.Context())
	if err != nil {
		return nil, pg, err
	}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		kept := accs[:0]
		for _, a := range accs {
			if strings.Contains(a.Username, strings.ToLower(q)) || strings.Contains(a.DisplayName, q) || strings.Contains(a.RoleLabel, q) || strings.Contains(a.OrgName, q) {
				kept = append(kept, a)
			}
		}
		accs = kept
	}
	pg.Total = len(accs)
	return accs, pg, nil
}

// page is the part of accs the pager shows.
func page(accs []auth.Account, pg web.Pager) []auth.Account {
	return accs[min(pg.Offset(), len(accs)):min(pg.Offset()+pg.PerPage, len(accs))]
}

func (h *handlers) accountsView(r *http.Request) (*accountsView, error) {
	accs, pg, err := h.matching(r)
	if err != nil {
		return nil, err
	}
	orgs, err := org.Options(r.Context(), h.DB, scope.All()) // accounts may be bound to any organisation
	if err != nil {
		return nil, err
	}
	pl, err := web.NewPickList(orgs)
	if err != nil {
		return nil, err
	}
	v := &accountsView{Accounts: page(accs, pg), Pager: pg, Orgs: pl, Roles: businessRoles()}
	for _, a := range accs {
		if !a.Granted {
			v.Pending = append(v.Pending, a)
		}
	}
	return v, nil
}

// accountsExport is the filtered list of accounts as a spreadsheet: what
// the 系统管理员 keeps on paper of who may log in (audited).
func (h *handlers) accountsExport(w http.ResponseWriter, r *http.Request) error {
	accs, pg, err := h.matching(r)
	if err != nil {
		return err
	}
	sheet := cellsafe.Sheet{Name: "账号", Title: "账号列表", Header: []any{"用户名", "姓名", "角色", "管辖组织", "状态", "动态口令", "一次性密码"}}
	for _, a := range accs {
		sheet.Rows = append(sheet.Rows, []any{a.Username, a.DisplayName, a.RoleLabel, a.OrgName, a.StateLabel(), choice.YesNo(a.OTPEnabled), choice.YesNo(a.OneTime)})
	}
	return h.SendList(w, r, "账号列表.xlsx", audit.Event{Action: "account.export", ObjectType: "account"}, pg, sheet)
}

func (h *handlers) accountsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.accountsView(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, h.accounts, v)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return id
}

// grantErr answers an unknown account or request with 404.
func grantErr(err error) error {
	if db.IsNoRows(err) {
		return fail.NotFound()
	}
	return err
}

// newAccount reads the 系统管理员's new-account form: the role, organisation
// and person are what is asked of the 安全保密管理员, not granted.
func newAccount(r *http.Request) auth.NewAccount {
	return auth.NewAccount{Username: r.FormValue("username"), DisplayName: r.FormValue("display_name"),
		Role: auth.Role(r.FormValue("role")), OrgID: formID(r, "org_id"), PersonID: formID(r, "person_id"), Password: r.FormValue("password")}
}

func (h *handlers) renderAccounts(w http.ResponseWriter, r *http.Request, err error) error {
	v, verr := h.accountsView(r)
	if verr != nil {
		return verr
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, h.accounts, v, err) // err, if any, sets the status
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := h.Auth.RequestAccount(r.Context(), web.Principal(r), newAccount(r), r.FormValue("reason")); err != nil {
		return h.renderAccounts(w, r, grantErr(err))
	}
	return web.SeeOther(w, r, "/admin/accounts", "账号已创建，待安全保密管理员审批授权后方可登录；初始密码为一次性密码，首次登录须修改")
}

func (h *handlers) resetForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = grantErr(h.Auth.ResetPassword(r.Context(), web.Principal(r), id, r.FormValue("password")))
	}
	if err != nil {
		return h.renderAccounts(w, r, err)
	}
	return web.SeeOther(w, r, "/admin/accounts", "密码已重置为一次性密码；该账号的授权已暂停，待安全保密管理员审批恢复后方可登录，登录时须先修改密码")
}

type securityView struct {
	V        *accountsView
	Policy   auth.Policy
	Requests []auth.RoleRequest
	Waiting  int // pending requests
}

func (h *handlers) securityView(r *http.Request) (*securityView, error) {
	v, err := h.accountsView(r)
	if err != nil {
		return nil, err
	}
	reqs, err := h.Auth.RoleRequests(r.Context(), 20)
	if err != nil {
		return nil, err
	}
	sv := &securityView{V: v, Policy: h.Auth.Policy, Requests: reqs}
	for _, q := range reqs {
		if q.Status == auth.RequestPending {
			sv.Waiting++
		}
	}
	return sv, nil
}

func (h *handlers) renderSecurity(w http.ResponseWriter, r *http.Request, err error) error {
	v, verr := h.securityView(r)
	if verr != nil {
		return verr
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, h.security, v, err) // err, if any, sets the status
}

func (h *handlers) securityPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderSecurity(w, r, nil)
}

func (h *handlers) roleForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = grantErr(h.Auth.GrantRole(r.Context(), web.Principal(r), id, auth.Role(r.FormValue("role")), formID(r, "org_id")))
	}
	if err != nil {
		return h.renderSecurity(w, r, err)
	}
	return web.SeeOther(w, r, "/admin/security", "角色已授予或调整，该账号须重新登录")
}

func (h *handlers) decideForm(w http.ResponseWriter, r *http.Request, approve bool) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = grantErr(h.Auth.DecideRequest(r.Context(), web.Principal(r), id, approve, r.FormValue("note")))
	}
	if err != nil {
		return h.renderSecurity(w, r, err)
	}
	msg := "已批准，所申请的角色与管辖范围已授予"
	if !approve {
		msg = "已拒绝该申请，账号仍无任何权限"
	}
	return web.SeeOther(w, r, "/admin/security", msg)
}

func (h *handlers) approveForm(w http.ResponseWriter, r *http.Request) error {
	return h.decideForm(w, r, true)
}

func (h *handlers) refuseForm(w http.ResponseWriter, r *http.Request) error {
	return h.decideForm(w, r, false)
}
