package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/develop"
	"hongdun/internal/honour"
	"hongdun/internal/leader"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
	"hongdun/internal/strong"
	"hongdun/internal/task"
	"hongdun/internal/training"
)

// leaderBureau seeds the demo bureau with the features the leader's view reads.
func leaderBureau(t *testing.T, e *apptest.Env) (root, sub, other int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 7, Members: 1200, History: true, Password: "Demo-Pass-2026!"}); err != nil {
		t.Fatal(err)
	}
	for _, seed := range []func(context.Context, *core.Deps) error{develop.SeedDemo, training.SeedDemo, life.SeedDemo, task.SeedDemo, honour.SeedDemo, strong.SeedDemo} {
		if err := seed(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
	}
	q := "SELECT id FROM orgs WHERE name = ?"
	for _, x := range []struct {
		name string
		id   *int64
	}{{"中共西安市公安局委员会", &root}, {"中共西安市公安局雁塔分局委员会", &sub}, {"中共西安市公安局碑林分局委员会", &other}} {
		if err := e.DB.QueryRowContext(ctx, q, x.name).Scan(x.id); err != nil {
			t.Fatalf("%s: %v", x.name, err)
		}
	}
	return root, sub, other
}

// listTotal is the size of the list a figure links to, read through its API.
func listTotal(t *testing.T, c *apptest.Client, href string) (int, bool) {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Total, Branches int }
	switch u.Path {
	case "/members":
		c.Do("GET", "/api/v1/members?"+u.RawQuery, nil, &out)
		return out.Total, true
	case "/development":
		c.Do("GET", "/api/v1/development/cases?"+u.RawQuery, nil, &out)
		return out.Total, true
	case "/strong/titles":
		c.Do("GET", "/api/v1/strong/titles?"+u.RawQuery, nil, &out)
		return out.Branches, true
	}
	return 0, false
}

// checkCompare checks the comparison of root's 分局, sorted by members,
// against the lists its figures link to.
func checkCompare(t *testing.T, c *apptest.Client, root int64) {
	t.Helper()
	var cmp leader.Comparison
	c.Expect(200, "GET", fmt.Sprintf("/api/v1/stats/compare?org=%d&sort=members&desc=1", root), nil, &cmp)
	if len(cmp.Units) < 2 || len(cmp.Columns) != len(leader.Columns) {
		t.Fatalf("compares %d units over %d columns", len(cmp.Units), len(cmp.Columns))
	}
	checked := 0
	for i, u := range cmp.Units {
		if i > 0 && u.Cells[0].Value > cmp.Units[i-1].Cells[0].Value {
			t.Errorf("not sorted by members, largest first: %s after %s", u.Name, cmp.Units[i-1].Name)
		}
		for k, cell := range u.Cells {
			if cell.Href == "" {
				t.Errorf("%s %s has no list", u.Name, cmp.Columns[k].Label)
			}
			if cmp.Columns[k].Key == "training" {
				// The rate's two numbers are the ledger's members and those not short.
				var led struct {
					Members    int
					ShortTotal int `json:"short_total"`
				}
				c.Expect(200, "GET", "/api/v1"+cell.Href, nil, &led)
				want := fmt.Sprintf("（%d/%d）", led.Members-led.ShortTotal, led.Members)
				if led.Members == 0 {
					want = "—"
				}
				if !strings.HasSuffix(cell.Text, want) {
					t.Errorf("%s 学时达标率 %s, its ledger %s has %d members, %d short", u.Name, cell.Text, cell.Href, led.Members, led.ShortTotal)
				}
				checked++
			}
			if n, ok := listTotal(t, c, cell.Href); ok {
				checked++
				if float64(n) != cell.Value {
					t.Errorf("%s %s = %s, its list %s has %d", u.Name, cmp.Columns[k].Label, cell.Text, cell.Href, n)
				}
			}
		}
	}
	if checked < 5*len(cmp.Units) {
		t.Errorf("only %d figures checked against their lists", checked)
	}
}

