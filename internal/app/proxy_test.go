package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/app"
	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// Behind a reverse proxy (hongdun serve --trust-proxy) the login throttle,
// sessions and the audit log see the address the proxy forwarded, and a
// client cannot pick another one by sending its own X-Forwarded-For.
// Without the flag the header is ignored.
func TestTrustProxy(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	e.App.Auth.Policy.UsersPerIPMin = 3
	login := func(user, xff string) int {
		req, _ := http.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":"wrong-Pass-2026"}`, user)))
		req.Header.Set("Content-Type", "application/json")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		return e.Anonymous().Send(req, nil)
	}
	ips := func(action string) []string {
		rows, err := e.DB.QueryContext(t.Context(), "SELECT DISTINCT ip FROM audit_log WHERE action = ? ORDER BY ip", action)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var ip string
			rows.Scan(&ip)
			out = append(out, ip)
		}
		return out
	}

	// Not trusted: a client's header changes nothing.
	if st := login("nobody0", "203.0.113.99"); st != 401 {
		t.Fatalf("login: %d", st)
	}
	if got := ips("login.fail"); len(got) != 1 || got[0] != "127.0.0.1" {
		t.Fatalf("without --trust-proxy the audit saw %v", got)
	}

	e.App.Web.TrustProxy = true
	// A client behind the proxy forges a different first entry each time
	// (nginx's $proxy_add_x_forwarded_for keeps it); the proxy's last entry
	// is the same, so the throttle still counts one address.
	for i := 1; i <= 3; i++ {
		if st := login(fmt.Sprintf("nobody%d", i), fmt.Sprintf("10.0.0.%d, 203.0.113.7", i)); st != 401 {
			t.Fatalf("login %d: %d", i, st)
		}
	}
	if st := login("nobody4", "10.0.0.4, 203.0.113.7"); st != 429 {
		t.Fatalf("4th username from one forwarded address: %d %s, want throttled", st, e.Anonymous().Body())
	}
	// Another client behind the same proxy is not throttled with it.
	if st := login("nobody5", "203.0.113.8"); st != 401 {
		t.Fatalf("other client: %d", st)
	}
	if got := ips("login.fail"); strings.Join(got, " ") != "127.0.0.1 203.0.113.7 203.0.113.8" {
		t.Fatalf("audit addresses %v", got)
	}
	if got := ips("login.throttled"); len(got) != 1 || got[0] != "203.0.113.7" {
		t.Fatalf("throttled addresses %v", got)
	}
	// A session records the forwarded address too.
	if _, err := e.App.Auth.CreateAccount(t.Context(), auth.NewAccount{Username: "proxied", Role: auth.SysAdmin, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"proxied","password":"`+apptest.Password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "10.1.1.1, 203.0.113.9")
	if st := e.Anonymous().Send(req, nil); st != 200 {
		t.Fatalf("login through the proxy: %d", st)
	}
	if n := e.Count("SELECT COUNT(*) FROM sessions WHERE ip = '203.0.113.9'"); n != 1 {
		t.Fatalf("sessions from the forwarded address: %d", n)
	}
}

// The server gives slow clients bounded time: headers, the whole request
// (sized for the largest upload), the reply (sized for the largest export).
func TestServerTimeouts(t *testing.T) {
	srv := app.NewServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadHeaderTimeout > srv.ReadTimeout || srv.IdleTimeout <= 0 {
		t.Fatalf("timeouts: header %s, read %s, idle %s", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout)
	}
	// The largest upload at 4 Mbit/s fits in the read timeout.
	const bytesPerSecond = 4 << 20 / 8
	if need := importer.MaxUpload / bytesPerSecond; srv.ReadTimeout.Seconds() < float64(need) {
		t.Fatalf("read timeout %s < %d s for a %d MB upload", srv.ReadTimeout, need, importer.MaxUpload>>20)
	}
	if srv.WriteTimeout.Minutes() < 5 {
		t.Fatalf("write timeout %s is short for a whole-bureau export", srv.WriteTimeout)
	}
}
