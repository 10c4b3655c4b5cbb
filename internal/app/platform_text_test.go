package app_test

import (
	"strings"
	"testing"
	"unicode"

	"hongdun/internal/apptest"
)

// TestUnreadableTextIsRefused sends text that no field may hold — bytes
// that are no UTF-8 and the NUL character, which PostgreSQL cannot store
// or compare — in the query of searches: a Chinese 400 on both databases,
// never a 500 (forms: web TestUnreadableFormNeverReachesTheHandler).
func TestUnreadableTextIsRefused(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		han := func(s string) bool {
			return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
		}
		for _, v := range []string{"%FF%FE", "%00", "a%C3"} {
			for _, path := range []string{"/api/v1/members?q=" + v, "/members?q=" + v, "/api/v1/exams/bank/questions?q=" + v,
				"/api/v1/members?status=" + v, "/api/v1/orgs/search?q=" + v} {
				if st := f.AdminA.Do("GET", path, nil, nil); st != 400 || !han(f.AdminA.Body()) {
					t.Errorf("GET %s: %d %.200s", path, st, f.AdminA.Body())
				}
			}
		}
	})
}
