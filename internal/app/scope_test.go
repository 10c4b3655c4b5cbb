package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
)

// Fixture is a small bureau with two sibling 分局 (A and B). Probes make
// requests as A's 党务管理员 against objects under B.
type Fixture struct {
	E                *apptest.Env
	Root, A, B       int64 // orgs: 市局党委, A 分局党委, B 分局党委
	ABranch, BBranch int64 // a 党支部 under each
	APerson, BPerson int64 // a 正式党员 in each branch
	AdminA           *apptest.Client
}

// Probe builds the request that tries to reach B from A. Setup may create
// feature objects under B first (through SQL or the feature's functions).
type Probe func(t *testing.T, f *Fixture) (method, path string, body any)

type probeEntry struct {
	probe  Probe
	exempt string // why the route has no object scope (public, 三员, self-only)
}

var probes = map[string]probeEntry{}

// scoped registers the probe of a route: "GET /api/v1/orgs/{id}".
func scoped(route string, p Probe) { probes[route] = probeEntry{probe: p} }

// getB probes a GET whose path names B's 分局党委 with %d.
func getB(path string) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) { return "GET", fmt.Sprintf(path, f.B), nil }
}

// getBBranch probes a GET whose path names B's branch with %d.
func getBBranch(path string) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) { return "GET", fmt.Sprintf(path, f.BBranch), nil }
}

// exempt registers a route that reaches no organisation's data, with why.
func exempt(route, why string) { probes[route] = probeEntry{exempt: why} }

func newFixture(t *testing.T, e *apptest.Env) *Fixture {
	b := e.Bureau()
	f := &Fixture{E: e, Root: b.Root, A: b.A, B: b.B, ABranch: b.ABranch, BBranch: b.BBranch}
	person := func(org int64, name string) int64 {
		return e.Person(dbtest.Person{Org: org, Name: name, JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	}
	f.APerson = person(f.ABranch, "甲某")
	f.BPerson = person(f.BBranch, "乙某")
	f.AdminA = e.Account(auth.OrgAdmin, f.A, 0)
	return f
}

// fingerprint summarises the database, to show that a refused request
// changed nothing.
func fingerprint(t *testing.T, e *apptest.Env) string { return dbtest.Fingerprint(t, e.DB) }

// TestEveryRouteIsScoped walks the route table: every route must have a
// probe or a stated exemption, and every probe must answer 404 (or 403)
// without changing the database.
func TestEveryRouteIsScoped(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, rt := range e.App.Routes {
			key := rt.Method + " " + rt.Pattern
			entry, ok := probes[key]
			if !ok {
				t.Errorf("route %s has no scope probe: add scoped(%q, …) or exempt(%q, why) in a scope_*_test.go", key, key, key)
				continue
			}
			if entry.exempt != "" {
				continue
			}
			if !web.Allows(auth.OrgAdmin, rt.Perm) && !web.Allows(auth.Leader, rt.Perm) && rt.Perm != web.PartyView {
				t.Errorf("route %s is probed but 党务管理员 cannot use it: exempt it instead", key)
				continue
			}
			t.Run(key, func(t *testing.T) {
				f := newFixture(t, e)
				method, path, body := entry.probe(t, f)
				before := fingerprint(t, e)
				var out map[string]any
				st := f.AdminA.Do(method, path, body, &out)
				if st != 404 && st != 403 {
					t.Fatalf("%s %s as A's 党务管理员 against B: status %d, want 404; body %s", method, path, st, f.AdminA.Body())
				}
				if after := fingerprint(t, e); after != before {
					t.Fatalf("%s %s changed the database although refused", method, path)
				}
			})
		}
		for key := range probes {
			found := false
			for _, rt := range e.App.Routes {
				if rt.Method+" "+rt.Pattern == key {
					found = true
				}
			}
			if !found {
				t.Errorf("probe for %s names no route", key)
			}
		}
	})
}

// The fingerprint must notice a change, or the scope test could not fail.
func TestFingerprintSeesChanges(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		before := fingerprint(t, e)
		if _, err := e.DB.ExecContext(context.Background(), "UPDATE persons SET name = '乙某改' WHERE id = ?", f.BPerson); err != nil {
			t.Fatal(err)
		}
		if fingerprint(t, e) == before {
			t.Fatal("a changed name left the fingerprint unchanged")
		}
	})
}
