package app_test

import (
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
)

// The OpenAPI document is generated from the route table; every API route
// must say what it does, so the document cannot drift into silence.
func TestOpenAPIDescribesEveryAPIRoute(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if st := e.Anonymous().Do("GET", "/api/v1/openapi.json", nil, &doc); st != 200 || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %d %q", st, doc.OpenAPI)
	}
	n := 0
	for _, rt := range e.App.Routes {
		if !rt.IsAPI() {
			continue
		}
		n++
		op, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s is missing from openapi.json", rt.Method, rt.Pattern)
			continue
		}
		if s, _ := op["summary"].(string); s == "" {
			t.Errorf("%s %s has no summary: give its route a web.Doc", rt.Method, rt.Pattern)
		}
	}
	for _, p := range []string{"/api/v1/orgs", "/api/v1/members", "/api/v1/auth/login"} {
		if doc.Paths[p] == nil {
			t.Errorf("contract path %s missing", p)
		}
	}
	t.Logf("%d API operations described", n)
}
