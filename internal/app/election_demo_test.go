package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/election"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau has one 换届 approved, one waiting for its approval and
// one for its posts, and more branches due; the pages show each.
func TestDemoElectionsAndPages(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.Demo(demo.Options{Seed: 1, Members: 1500}, election.SeedDemo)
	c := e.Login("shiju", apptest.DemoPassword)
	var l election.List
	if st := c.Do("GET", "/api/v1/elections", nil, &l); st != 200 || l.Total != 3 {
		t.Fatalf("elections: %d %s", st, c.Body())
	}
	states := map[string]int{}
	for _, it := range l.Items {
		states[it.State]++
	}
	if states[election.Approved] != 1 || states[election.Recorded] != 2 {
		t.Fatalf("states %v", states)
	}
	var due struct{ Items []election.Due }
	if st := c.Do("GET", "/api/v1/elections/due", nil, &due); st != 200 || len(due.Items) == 0 {
		t.Fatalf("due: %d %s", st, c.Body())
	}
	if st := c.Do("GET", "/elections", nil, nil); st != 200 || !strings.Contains(c.Body(), `id="due"`) {
		t.Fatalf("list page: %d", st)
	}
	for _, it := range l.Items {
		var full election.Election
		c.Expect(200, "GET", fmt.Sprintf("/api/v1/elections/%d", it.ID), nil, &full)
		approvable := it.State == election.Recorded && full.Divided()
		st := c.Do("GET", fmt.Sprintf("/elections/%d", it.ID), nil, nil)
		if st != 200 || approvable != strings.Contains(c.Body(), `id="approve-form"`) {
			t.Fatalf("election %d (%s): %d, approve form %v", it.ID, it.State, st, strings.Contains(c.Body(), `id="approve-form"`))
		}
	}
	c.Downloads("/elections/export")
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'org.election' AND done_at IS NULL"); n != 2 {
		t.Fatalf("%d election 待办", n)
	}
	if st := c.Do("GET", fmt.Sprintf("/elections/new?org=%d", due.Items[0].OrgID), nil, nil); st != 200 || !strings.Contains(c.Body(), `name="cand"`) {
		t.Fatalf("new page: %d", st)
	}
}
