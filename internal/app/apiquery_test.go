package app_test

import (
	"strings"
	"testing"
	"unicode"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// TestEveryListRefusesBadQueryValues asks every API list for each query
// parameter its description names with a value that does not read (or a
// page out of range): a Chinese 400 or 422 naming the parameter, never a
// list that silently dropped the filter and answered more than was asked.
func TestEveryListRefusesBadQueryValues(t *testing.T) {
	t.Parallel()
	bad := map[string][]string{
		"page": {"0", "-1", "abc"}, "per_page": {"0", "201", "abc"},
		"org": {"abc", "-1"}, "year": {"abc", "-1"},
		"kind": {"zzz"}, "status": {"zzz"},
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		// Each list is asked by the first of these that reads it without a parameter.
		clients := []*apptest.Client{f.AdminA, e.Account(auth.Member, 0, f.APerson), e.Account(auth.Auditor, 0, 0),
			e.Account(auth.SecAdmin, 0, 0), e.Account(auth.SysAdmin, 0, 0)}
		asked := 0
		for _, rt := range e.App.Routes {
			if rt.Method != "GET" || !rt.IsAPI() || rt.Doc == nil || strings.Contains(rt.Pattern, "{") {
				continue
			}
			var c *apptest.Client
			for _, k := range clients {
				if k.Do("GET", rt.Pattern, nil, nil) == 200 {
					c = k
					break
				}
			}
			if c == nil {
				continue // a list that needs a parameter: its own tests
			}
			for _, param := range rt.Doc.Query {
				for _, v := range bad[param.Name] {
					asked++
					var out apiError
					path := rt.Pattern + "?" + param.Name + "=" + v
					st := c.Do("GET", path, nil, &out)
					if st != 400 && st != 422 || out.Error.Field != param.Name || !chinese(out.Error.Message) {
						t.Errorf("GET %s: %d %s", path, st, c.Body())
					}
				}
			}
		}
		if asked < 100 {
			t.Fatalf("only %d bad values asked: the lists' descriptions name no parameters?", asked)
		}
	})
}

// TestUnreadableTextIsRefused sends text that no field may hold — bytes
// that are no UTF-8 and the NUL character, which PostgreSQL cannot store
// or compare — in the query of searches: a Chinese 400 on both databases,
// never a 500 (forms: web TestUnreadableFormNeverReachesTheHandler).
func TestUnreadableTextIsRefused(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		for _, v := range []string{"%FF%FE", "%00", "a%C3"} {
			for _, path := range []string{"/api/v1/members?q=" + v, "/members?q=" + v, "/api/v1/exams/bank/questions?q=" + v,
				"/api/v1/members?status=" + v, "/api/v1/orgs/search?q=" + v} {
				if st := f.AdminA.Do("GET", path, nil, nil); st != 400 || !chinese(f.AdminA.Body()) {
					t.Errorf("GET %s: %d %.200s", path, st, f.AdminA.Body())
				}
			}
		}
	})
}

// chinese reports whether s says something in Chinese.
func chinese(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}
