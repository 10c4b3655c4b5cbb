package life_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The meetings and the compliance calendar page with the shared pager: the
// next page keeps the filters and the size, the meetings' export holds
// exactly the filtered meetings, bad paging is refused and another
// bureau's organisation is a 404.
func TestListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := setup(t, e)
		e.At("2026-03-20")
		admin, outsider := e.Account(auth.OrgAdmin, b.root, 0), e.Account(auth.OrgAdmin, b.other, 0)
		meeting := func(c *apptest.Client, org int64, kind, day, topic string) {
			t.Helper()
			if st := c.Do("POST", "/api/v1/meetings", map[string]any{"org_id": org, "kind": kind, "held_on": day, "topic": topic}, nil); st != 201 {
				t.Fatalf("meeting %s: %d %s", topic, st, c.Body())
			}
		}
		for i := range 7 {
			meeting(admin, b.branch, "congress", fmt.Sprintf("2026-03-%02d", i+1), fmt.Sprintf("雁塔党员大会%d", i))
			if i > 0 { // seven branches in all
				e.Org(b.root, fmt.Sprintf("雁塔%d所党支部", i), "branch")
			}
		}
		meeting(admin, b.branch, "committee", "2026-03-01", "城关支委会")
		meeting(outsider, b.other, "congress", "2026-03-01", "外局党员大会")

		admin.CheckList(apptest.List{Path: "/life", Filters: fmt.Sprintf("org=%d&kind=congress", b.root), Row: `<tr data-meeting=`, Export: `id="life-export"`,
			Marker: "雁塔党员大会", Total: 7, PerPage: 3, Others: []string{"城关支委会", "外局"}}, outsider)
		admin.CheckList(apptest.List{Path: "/life/compliance", Filters: fmt.Sprintf("org=%d&year=2026", b.root), Row: `<tr data-org=`, Total: 7, PerPage: 3}, outsider)

		// A refused frequency re-shows the calendar, whose links stay on it.
		if st := admin.Form("/life/frequencies?per_page=3", map[string]string{"year": "2026", "per_lecture": "weekly"}); st != 422 {
			t.Fatalf("a weekly 党课: %d", st)
		}
		if next := admin.Link(`rel="next"`); next.Path != "/life/compliance" || next.Query().Get("year") != "2026" || next.Query().Get("page") != "2" {
			t.Errorf("the re-shown calendar's next page: %s", next)
		}
	})
}
