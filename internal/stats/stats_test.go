package stats_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/stats"
)

func seeded(t *testing.T, e *apptest.Env) {
	t.Helper()
	if _, err := demo.Seed(context.Background(), e.App.Deps, demo.Options{Seed: 3, Members: 2000, Password: "Demo-Pass-2026!"}); err != nil {
		t.Fatal(err)
	}
}

func orgID(t *testing.T, e *apptest.Env, name string) (int64, string) {
	t.Helper()
	var id int64
	var path string
	if err := e.DB.QueryRowContext(context.Background(), "SELECT id, path FROM orgs WHERE name = ?", name).Scan(&id, &path); err != nil {
		t.Fatalf("org %s: %v", name, err)
	}
	return id, path
}

func count(t *testing.T, e *apptest.Env, where string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM persons p JOIN orgs o ON o.id = p.org_id WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func slice(ss []stats.Slice, key string) stats.Slice {
	for _, s := range ss {
		if s.Key == key {
			return s
		}
	}
	return stats.Slice{}
}

// The dashboard of a subtree equals direct SQL counts of that subtree.
func TestDashboardMatchesSQL(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		seeded(t, e)
		yanta, path := orgID(t, e, "中共西安市公安局雁塔分局委员会")
		c := e.Account(auth.OrgAdmin, yanta, 0)
		var d stats.Dashboard
		c.Expect(200, "GET", "/api/v1/stats/dashboard", nil, &d)
		in := "o.path LIKE ?"
		sub := path + "%"
		party := in + " AND p.status IN ('full','probationary')"
		if d.OrgID != yanta || d.Members != count(t, e, party, sub) || d.Full != count(t, e, in+" AND p.status = 'full'", sub) {
			t.Fatalf("totals: %+v", d)
		}
		for _, st := range []string{"applicant", "full", "transferred"} {
			if got, want := slice(d.ByStatus, st).Count, count(t, e, in+" AND p.status = ?", sub, st); got != want || want == 0 {
				t.Errorf("status %s: %d, SQL %d", st, got, want)
			}
		}
		for _, cat := range []string{"民警", "辅警"} {
			if got, want := slice(d.ByCategory, cat).Count, count(t, e, party+" AND p.category = ?", sub, cat); got != want || want == 0 {
				t.Errorf("category %s: %d, SQL %d", cat, got, want)
			}
		}
		if got, want := slice(d.ByGender, "女").Probationary, count(t, e, in+" AND p.status = 'probationary' AND p.gender = '女'", sub); got != want {
			t.Errorf("female probationary: %d, SQL %d", got, want)
		}
		if got, want := d.CollegeOrAbove, count(t, e, party+" AND p.education IN ('研究生','大学本科','大学专科')", sub); got != want {
			t.Errorf("大专及以上: %d, SQL %d", got, want)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		cut := func(years int) string { return today.AddDate(-years, 0, 0).Format("2006-01-02") }
		if got, want := slice(d.ByAge, "31-35").Count, count(t, e, party+" AND p.birth_date <= ? AND p.birth_date > ?", sub, cut(31), cut(36)); got != want || want == 0 {
			t.Errorf("age 31–35: %d, SQL %d", got, want)
		}
		if got, want := slice(d.ByAge, "-30").Count, count(t, e, party+" AND p.birth_date > ?", sub, cut(31)); got != want {
			t.Errorf("age ≤30: %d, SQL %d", got, want)
		}
		ages := 0
		for _, a := range d.ByAge {
			ages += a.Count
		}
		if ages != d.Members {
			t.Errorf("age bands add up to %d, members %d", ages, d.Members)
		}
		if slice(d.OrgsByKind, "committee").Count != 1 || slice(d.OrgsByKind, "general").Count != 1 {
			t.Errorf("org kinds of 雁塔: %+v", d.OrgsByKind)
		}
		if l := slice(d.ByCategory, "辅警").FullLink; l != fmt.Sprintf("/members?category=%%E8%%BE%%85%%E8%%AD%%A6&org=%d&status=full", yanta) {
			t.Errorf("click-through link %q", l)
		}

		// A branch of the subtree narrows it; a sibling's subtree is 404.
		branch, bpath := orgID(t, e, "雁塔分局小寨路派出所党支部")
		if st := c.Do("GET", fmt.Sprintf("/api/v1/stats/dashboard?org=%d", branch), nil, &d); st != 200 || d.Members != count(t, e, party, bpath+"%") {
			t.Fatalf("branch dashboard: %d %+v", st, d)
		}
		beilin, _ := orgID(t, e, "中共西安市公安局碑林分局委员会")
		for _, q := range []string{fmt.Sprint(beilin), "999999"} {
			if st := c.Do("GET", "/api/v1/stats/dashboard?org="+q, nil, nil); st != 404 {
				t.Errorf("org=%s: %d, want 404", q, st)
			}
		}
		for _, q := range []string{"abc", "-1", "1%27%20OR%201=1"} {
			if st := c.Do("GET", "/api/v1/stats/dashboard?org="+q, nil, nil); st != 400 {
				t.Errorf("org=%s: %d, want 400", q, st)
			}
		}

		// A new member shows at once.
		before := d.Members
		ctx := context.Background()
		if err := e.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO persons (org_id, org_path, name, pinyin, initials, gender, status, birth_date, join_date, full_date, created_at, updated_at)
				VALUES (?, ?, '新党员', 'xindangyuan', 'xdy', '男', 'full', '1990-01-01', '2015-01-01', '2016-01-01', ?, ?)`, branch, bpath, time.Now().UnixMilli(), time.Now().UnixMilli())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if c.Do("GET", fmt.Sprintf("/api/v1/stats/dashboard?org=%d", branch), nil, &d); d.Members != before+1 {
			t.Fatalf("after adding a member: %d, want %d", d.Members, before+1)
		}
	})
}

func TestHomePage(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		seeded(t, e)
		root, _ := orgID(t, e, "中共西安市公安局委员会")
		leader := e.Account(auth.Leader, root, 0)
		if st := leader.Do("GET", "/", nil, nil); st != 200 || strings.Count(leader.Body(), "data-chart=") != 6 ||
			!strings.Contains(leader.Body(), "/static/web/dashboard.js?v=") || strings.Contains(leader.Body(), "<script>") {
			t.Fatalf("dashboard page: %d %s", st, leader.Body())
		}
		if !strings.Contains(leader.Body(), "/members?org=") || !strings.Contains(leader.Body(), "age=31-35") {
			t.Error("the page's tables link through to the filtered member list")
		}
		for role, to := range map[auth.Role]string{auth.SysAdmin: "/admin/accounts", auth.SecAdmin: "/admin/security", auth.Auditor: "/audit"} {
			c := e.Account(role, 0, 0)
			if st := c.Do("GET", "/", nil, nil); st != 303 {
				t.Errorf("%s at /: %d, want a redirect to %s", role, st, to)
			}
		}
		if st := e.Account(auth.Auditor, 0, 0).Do("GET", "/api/v1/stats/dashboard", nil, nil); st != 403 {
			t.Errorf("the auditor reads no member statistics: %d", st)
		}
		if st := e.Anonymous().Do("GET", "/api/v1/stats/dashboard", nil, nil); st != 401 {
			t.Errorf("anonymous: %d", st)
		}
	})
}

// Moving a branch to another 分局 moves it and its people's figures at once:
// the move stamps their rows, which the dashboard reads since its last look.
func TestDashboardFollowsAMove(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.Bureau()
		for range 3 {
			e.Person(dbtest.Person{Org: b.ABranch, Name: "甲", Status: "full"})
		}
		c := e.Account(auth.OrgAdmin, b.Root, 0)
		view := func(org int64) [2]int {
			t.Helper()
			var d stats.Dashboard
			if st := c.Do("GET", fmt.Sprintf("/api/v1/stats/dashboard?org=%d", org), nil, &d); st != 200 {
				t.Fatalf("dashboard of %d: %d %s", org, st, c.Body())
			}
			return [2]int{d.Members, d.Orgs}
		}
		if a, bb := view(b.A), view(b.B); a != [2]int{3, 2} || bb != [2]int{0, 2} {
			t.Fatalf("before the move: 甲 %v, 乙 %v (党员, 党组织)", a, bb)
		}
		if st := c.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/move", b.ABranch), map[string]any{"parent_id": b.B}, nil); st != 200 {
			t.Fatalf("move: %d %s", st, c.Body())
		}
		if a, bb := view(b.A), view(b.B); a != [2]int{0, 1} || bb != [2]int{3, 3} {
			t.Fatalf("after the move: 甲 %v, 乙 %v (党员, 党组织), want [0 1] and [3 3]", a, bb)
		}
	})
}
