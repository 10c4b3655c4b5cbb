package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/community"
	"hongdun/internal/demo"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau's branches reported to their communities, served through
// the year, and keep a ledger with an overdue item; every page opens and
// every export is safe.
func TestDemoCommunitiesAndPages(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.Demo(demo.Options{Seed: 1, Members: 1500}, community.SeedDemo)
	c := e.Login("shiju", apptest.DemoPassword)
	var sites community.List[community.Community]
	if st := c.Do("GET", "/api/v1/community/sites?per_page=1", nil, &sites); st != 200 || sites.Total < 10 || sites.Items[0].Members == 0 {
		t.Fatalf("sites: %d %+v", st, sites)
	}
	var tt community.Totals
	if st := c.Do("GET", "/api/v1/community/totals?by=unit", nil, &tt); st != 200 || len(tt.Items) < 2 || tt.Sum.HoursX10 == 0 || tt.Sum.Resolved == 0 || tt.Sum.Reported == 0 {
		t.Fatalf("totals: %d %+v", st, tt.Sum)
	}
	var l community.List[community.Issue]
	if st := c.Do("GET", "/api/v1/community/issues?state=overdue&per_page=1", nil, &l); st != 200 || l.Total == 0 {
		t.Fatalf("overdue issues: %d %d", st, l.Total)
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'branch.service' AND severity = 'bad' AND done_at IS NULL"); n < l.Total {
		t.Fatalf("%d overdue 待办 for %d overdue issues", n, l.Total)
	}
	site := sites.Items[0].ID
	c.Opens("/community", "/community/activities", "/community/issues", "/community/totals?by=member", "/community/new",
		fmt.Sprintf("/community/sites/%d", site), "/community/activities/new", fmt.Sprintf("/community/issues/%d", l.Items[0].ID))
	c.Downloads("/community/export", "/community/activities/export", "/community/issues/export", "/community/totals/export?by=branch")
	m := e.Login("dangyuan1", apptest.DemoPassword)
	if st := m.Do("GET", "/m/service", nil, nil); st != 200 || !strings.Contains(m.Body(), `id="my-service"`) {
		t.Fatalf("phone page: %d", st)
	}
}
