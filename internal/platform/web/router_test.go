package web

import (
	"bytes"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"

	"hongdun/internal/platform/fail"
)

func TestPanicGivesGenericChinesePage(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{Log: slog.New(slog.NewTextHandler(&logs, nil)), Routes: []Route{
		{Method: "GET", Pattern: "/boom", Perm: Public, Handler: func(http.ResponseWriter, *http.Request) error { panic("SELECT secret FROM persons") }},
		{Method: "GET", Pattern: "/api/v1/boom", Perm: Public, Handler: func(http.ResponseWriter, *http.Request) error { panic("SELECT secret FROM persons") }},
	}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, path := range []string{"/boom", "/api/v1/boom"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 500 || !strings.Contains(string(body), "服务器内部错误") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if strings.Contains(string(body), "SELECT") || strings.Contains(string(body), "goroutine") {
			t.Fatalf("%s leaks internals: %s", path, body)
		}
	}
	if !strings.Contains(logs.String(), "panic") {
		t.Fatal("panic not logged for the operator")
	}
}

func TestRouteWithoutPermissionCannotServe(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a route without a permission was accepted")
		}
	}()
	s := &Server{Log: slog.Default(), Routes: []Route{{Method: "GET", Pattern: "/x", Handler: func(http.ResponseWriter, *http.Request) error { return nil }}}}
	s.Handler()
}

func TestUnknownPathIsChinese404(t *testing.T) {
	s := &Server{Log: slog.Default()}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/nothing", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "未找到") {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}

func TestDecodeJSONRefusesUnknownAndMalformed(t *testing.T) {
	var v struct {
		Name string `json:"name"`
	}
	for body, field := range map[string]string{`{"name":"x","org_id":3}`: "org_id", `{"name":`: "", ``: "", `{"name":5}`: "name",
		// a second value after the object (a smuggled field), a body that is no object, text that is no UTF-8
		`{"name":"x"}{"org_id":3}`: "", `{"name":"x"} 1`: "", `[1]`: "", `null`: "", "{\"name\":\"\xff\"}": "", `{"name":"a\u0000"}`: ""} {
		rec := httptest.NewRecorder()
		err := DecodeJSON(rec, httptest.NewRequest("POST", "/", strings.NewReader(body)), &v)
		if e := asError(err); err == nil || e.Status != 400 || e.Field != field || !hasHan(e.Message) || strings.Contains(e.Message, `""`) {
			t.Errorf("%q: %#v", body, err)
		}
	}
	for body, want := range map[string]string{" {\"name\":\"张三\"}\n": "张三", `{"name":"C:\\u0000"}`: `C:\u0000`} {
		rec := httptest.NewRecorder()
		if err := DecodeJSON(rec, httptest.NewRequest("POST", "/", strings.NewReader(body)), &v); err != nil || v.Name != want {
			t.Errorf("%q: %v %q", body, err, v.Name)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// A rule refusal shows a reader its message and citation, never the rule's
// internal id; the API names the id for integrators.
func TestRuleRefusalPageHidesTheRuleID(t *testing.T) {
	refuse := func(http.ResponseWriter, *http.Request) error {
		return fail.Rule("R-ORG-TERM", "《中国共产党基层组织选举工作条例》第七条", "任期不对")
	}
	s := &Server{Log: slog.Default(), Routes: []Route{
		{Method: "GET", Pattern: "/x", Perm: Public, Handler: refuse},
		{Method: "GET", Pattern: "/api/v1/x", Perm: Public, Handler: refuse},
	}}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if body := rec.Body.String(); rec.Code != 422 || !strings.Contains(body, "任期不对") || !strings.Contains(body, "第七条") || strings.Contains(body, "R-ORG-TERM") {
		t.Fatalf("page: %d %s", rec.Code, body)
	}
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/x", nil))
	if !strings.Contains(rec.Body.String(), `"rule":"R-ORG-TERM"`) {
		t.Fatalf("api: %s", rec.Body.String())
	}
}

// A query or urlencoded form holding bytes that are no UTF-8 or NUL is
// refused before the handler runs; a readable one reaches it whole.
func TestUnreadableFormNeverReachesTheHandler(t *testing.T) {
	var got []string
	h := func(w http.ResponseWriter, r *http.Request) error {
		got = append(got, r.FormValue("name"))
		return nil
	}
	s := &Server{Log: slog.Default(), Routes: []Route{{Method: "POST", Pattern: "/api/v1/f", Perm: Public, Handler: h},
		{Method: "GET", Pattern: "/api/v1/f", Perm: Public, Handler: h}}}
	send := func(method, target, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct{ method, target, body string }{
		{"POST", "/api/v1/f", "name=%FF%FE"}, {"POST", "/api/v1/f", "name=%E5%BC%A0%00"}, {"POST", "/api/v1/f", "%FF=1"},
		{"POST", "/api/v1/f?name=%C3", ""}, {"GET", "/api/v1/f?name=a%00", ""},
	} {
		if rec := send(c.method, c.target, c.body); rec.Code != 400 || !hasHan(rec.Body.String()) {
			t.Errorf("%s %s %q: %d %s", c.method, c.target, c.body, rec.Code, rec.Body.String())
		}
	}
	if len(got) != 0 {
		t.Fatalf("the handler read %q", got)
	}
	if rec := send("POST", "/api/v1/f", "name=%E5%BC%A0%E4%B8%89"); rec.Code != 200 || len(got) != 1 || got[0] != "张三" {
		t.Fatalf("a readable form: %d %q", rec.Code, got)
	}
}

// Strict-Transport-Security goes with every reply over TLS (pages, errors,
// static files) and never over plain HTTP, where a browser ignores it.
func TestTransportSecurityOverTLS(t *testing.T) {
	s := &Server{Log: slog.Default()}
	h := s.Handler()
	for _, path := range []string{"/", "/api/v1/nothing", "/static/web/app.css"} {
		req := httptest.NewRequest("GET", path, nil)
		req.TLS = &tls.ConnectionState{}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("GET %s over TLS: Strict-Transport-Security %q", path, got)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != "" {
			t.Errorf("GET %s over HTTP: Strict-Transport-Security %q", path, got)
		}
	}
}

// What ServeMux would answer by itself in English plain text (CONNECT: 405
// "Method Not Allowed"; "*": an empty 400) is the Chinese 404 with the
// security headers.
func TestRequestsServeMuxAnswersAreChinese(t *testing.T) {
	s := &Server{Log: slog.Default()}
	h := s.Handler()
	for _, req := range []*http.Request{httptest.NewRequest("CONNECT", "example.com:443", nil), httptest.NewRequest("OPTIONS", "*", nil), httptest.NewRequest("GET", "*", nil)} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "未找到") || rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s %s: %d %q %q", req.Method, req.RequestURI, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
}
