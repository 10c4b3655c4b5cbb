package develop_test

import (
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The 台账 and the deadlines page through every case with the shared pager
// (the hand-made one stopped at 50 page links and showed no count).
func TestLedgerPages(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root := addOrg(t, e, 0, "市公安局党委", "committee", true)
		seedCases(t, e, root, 120)
		admin := e.Account(auth.OrgAdmin, root, 0)
		rows := func(path string) int {
			t.Helper()
			admin.Expect(http.StatusOK, "GET", path, nil, nil)
			return strings.Count(admin.Body(), `<a href="/development/cases/`)
		}
		if n := rows("/development?per_page=50"); n != 50 || !strings.Contains(admin.Body(), `data-total="120"`) || !strings.Contains(admin.Body(), `rel="next"`) {
			t.Fatalf("page 1: %d rows", n)
		}
		if n := rows("/development?per_page=50&page=3"); n != 20 || strings.Contains(admin.Body(), `rel="next"`) || !strings.Contains(admin.Body(), `第 3 / 3 页`) {
			t.Fatalf("page 3: %d rows", n)
		}
		if !strings.Contains(admin.Body(), `href="?page=2&amp;per_page=50" rel="prev"`) {
			t.Fatalf("page 3 has no link back to page 2 with the same filters")
		}
		admin.Expect(http.StatusUnprocessableEntity, "GET", "/development?page=0", nil, nil) // page 0
		if st := admin.Do("GET", "/development/deadlines?per_page=10", nil, nil); st != http.StatusOK || !strings.Contains(admin.Body(), `class="pager"`) {
			t.Fatalf("deadlines: %d", st)
		}
	})
}
