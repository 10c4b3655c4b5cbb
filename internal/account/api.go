package account

import (
	"context"
	"net/http"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
)

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp,omitempty"` // when the account has a second factor
}

func (h *handlers) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var b loginBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	token, err := h.Auth.LoginOTP(r.Context(), b.Username, b.Password, b.OTP, h.Web.ClientIP(r), "api")
	if err != nil {
		return h.loginError(err)
	}
	web.JSON(w, http.StatusOK, map[string]string{"token": token})
	return nil
}

func (h *handlers) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Auth.Logout(r.Context(), web.Principal(r)); err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

type passwordBody struct {
	OldPassword string `json:"old_password"`
	Password    string `json:"password"`
}

func (h *handlers) setPassword(ctx context.Context, p *auth.Principal, b passwordBody) error {
	return h.loginError(h.Auth.SetPassword(ctx, p.AccountID, &b.OldPassword, b.Password))
}

func (h *handlers) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	web.JSON(w, http.StatusOK, map[string]any{"id": p.AccountID, "username": p.Username, "display_name": p.DisplayName,
		"role": p.Role, "role_label": p.Role.Label(), "org_id": p.OrgID, "person_id": p.PersonID})
	return nil
}

func (h *handlers) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	accs, pg, err := h.matching(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": page(accs, pg), "total": pg.Total})
	return nil
}

type accountBody struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`      // asked for, granted by the 安全保密管理员
	OrgID       int64  `json:"org_id"`    // asked for with 党务管理员 and 领导
	PersonID    int64  `json:"person_id"` // asked for with 党员
	Password    string `json:"password"`  // one-time: changed at the first login
	Reason      string `json:"reason,omitempty"`
}

type createReply struct {
	ID        int64  `json:"id"`
	RequestID int64  `json:"request_id"`
	Status    string `json:"status"`
}

func (h *handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var b accountBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	id, req, err := h.Auth.RequestAccount(r.Context(), web.Principal(r), auth.NewAccount{Username: b.Username, DisplayName: b.DisplayName,
		Role: auth.Role(b.Role), OrgID: b.OrgID, PersonID: b.PersonID, Password: b.Password}, b.Reason)
	if err != nil {
		return grantErr(err)
	}
	web.JSON(w, http.StatusCreated, createReply{ID: id, RequestID: req, Status: auth.RequestPending})
	return nil
}

type resetBody struct {
	Password string `json:"password"`
}

func (h *handlers) apiReset(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var b resetBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if err := h.Auth.ResetPassword(r.Context(), web.Principal(r), id, b.Password); err != nil {
		return grantErr(err)
	}
	web.JSON(w, http.StatusOK, map[string]any{"ok": true, "one_time": true, "suspended": true})
	return nil
}

type roleBody struct {
	Role  string `json:"role"`
	OrgID int64  `json:"org_id"`
}

func (h *handlers) apiRole(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var b roleBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if err := h.Auth.GrantRole(r.Context(), web.Principal(r), id, auth.Role(b.Role), b.OrgID); err != nil {
		return grantErr(err)
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

func (h *handlers) apiRequests(w http.ResponseWriter, r *http.Request) error {
	reqs, err := h.Auth.RoleRequests(r.Context(), 50)
	if err != nil {
		return err
	}
	pending := 0
	for _, q := range reqs {
		if q.Status == auth.RequestPending {
			pending++
		}
	}
	if reqs == nil {
		reqs = []auth.RoleRequest{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": reqs, "pending": pending})
	return nil
}

type decideBody struct {
	Note string `json:"note"`
}

func (h *handlers) apiDecide(w http.ResponseWriter, r *http.Request, approve bool) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var b decideBody
	// The note is optional: an empty body is an empty note.
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &b); err != nil {
			return err
		}
	}
	if err := h.Auth.DecideRequest(r.Context(), web.Principal(r), id, approve, b.Note); err != nil {
		return grantErr(err)
	}
	status := auth.RequestApproved
	if !approve {
		status = auth.RequestRefused
	}
	web.JSON(w, http.StatusOK, map[string]any{"ok": true, "status": status})
	return nil
}

func (h *handlers) apiApprove(w http.ResponseWriter, r *http.Request) error {
	return h.apiDecide(w, r, true)
}

func (h *handlers) apiRefuse(w http.ResponseWriter, r *http.Request) error {
	return h.apiDecide(w, r, false)
}
