// Package web is the HTTP platform: the route table with a declared
// permission on every route, middleware (security headers, cross-origin
// protection, authentication, scope), rendering and JSON errors.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
)

// Perm is what a route requires. A route without one does not serve.
type Perm string

const (
	Public     Perm = "public"      // no login: login page, health, static files
	Authed     Perm = "authed"      // any account: own page, 待办, password
	PartyRead  Perm = "party.read"  // 党务管理员 and 领导, within their subtree
	PartyView  Perm = "party.view"  // as PartyRead, plus 党员 for their own records
	PartyWrite Perm = "party.write" // 党务管理员 within their subtree
	Accounts   Perm = "accounts"    // 系统管理员
	Security   Perm = "security"    // 安全保密管理员
	AuditRead  Perm = "audit"       // 安全审计员
)

var grants = map[Perm][]auth.Role{
	Authed:     auth.Roles,
	PartyRead:  {auth.OrgAdmin, auth.Leader},
	PartyView:  {auth.OrgAdmin, auth.Leader, auth.Member},
	PartyWrite: {auth.OrgAdmin},
	Accounts:   {auth.SysAdmin},
	Security:   {auth.SecAdmin},
	AuditRead:  {auth.Auditor},
}

// Allows reports whether a role holds a permission.
func Allows(r auth.Role, p Perm) bool {
	for _, g := range grants[p] {
		if g == r {
			return true
		}
	}
	return false
}

// HandlerFunc serves one route. It writes a reply or returns an error; the
// router turns the error into the Chinese error page or the JSON error, so a
// handler never writes a failure itself.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table.
type Route struct {
	Method  string // GET, POST, PUT, PATCH, DELETE
	Pattern string // net/http pattern without the method, e.g. "/api/v1/orgs/{id}"
	Perm    Perm
	Handler HandlerFunc
	// Doc describes API routes for the OpenAPI document.
	Doc *Doc
}

// IsAPI reports whether the route answers JSON.
func (rt Route) IsAPI() bool { return strings.HasPrefix(rt.Pattern, "/api/") }

const sessionCookie = "hd_session"

// Server assembles routes and middleware.
type Server struct {
	Auth   *auth.Service
	Audit  *audit.Log
	Log    *slog.Logger
	Routes []Route
	Nav    []NavGroup
	// Help is the 使用说明 of each page by its route pattern (without the
	// method), one paragraph a line, shown collapsed at the top of the page.
	Help map[string][]string
	// TodoCount is the number of open 待办 of a caller, for the badge on every page.
	TodoCount func(context.Context, *auth.Principal) (int, error)
	// TrustProxy takes the client address from the last X-Forwarded-For
	// entry, the one a reverse proxy adds (hongdun serve --trust-proxy).
	TrustProxy bool
}

//go:embed static
var staticFS embed.FS

// Handler builds the http.Handler. It panics on a route without a permission,
// so such a route can never serve.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/", s.serveAsset)
	for _, rt := range s.Routes {
		if rt.Perm == "" || (rt.Perm != Public && grants[rt.Perm] == nil) {
			panic(fmt.Sprintf("route %s %s has no permission", rt.Method, rt.Pattern))
		}
		mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, fail.NotFound())
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, &Error{Status: http.StatusForbidden, Code: "cross_origin", Message: "拒绝跨站请求：请从本系统页面提交"})
	}))
	// ServeMux answers CONNECT and a request for "*" itself, in English
	// plain text (405, 400); everything the application does not serve is
	// the Chinese 404.
	routed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect || !strings.HasPrefix(r.URL.Path, "/") {
			s.Fail(w, r, fail.NotFound())
			return
		}
		mux.ServeHTTP(w, r)
	})
	return s.recoverer(securityHeaders(cop.Handler(routed)))
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		// Served over TLS, the browser must never come back over plain HTTP
		// (where the session cookie and pages could be read on the way).
		// Behind a proxy that ends TLS, the proxy sends this header.
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.Fail(w, r, asError(fmt.Errorf("panic")))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// ClientIP is the caller's address, for the login throttle, sessions and
// the audit log. With TrustProxy it is the last address of
// X-Forwarded-For: the one the reverse proxy added for the connection it
// received. Anything before it was sent by the client and may be forged,
// so it is never used. Configure the proxy to replace the header
// (nginx: proxy_set_header X-Forwarded-For $remote_addr;) and let only
// the proxy reach the server. Without a usable header the connection's
// own address is used.
func (s *Server) ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if s.TrustProxy {
		if vs := r.Header.Values("X-Forwarded-For"); len(vs) > 0 {
			hops := strings.Split(vs[len(vs)-1], ",")
			if ip, ok := parseHop(hops[len(hops)-1]); ok {
				return ip
			}
		}
	}
	return host
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port.
func parseHop(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	return "", false
}

