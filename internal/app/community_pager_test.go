package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/community"
	"hongdun/internal/platform/auth"
)

// The 社区, 服务活动 and 关键小事 lists page with the shared pager: the
// next page keeps the filters and the size, each export holds exactly the
// filtered rows, bad paging is refused and another 分局's organisation is a
// 404.
func TestCommunityListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := communitySetup(t, e)
		unit, other := e.Account(auth.OrgAdmin, b.unit, 0), e.Account(auth.OrgAdmin, b.otherUnit, 0)
		post := func(c *apptest.Client, path string, in map[string]any, out any) {
			t.Helper()
			if st := c.Do("POST", path, in, out); st != 201 {
				t.Fatalf("POST %s: %d %s", path, st, c.Body())
			}
		}
		var site, far community.Community
		for i := range 7 {
			post(unit, "/api/v1/community/sites", map[string]any{"org_id": b.unit, "name": fmt.Sprintf("雁塔社区%d", i)}, &site)
		}
		post(other, "/api/v1/community/sites", map[string]any{"org_id": b.otherUnit, "name": "碑林社区"}, &far)
		activity := func(title, day string) {
			post(unit, "/api/v1/community/activities", map[string]any{"community_id": site.ID, "org_id": b.branch, "title": title, "place": "社区广场", "held_on": day,
				"served": 10, "people": []map[string]any{{"person_id": b.people[0], "hours": 1}}}, nil)
		}
		for i := range 7 {
			activity(fmt.Sprintf("雁塔活动%d", i), fmt.Sprintf("2026-04-%02d", i+1))
			post(unit, "/api/v1/community/issues", map[string]any{"community_id": site.ID, "org_id": b.branch, "raised_on": "2026-05-01", "what": fmt.Sprintf("雁塔小事%d", i),
				"raised_by": "居民", "taker_id": b.people[1], "due_on": "2026-05-30"}, nil)
		}
		activity("去年的活动", "2025-04-01")
		post(other, "/api/v1/community/issues", map[string]any{"community_id": far.ID, "org_id": b.otherBranch, "raised_on": "2026-05-01", "what": "碑林小事",
			"raised_by": "居民", "taker_id": b.outsider, "due_on": "2026-05-30"}, nil)

		for _, l := range []apptest.List{
			{Path: "/community", Filters: fmt.Sprintf("org=%d", b.unit), Row: `<tr data-site=`, Export: `id="site-export"`, Marker: "雁塔社区", Total: 7, Others: []string{"碑林"}},
			{Path: "/community/activities", Filters: fmt.Sprintf("org=%d&year=2026", b.unit), Row: `<tr data-activity=`, Export: `id="activity-export"`, Marker: "雁塔活动",
				Total: 7, Others: []string{"去年的活动"}},
			{Path: "/community/issues", Filters: fmt.Sprintf("org=%d&state=open", b.unit), Row: `<tr data-issue=`, Export: `id="issue-export"`, Marker: "雁塔小事",
				Total: 7, Others: []string{"碑林小事"}},
		} {
			l.PerPage = 3
			unit.CheckList(l, other)
		}
	})
}
