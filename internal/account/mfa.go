package account

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

// mfaRoutes are the second-factor (TOTP) routes: enrolment and removal by
// the account holder, the code step of a web login, and the 系统管理员's reset.
func (h *handlers) mfaRoutes() []web.Route {
	tag := "账号与登录"
	return []web.Route{
		{Method: "POST", Pattern: "/login/otp", Perm: web.Public, Handler: h.otpForm},
		{Method: "GET", Pattern: "/mfa", Perm: web.Authed, Handler: h.mfaPage},
		{Method: "POST", Pattern: "/mfa", Perm: web.Authed, Handler: h.mfaEnableForm},
		{Method: "POST", Pattern: "/mfa/disable", Perm: web.Authed, Handler: h.mfaDisableForm},
		{Method: "POST", Pattern: "/admin/accounts/{id}/mfa/reset", Perm: web.Accounts, Handler: h.mfaResetForm},

		{Method: "GET", Pattern: "/api/v1/auth/mfa", Perm: web.Authed, Handler: h.apiMFA, Doc: &web.Doc{Tag: tag,
			Summary: "本人动态口令状态；未启用时给出新的绑定密钥（不保存，确认后才生效）",
			Reply:   mfaReply{Enrolment: &auth.Enrolment{Secret: "JBSWY3DPEHPK3PXP…", URI: "otpauth://totp/…", Token: "…"}}}},
		{Method: "POST", Pattern: "/api/v1/auth/mfa", Perm: web.Authed, Handler: web.Done(http.StatusOK, h.enableOTP), Doc: &web.Doc{Tag: tag,
			Summary: "以当前动态口令确认绑定，启用双因素认证", Body: enableBody{Enrol: "…", Code: "123456"}}},
		{Method: "POST", Pattern: "/api/v1/auth/mfa/disable", Perm: web.Authed, Handler: web.Done(http.StatusOK, h.disableOTP), Doc: &web.Doc{Tag: tag,
			Summary: "以当前动态口令停用本人的双因素认证", Body: codeBody{Code: "123456"}}},
		{Method: "POST", Pattern: "/api/v1/accounts/{id}/mfa/reset", Perm: web.Accounts, Handler: h.apiMFAReset, Doc: &web.Doc{Tag: tag,
			Summary: "重置他人的动态口令（系统管理员；不能重置本人，三员账号只能在服务器上用命令行重置）"}},
	}
}

// mfaErr maps second-factor errors to answers.
func mfaErr(err error) error {
	switch {
	case errors.Is(err, auth.ErrBadLogin):
		return &web.Error{Status: http.StatusUnauthorized, Code: "bad_login", Message: err.Error()}
	case db.IsNoRows(err):
		return fail.NotFound()
	}
	return err
}

type otpView struct {
	Pending, Next string
}

func (h *handlers) otpForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.FormValue("next"))
	token, err := h.Auth.CompleteLogin(r.Context(), r.FormValue("pending"), r.FormValue("code"), h.Web.ClientIP(r))
	var oe *auth.OTPError
	switch {
	case errors.As(err, &oe):
		return h.Web.RenderStatus(w, r, 0, h.loginOTP, otpView{Pending: r.FormValue("pending"), Next: next}, h.loginError(err))
	case err != nil:
		return h.Web.RenderStatus(w, r, 0, h.login, map[string]string{"Next": next}, h.loginError(err))
	}
	if err := h.Web.StartSession(w, r, token); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type mfaView struct {
	Enabled   bool
	Required  bool
	Enrolment auth.Enrolment
	Grouped   string       // the secret in groups of four, to type by hand
	QR        template.URL // PNG data URI of the otpauth URI
}

func (h *handlers) mfaView(r *http.Request) (*mfaView, error) {
	p := web.Principal(r)
	v := &mfaView{Enabled: p.OTPEnabled, Required: h.Auth.Policy.RequiresOTP(p.Role)}
	if v.Enabled {
		return v, nil
	}
	v.Enrolment = h.Auth.NewEnrolment(p)
	png, err := qrcode.Encode(v.Enrolment.URI, qrcode.Medium, 240)
	if err != nil {
		return nil, err
	}
	v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	var groups []string
	for s := v.Enrolment.Secret; s != ""; {
		n := min(4, len(s))
		groups, s = append(groups, s[:n]), s[n:]
	}
	v.Grouped = strings.Join(groups, " ")
	return v, nil
}

func (h *handlers) renderMFA(w http.ResponseWriter, r *http.Request, err error) error {
	v, verr := h.mfaView(r)
	if verr != nil {
		return verr
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, h.mfa, v, err) // err, if any, sets the status
}

func (h *handlers) mfaPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderMFA(w, r, nil)
}

func (h *handlers) mfaEnableForm(w http.ResponseWriter, r *http.Request) error {
	if err := h.Auth.EnableOTP(r.Context(), web.Principal(r), r.FormValue("enrol"), r.FormValue("code")); err != nil {
		return h.renderMFA(w, r, mfaErr(err))
	}
	return web.SeeOther(w, r, "/mfa", "双因素认证已启用，下次登录时需输入动态口令")
}

func (h *handlers) mfaDisableForm(w http.ResponseWriter, r *http.Request) error {
	err := h.Auth.DisableOTP(r.Context(), web.Principal(r), r.FormValue("code"))
	if errors.Is(err, auth.ErrBadLogin) {
		return h.lockedOut(w, r, err)
	}
	if err != nil {
		return h.renderMFA(w, r, mfaErr(err))
	}
	return web.SeeOther(w, r, "/mfa", "双因素认证已停用")
}

// resetOTP resets another account's second factor; one's own needs a code
// and goes through DisableOTP instead, a 三员's the command line.
func (h *handlers) resetOTP(r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return mfaErr(h.Auth.AdminResetOTP(r.Context(), web.Principal(r), id))
}

func (h *handlers) mfaResetForm(w http.ResponseWriter, r *http.Request) error {
	if err := h.resetOTP(r); err != nil {
		v, verr := h.accountsView(r)
		if verr != nil {
			return verr
		}
		return h.Web.RenderStatus(w, r, 0, h.accounts, v, err)
	}
	return web.SeeOther(w, r, "/admin/accounts", "动态口令已重置，该账号可重新绑定")
}

type mfaReply struct {
	Enabled   bool            `json:"enabled"`
	Required  bool            `json:"required"`
	Enrolment *auth.Enrolment `json:"enrolment,omitempty"`
}

func (h *handlers) apiMFA(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	out := mfaReply{Enabled: p.OTPEnabled, Required: h.Auth.Policy.RequiresOTP(p.Role)}
	if !out.Enabled {
		e := h.Auth.NewEnrolment(p)
		out.Enrolment = &e
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

type enableBody struct {
	Enrol string `json:"enrol"`
	Code  string `json:"code"`
}

func (h *handlers) enableOTP(ctx context.Context, p *auth.Principal, b enableBody) error {
	return mfaErr(h.Auth.EnableOTP(ctx, p, b.Enrol, b.Code))
}

type codeBody struct {
	Code string `json:"code"`
}

func (h *handlers) disableOTP(ctx context.Context, p *auth.Principal, b codeBody) error {
	return mfaErr(h.Auth.DisableOTP(ctx, p, b.Code))
}

func (h *handlers) apiMFAReset(w http.ResponseWriter, r *http.Request) error {
	if err := h.resetOTP(r); err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}
