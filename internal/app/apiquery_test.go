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
					if st != 400 && st != 422 || out.Error.Field != param.Name || !strings.ContainsFunc(out.Error.Message, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
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
