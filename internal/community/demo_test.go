package community_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/community"
	"hongdun/internal/demo"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau's branches reported to their communities, served through
// the year, and keep a ledger with an overdue item; every page opens and
// every export is safe.
func TestDemoCommunitiesAndPages(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	const pw = "Demo-Pass-2026!"
	if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 1, Members: 1500, Password: pw}); err != nil {
		t.Fatal(err)
	}
	if err := community.SeedDemo(ctx, e.App.Deps); err != nil {
		t.Fatal(err)
	}
	c := e.Login("shiju", pw)
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
	for _, page := range []string{"/community", "/community/activities", "/community/issues", "/community/totals?by=member", "/community/new",
		fmt.Sprintf("/community/sites/%d", site), "/community/activities/new", fmt.Sprintf("/community/issues/%d", l.Items[0].ID)} {
		if st := c.Do("GET", page, nil, nil); st != 200 {
			t.Fatalf("%s: %d %s", page, st, c.Body())
		}
	}
	for _, x := range []string{"/community/export", "/community/activities/export", "/community/issues/export", "/community/totals/export?by=branch"} {
		if st := c.Do("GET", x, nil, nil); st != 200 {
			t.Fatalf("%s: %d", x, st)
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(c.Last)); err != nil {
			t.Fatal(x, err)
		}
	}
	m := e.Login("dangyuan1", pw)
	if st := m.Do("GET", "/m/service", nil, nil); st != 200 || !strings.Contains(m.Body(), `id="my-service"`) {
		t.Fatalf("phone page: %d", st)
	}
}