// checkWarm checks that the jobs' Warm leaves the 市局's comparison kept
// for a leader's first view: its 组织生活 tally recalled from memory.
func checkWarm(t *testing.T, e *apptest.Env, root int64) {
	t.Helper()
	ctx := context.Background()
	kept := func() bool {
		o, err := org.Get(ctx, e.DB, root)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := org.ReadOrgs(ctx, e.DB, scope.Under(o.Path))
		if err != nil {
			t.Fatal(err)
		}
		_, _, ok := org.Recall(tree, fmt.Sprintf("life.Tallies %d", civil.Today(e.App.Now()).Year()))
		return ok
	}
	if kept() {
		t.Fatal("the comparison is kept before anything counted it")
	}
	if err := leader.Warm(ctx, e.App.Deps); err != nil {
		t.Fatal(err)
	}
	if !kept() {
		t.Error("Warm left the 市局's 组织生活 tally uncounted for the first view")
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root, sub, other := leaderBureau(t, e)
		checkWarm(t, e, root)
		c := e.Account(auth.Leader, root, 0)
		checkCompare(t, c, root)
		// The people are counted from the dashboard's snapshot: after writes
		// (a 发展对象 and a 积极分子 added, a member's status changed), each
		// figure is still its list's.
		var branch, member int64
		if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE parent_id = ? AND kind = 'branch' ORDER BY id LIMIT 1", sub).Scan(&branch); err != nil {
			t.Fatal(err)
		}
		e.Person(dbtest.Person{Org: branch, Name: "新发展对象", Status: "candidate", ApplyDate: "2024-03-01", ActivistDate: "2024-09-01", CandidateDate: "2025-09-01"})
		e.Person(dbtest.Person{Org: branch, Name: "新积极分子", Status: "activist", ApplyDate: "2025-03-01", ActivistDate: "2025-09-01"})
		if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM persons WHERE org_id = ? AND status = 'full' ORDER BY id LIMIT 1", branch).Scan(&member); err != nil {
			t.Fatal(err)
		}
		e.Account(auth.OrgAdmin, root, 0).Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", member), map[string]any{"kind": "transfer_out", "on_date": time.Now().Format(time.DateOnly)}, nil)
		checkCompare(t, c, root)
		// The page: sortable headings, every number a link.
		if st := c.Do("GET", fmt.Sprintf("/stats/compare?org=%d&sort=training", root), nil, nil); st != 200 ||
			!strings.Contains(c.Body(), "&amp;sort=training&amp;desc=1") || !strings.Contains(c.Body(), `href="/members?org=`) {
			t.Fatalf("compare page: %d", st)
		}
		// Its picker offers the organisations that have 基层党组织 under them,
		// not the branches.
		if !strings.Contains(c.Body(), fmt.Sprintf(`<option value="%d"`, sub)) || strings.Contains(c.Body(), fmt.Sprintf(`<option value="%d"`, branch)) {
			t.Fatalf("compare page's picker: 分局 %d listed %v, branch %d listed %v", sub, strings.Contains(c.Body(), fmt.Sprintf(`<option value="%d"`, sub)),
				branch, strings.Contains(c.Body(), fmt.Sprintf(`<option value="%d"`, branch)))
		}
		// Bad input, and another 分局's officer.
		officer := e.Account(auth.OrgAdmin, sub, 0)
		for _, bad := range []struct {
			path  string
			want  int
			field string
		}{
			{fmt.Sprintf("/api/v1/stats/compare?org=%d", other), 404, ""},
			{fmt.Sprintf("/api/v1/stats/compare?org=%d&year=1800", sub), 400, "year"},
			{fmt.Sprintf("/api/v1/stats/compare?org=%d&year=%d", sub, time.Now().Year()+1), 400, "year"},
			{fmt.Sprintf("/api/v1/stats/compare?org=%d&sort=salary", sub), 400, "sort"},
			{fmt.Sprintf("/api/v1/stats/compare?org=%d&desc=yes", sub), 400, "desc"},
			{"/api/v1/stats/compare?org=abc", 400, "org"},
			{"/api/v1/stats/compare?org=99999999", 404, ""},
		} {
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := officer.Do("GET", bad.path, nil, &out); st != bad.want || out.Error.Field != bad.field || out.Error.Message == "" {
				t.Errorf("%s: %d %+v", bad.path, st, out.Error)
			}
		}
		if st := officer.Do("GET", fmt.Sprintf("/stats/compare?org=%d", other), nil, nil); st != 404 {
			t.Errorf("another 分局's comparison page: %d", st)
		}
	})
}

