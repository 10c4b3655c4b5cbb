// Package apptest starts the whole application over HTTP for tests, on
// SQLite and (with TEST_PG_DSN) PostgreSQL, and gives logged-in clients.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"hongdun/internal/app"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// Password is the password of every account made by Env.Account.
const Password = "Test-Pass-2026!x"

// Env is one running application.
type Env struct {
	T   testing.TB
	App *app.App
	Srv *httptest.Server
	DB  *db.DB
	log *slog.Logger
	dir string                       // the application's data directory
	h   atomic.Pointer[http.Handler] // the application Srv serves (Demo may replace it)
}

// Each runs fn against a fresh application on each available database.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, Start(t, d)) })
}

// TestKeys are fixed keys for tests.
func TestKeys() *crypto.Keys {
	k, err := crypto.NewKeys(bytes.Repeat([]byte{42}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

// Start serves the application on d.
func Start(t testing.TB, d *db.DB) *Env { return StartLogging(t, d, io.Discard) }

// StartLogging is Start with the application's log (debug level, JSON) written to w.
func StartLogging(t testing.TB, d *db.DB, w io.Writer) *Env {
	t.Helper()
	e := &Env{T: t, log: slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})), dir: t.TempDir()}
	e.serve(d)
	e.Srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*e.h.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(e.Srv.Close)
	return e
}

// serve makes the application on d the one the test server serves.
func (e *Env) serve(d *db.DB) {
	a := app.New(d, TestKeys(), app.Config{DataDir: e.dir, Log: e.log})
	// Suites log in many users from 127.0.0.1; the throttle has its own test.
	a.Auth.Policy.UsersPerIPMin = 100000
	e.App, e.DB = a, d
	h := a.Handler()
	e.h.Store(&h)
}

var nameSeq atomic.Int64

// Account creates an account with the given role and scope and returns a
// client logged in with a Bearer token.
func (e *Env) Account(role auth.Role, orgID, personID int64) *Client {
	e.T.Helper()
	name := fmt.Sprintf("u%s%d", role, nameSeq.Add(1))
	if _, err := e.App.Auth.CreateAccount(context.Background(), auth.NewAccount{Username: name, Role: role, OrgID: orgID, PersonID: personID, Password: Password}); err != nil {
		e.T.Fatal(err)
	}
	return e.Login(name, Password)
}

// Login logs in through the API and returns a Bearer client.
func (e *Env) Login(username, password string) *Client {
	e.T.Helper()
	c := e.Anonymous()
	c.username = username
	var out struct{ Token string }
	if st := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}, &out); st != 200 {
		e.T.Fatalf("login %s: status %d", username, st)
	}
	c.Token = out.Token
	return c
}

// Anonymous returns a client without credentials (with a cookie jar, for
// pages). It uses its server's own transport: on the shared default one,
// another parallel test's server closing its idle connections broke a
// request in flight ("CloseIdleConnections called").
func (e *Env) Anonymous() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{e: e, HTTP: &http.Client{Jar: jar, Transport: e.Srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Client is an HTTP client of the test server.
type Client struct {
	e     *Env
	HTTP  *http.Client
	Token string
	// username is set for clients made by Login.
	username string
	// Last holds the body of the last reply.
	Last []byte
}

// Do sends a JSON request (body may be nil) and decodes the reply into out
// (may be nil). It returns the status code.
func (c *Client) Do(method, path string, body any, out any) int {
	c.e.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.e.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.e.Srv.URL+path, rd)
	if err != nil {
		c.e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, out)
}

// Expect sends a JSON request as Do and fails the test unless the reply
// has the status want; the failure names the request and shows the reply.
func (c *Client) Expect(want int, method, path string, body any, out any) {
	c.e.T.Helper()
	if st := c.Do(method, path, body, out); st != want {
		c.e.T.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, c.Last)
	}
}

// Form posts a URL-encoded form, as a browser page would.
func (c *Client) Form(path string, form map[string]string) int {
	c.e.T.Helper()
	vals := make([]string, 0, len(form))
	for k, v := range form {
		vals = append(vals, k+"="+urlEscape(v))
	}
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, strings.NewReader(strings.Join(vals, "&")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.e.Srv.URL)
	return c.send(req, nil)
}

// PostForm posts a browser form (repeated fields allowed) from the server's
// own origin; a page's success is a 303 to the next page.
func (c *Client) PostForm(path string, form url.Values) int {
	c.e.T.Helper()
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.e.Srv.URL)
	return c.send(req, nil)
}

// Count runs a query that returns one number (a COUNT) on the test database.
func (e *Env) Count(q string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.DB.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		e.T.Fatalf("%s: %v", q, err)
	}
	return n
}

// Exec runs one statement straight on the test database, in a transaction
// of its own, and returns the id of the row an INSERT adds (0 otherwise).
func (e *Env) Exec(q string, args ...any) int64 {
	e.T.Helper()
	ctx := context.Background()
	var id int64
	err := e.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		if strings.HasPrefix(q, "INSERT") {
			id, err = db.InsertID(ctx, tx, q, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		return err
	})
	if err != nil {
		e.T.Fatalf("%s: %v", q, err)
	}
	return id
}

// Upload posts one file as field of a multipart form.
func (c *Client) Upload(path, field, name string, content []byte, out any) int {
	c.e.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err == nil {
		_, err = fw.Write(content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		c.e.T.Fatal(err)
	}
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req, out)
}

// Send sends a prepared request (its URL relative to the server).
func (c *Client) Send(req *http.Request, out any) int {
	c.e.T.Helper()
	return c.send(req, out)
}

func (c *Client) send(req *http.Request, out any) int {
	if !strings.HasPrefix(req.URL.String(), "http") {
		u := c.e.Srv.URL + req.URL.String()
		r2, _ := http.NewRequest(req.Method, u, req.Body)
		r2.Header = req.Header
		req = r2
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.e.T.Fatal(err)
	}
	defer resp.Body.Close()
	c.Last, _ = io.ReadAll(resp.Body)
	if out != nil && len(c.Last) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(c.Last, out); err != nil {
			c.e.T.Fatalf("%s %s: decoding %q: %v", req.Method, req.URL.Path, c.Last, err)
		}
	}
	return resp.StatusCode
}

// Username is the account the client logged in as.
func (c *Client) Username() string { return c.username }

// Body is the last reply as a string.
func (c *Client) Body() string { return string(c.Last) }

func urlEscape(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			b.WriteByte(r)
		} else {
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String()
}
