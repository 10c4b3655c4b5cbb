package account

import (
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
)

func urlq(s string) string { return url.QueryEscape(s) }

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp,omitempty"` // when the account has a second factor
}

func (h *handlers) apiLogin(w http.ResponseWriter, r *http.Request) {
	var b loginBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	token, err := h.Auth.LoginOTP(r.Context(), b.Username, b.Password, b.OTP, h.Web.ClientIP(r), "api")
	if err != nil {
		h.Web.Fail(w, r, h.loginError(err))
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"token": token})
}

func (h *handlers) apiLogout(w http.ResponseWriter, r *http.Request) {
	if err := h.Auth.Logout(r.Context(), web.Principal(r)); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
}

type passwordBody struct {
	OldPassword string `json:"old_password"`
	Password    string `json:"password"`
}

func (h *handlers) apiPassword(w http.ResponseWriter, r *http.Request) {
	var b passwordBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	if err := h.Auth.SetPassword(r.Context(), web.Principal(r).AccountID, &b.OldPassword, b.Password); err != nil {
		h.Web.Fail(w, r, inputErr(err))
		return
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (h *handlers) apiMe(w http.ResponseWriter, r *http.Request) {
	p := web.Principal(r)
	web.JSON(w, http.StatusOK, map[string]any{"id": p.AccountID, "username": p.Username, "display_name": p.DisplayName,
		"role": p.Role, "role_label": p.Role.Label(), "org_id": p.OrgID, "person_id": p.PersonID})
}

func (h *handlers) apiAccounts(w http.ResponseWriter, r *http.Request) {
	accs, err := h.Auth.ListAccounts(r.Context())
	if err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": accs, "total": len(accs)})
}

type accountBody struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	OrgID       int64  `json:"org_id"`
	PersonID    int64  `json:"person_id"`
	Password    string `json:"password"`
}

func (h *handlers) apiCreate(w http.ResponseWriter, r *http.Request) {
	var b accountBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	if err := threeRoles(auth.Role(b.Role)); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	id, err := h.Auth.CreateAccount(r.Context(), auth.NewAccount{Username: b.Username, DisplayName: b.DisplayName, Role: auth.Role(b.Role),
		OrgID: b.OrgID, PersonID: b.PersonID, Password: b.Password})
	if err != nil {
		h.Web.Fail(w, r, inputErr(err))
		return
	}
	web.JSON(w, http.StatusCreated, map[string]int64{"id": id})
}

type roleBody struct {
	Role  string `json:"role"`
	OrgID int64  `json:"org_id"`
}

func (h *handlers) apiRole(w http.ResponseWriter, r *http.Request) {
	var b roleBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.setRole(r, id, auth.Role(b.Role), b.OrgID); err != nil {
		h.Web.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
}