func TestSpeech(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root, sub, other := leaderBureau(t, e)
		// One member admitted in the period, registered without history.
		var branch int64
		if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE parent_id = ? AND kind = 'branch' ORDER BY id LIMIT 1", sub).Scan(&branch); err != nil {
			t.Fatal(err)
		}
		e.Person(dbtest.Person{Org: branch, Name: "新党员", Status: "probationary", JoinDate: time.Now().AddDate(0, -2, 0).Format(time.DateOnly)})
		c := e.Account(auth.Leader, root, 0)
		for _, q := range []string{fmt.Sprintf("org=%d", root), fmt.Sprintf("org=%d&years=5", sub),
			fmt.Sprintf("org=%d&from=%d-01-01&to=%d-12-31", root, time.Now().Year()-2, time.Now().Year()-1)} {
			var sp leader.Speech
			c.Expect(200, "GET", "/api/v1/stats/speech?"+q, nil, &sp)
			links := 0
			var text strings.Builder
			for _, sg := range sp.Segments {
				text.WriteString(sg.Text)
				if sg.Href == "" {
					continue
				}
				links++
				if n, ok := listTotal(t, c, sg.Href); ok && fmt.Sprint(n) != sg.Text {
					t.Errorf("%s: the paragraph says %s, its list %s has %d", q, sg.Text, sg.Href, n)
				}
			}
			if text.String() != sp.Paragraph || links < 4 || !strings.Contains(sp.Paragraph, "新发展党员") || !strings.Contains(sp.Paragraph, "学时") {
				t.Errorf("%s: %d links in %q", q, links, sp.Paragraph)
			}
		}
		var sp leader.Speech
		c.Do("GET", fmt.Sprintf("/api/v1/stats/speech?org=%d&years=1", sub), nil, &sp)
		if !strings.Contains(sp.Paragraph, "新发展党员 ") || strings.Contains(sp.Paragraph, "新发展党员 0 名") {
			t.Errorf("the member admitted two months ago is not counted: %q", sp.Paragraph)
		}
		// The page shows the paragraph with its links and the trends.
		if st := c.Do("GET", fmt.Sprintf("/stats/leader?org=%d", root), nil, nil); st != 200 ||
			!strings.Contains(c.Body(), `id="speech-paragraph"`) || !strings.Contains(c.Body(), "status=party") || !strings.Contains(c.Body(), "较上年") {
			t.Fatalf("leader page: %d", st)
		}
		// The trends follow the period asked for.
		y := time.Now().Year()
		if st := c.Do("GET", fmt.Sprintf("/stats/leader?org=%d&from=%d-01-01&to=%d-12-31", root, y-4, y-1), nil, nil); st != 200 ||
			!strings.Contains(c.Body(), fmt.Sprintf("<th>%d年</th>", y-4)) || !strings.Contains(c.Body(), fmt.Sprintf("<th>%d年</th>", y-1)) ||
			strings.Contains(c.Body(), fmt.Sprintf("<th>%d年</th>", y)) {
			t.Errorf("the trends do not cover %d–%d: %d", y-4, y-1, st)
		}
		officer := e.Account(auth.OrgAdmin, sub, 0)
		for _, bad := range []struct {
			path  string
			want  int
			field string
		}{
			{fmt.Sprintf("/api/v1/stats/speech?org=%d", other), 404, ""},
			{fmt.Sprintf("/api/v1/stats/speech?org=%d&years=11", sub), 400, "years"},
			{fmt.Sprintf("/api/v1/stats/speech?org=%d&years=x", sub), 400, "years"},
			{fmt.Sprintf("/api/v1/stats/speech?org=%d&from=2025-02-30", sub), 400, "from"},
			{fmt.Sprintf("/api/v1/stats/speech?org=%d&from=2025-06-01&to=2025-01-01", sub), 0, "to"},
		} {
			var out struct {
				Error struct{ Field, Message string }
			}
			st := officer.Do("GET", bad.path, nil, &out)
			if (bad.want != 0 && st != bad.want) || st < 400 || out.Error.Field != bad.field || out.Error.Message == "" {
				t.Errorf("%s: %d %+v", bad.path, st, out.Error)
			}
		}
		if st := officer.Do("GET", fmt.Sprintf("/stats/leader?org=%d", other), nil, nil); st != 404 {
			t.Errorf("another 分局's leader page: %d", st)
		}
	})
}