func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) guard(rt Route) http.Handler {
	api := rt.IsAPI()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ip := s.ClientIP(r)
		ctx := audit.WithActor(r.Context(), audit.Actor{IP: ip})
		if rt.Perm != Public {
			p, err := s.Auth.Authenticate(ctx, bearer(r))
			if err != nil {
				if api || r.Method != http.MethodGet {
					s.Fail(w, r, &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "请先登录"})
				} else {
					http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				}
				return
			}
			ctx = auth.With(audit.WithActor(ctx, audit.Actor{ID: p.AccountID, Name: p.Username, IP: ip}), p)
			if p.MustChange && rt.Pattern != "/password" && rt.Pattern != "/api/v1/auth/password" && rt.Pattern != "/logout" && rt.Pattern != "/api/v1/auth/logout" {
				if api {
					s.Fail(w, r, mustChangeError(p))
				} else {
					http.Redirect(w, r, "/password", http.StatusSeeOther)
				}
				return
			}
			// A role that must use a second factor reaches only enrolment, password and logout until it has one.
			if p.NeedsOTP && !strings.HasPrefix(rt.Pattern, "/mfa") && !strings.HasPrefix(rt.Pattern, "/api/v1/auth/") && rt.Pattern != "/password" && rt.Pattern != "/logout" {
				if api {
					s.Fail(w, r, &Error{Status: http.StatusForbidden, Code: "otp_setup_required", Message: "您的角色须使用双因素认证，请先在“动态口令”页面绑定验证器"})
				} else {
					http.Redirect(w, r, "/mfa", http.StatusSeeOther)
				}
				return
			}
			if !Allows(p.Role, rt.Perm) {
				s.Fail(w, r, fail.Forbidden())
				return
			}
		}
		if err := readable(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		if err := rt.Handler(w, r.WithContext(ctx)); err != nil {
			s.Fail(w, r, err)
		}
		s.Log.Debug("request", "method", r.Method, "path", r.URL.Path, "ms", time.Since(start).Milliseconds())
	})
}

// readable refuses a query or urlencoded form holding what no field may
// hold: bytes that are no UTF-8, or NUL, which PostgreSQL can neither store
// nor compare (the handler's query would fail as a 500). Free text is
// checked further by each validator (plaintext). Multipart forms are read
// by their handlers within their limits; their file names are cleaned.
func readable(r *http.Request) error {
	if err := readableValues(r.URL.Query()); err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" || r.Method == http.MethodGet {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单内容无法读取（编码有误或内容过大），请从本系统页面重新提交")
	}
	return readableValues(r.PostForm)
}

func readableValues(vs url.Values) error {
	check := func(k, v string) error {
		switch {
		case !utf8.ValidString(v):
			return fail.Malformed(k, "提交的内容含有无效的字符编码（应为 UTF-8），请重新输入")
		case strings.IndexByte(v, 0) >= 0:
			return fail.Malformed(k, "提交的内容含有空字符（U+0000），请删除后重新输入")
		}
		return nil
	}
	for k, list := range vs {
		if err := check(k, k); err != nil {
			return err
		}
		for _, v := range list {
			if err := check(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// mustChangeError says why only the password change is open: a one-time
// password (set by someone else at creation or reset) or an expired one.
func mustChangeError(p *auth.Principal) *Error {
	if p.OneTime {
		return &Error{Status: http.StatusForbidden, Code: "password_one_time",
			Message: "当前密码是他人为您设置的一次性密码（新建账号或重置密码），请先修改为只有您本人知道的新密码，再进行其他操作"}
	}
	return &Error{Status: http.StatusForbidden, Code: "password_expired", Message: "密码已超过 90 天未修改，请先修改密码"}
}

// Fail answers with err: JSON for the API, an error page otherwise.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Status >= 500 {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json") {
		JSON(w, e.Status, map[string]any{"error": e})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(e.Status)
	_ = errorPage.Execute(w, e) // the reply has begun: a failed write means the client went away
}

// JSON writes v as JSON.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the reply has begun: a failed write means the client went away
}

// StartSession hands the session token of a login to the browser. A session
// the browser still holds ends first: after a login the earlier id is never
// good again, whoever it belonged to (one browser at a shared desk, or an id
// planted in it).
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, token string) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		p, err := s.Auth.Authenticate(r.Context(), c.Value)
		switch {
		case err == nil:
			if err := s.Auth.Logout(audit.WithActor(r.Context(), audit.Actor{ID: p.AccountID, Name: p.Username, IP: s.ClientIP(r)}), p); err != nil {
				return err
			}
		case !errors.Is(err, auth.ErrExpired):
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	return nil
}

// ClearSessionCookie removes it.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

// Principal returns the caller of r; routes other than Public always have one.
func Principal(r *http.Request) *auth.Principal { return auth.From(r.Context()) }

// Ctx is a shorthand for r.Context().
func Ctx(r *http.Request) context.Context { return r.Context() }
