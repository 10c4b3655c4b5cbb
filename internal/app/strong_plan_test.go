package app_test

import (
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// Opening a round from the board asks first: the board's form leads to a
// preview of how many branches get a record, per unit, which changes
// nothing; the confirmation opens it; a branch set up in between makes the
// confirmation stale (409, nothing written). A leader sees no form.
func TestOpeningARoundIsPreviewedInPages(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		city := e.Account(auth.OrgAdmin, b.Root, 0)
		if st := city.Do("GET", "/strong?year=2026", nil, nil); st != 200 || !strings.Contains(city.Body(), `action="/strong/rounds/preview"`) {
			t.Fatalf("board: %d", st)
		}
		leader := e.Account(auth.Leader, b.Root, 0)
		if st := leader.Do("GET", "/strong?year=2026", nil, nil); st != 200 || strings.Contains(leader.Body(), "open-round") {
			t.Fatalf("leader's board: %d", st)
		}
		fp := dbtest.Fingerprint(t, e.DB)
		preview := "/strong/rounds/preview?year=2026&self_due=2026-06-30&review_due=2026-07-15"
		if st := city.Do("GET", preview, nil, nil); st != 200 || !strings.Contains(city.Body(), `data-branches="3"`) || !strings.Contains(city.Body(), "甲分局党委") {
			t.Fatalf("preview: %d %s", st, city.Body())
		}
		expect := regexp.MustCompile(`name="expect" value="([0-9a-f]+)"`).FindStringSubmatch(city.Body())
		if leader.Do("GET", preview, nil, nil) != 403 || dbtest.Fingerprint(t, e.DB) != fp || expect == nil {
			t.Fatal("the preview, or the leader, changed something")
		}
		form := map[string]string{"year": "2026", "self_due": "2026-06-30", "review_due": "2026-07-15", "expect": expect[1]}
		e.Org(b.B, "乙分局第二党支部", "branch")
		fp = dbtest.Fingerprint(t, e.DB)
		if st := city.Form("/strong/rounds", form); st != 409 || dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatalf("stale confirmation: %d", st)
		}
		city.Do("GET", preview, nil, nil)
		form["expect"] = regexp.MustCompile(`name="expect" value="([0-9a-f]+)"`).FindStringSubmatch(city.Body())[1]
		if st := city.Form("/strong/rounds", form); st != 303 || e.Count("SELECT COUNT(*) FROM strong_entries") != 4 {
			t.Fatalf("confirm: %d, %d entries", st, e.Count("SELECT COUNT(*) FROM strong_entries"))
		}
	})
}
