package web

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAssetsAreVersionedAndNeverListed(t *testing.T) {
	h := (&Server{Log: slog.Default()}).Handler()
	get := func(url string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		return rec
	}
	url := Asset("web/app.css")
	if !strings.HasPrefix(url, "/static/web/app.css?v=") {
		t.Fatal(url)
	}
	rec := get(url)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("%s: %d %v", url, rec.Code, rec.Header())
	}
	// A stale or missing version is served but must be revalidated.
	if rec := get("/static/web/app.css?v=old"); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("stale: %d %v", rec.Code, rec.Header())
	}
	for _, p := range []string{"/static/", "/static/web/", "/static/web/vendor/", "/static/web/vendor", "/static/nothing/x.css",
		"/static/web/%2e%2e/app.css", "/static/web/templates/layout.html"} {
		if rec := get(p); rec.Code != 404 || strings.Contains(rec.Body.String(), "<pre>") {
			t.Errorf("%s: %d %.80s", p, rec.Code, rec.Body.String())
		}
	}
}
