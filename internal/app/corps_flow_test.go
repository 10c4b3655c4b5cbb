package app_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/corps"
	"hongdun/internal/demo"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
)

// The roster end to end: appoint, refuse bad input, leave, awards side by
// side, the nomination under its rules and its approval into the honours
// registry, the 党务工作者 audience, and the turnover the API reports.
func TestRosterFlowAndBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		person := func(org int64, name, cat, status string) int64 {
			return e.Person(dbtest.Person{Org: org, Name: name, Category: cat, Status: status, JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		}
		zhang := person(b.BBranch, "张书记", "民警", "full")
		li := person(b.BBranch, "李干事", "辅警", "full")
		wang := person(b.ABranch, "王甲", "民警", "full")
		zhao := person(b.BBranch, "赵申请", "民警", "applicant")
		adminB := e.Account(auth.OrgAdmin, b.B, 0)
		branchB := e.Account(auth.OrgAdmin, b.BBranch, 0)
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		leader := e.Account(auth.Leader, b.Root, 0)

		var w corps.Worker
		if st := branchB.Do("POST", "/api/v1/party-workers", map[string]any{"person_id": zhang, "org_id": b.BBranch, "post": "secretary", "duty": "part",
			"appointed_on": "2024-03-01"}, &w); st != 201 || w.Category != "民警" || w.PostLabel != "书记" || w.Tenure != 2.2 {
			t.Fatalf("appoint: %d %+v %s", st, w, branchB.Body())
		}
		before := e.Count("SELECT COUNT(*) FROM corps_workers")
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"person elsewhere", map[string]any{"person_id": wang, "org_id": b.BBranch, "post": "clerk", "duty": "part", "appointed_on": "2024-03-01"}, 422, "person_id"},
			{"not a member", map[string]any{"person_id": zhao, "org_id": b.BBranch, "post": "clerk", "duty": "part", "appointed_on": "2024-03-01"}, 422, "person_id"},
			{"future date", map[string]any{"person_id": li, "org_id": b.BBranch, "post": "clerk", "duty": "part", "appointed_on": "2026-06-01"}, 400, "appointed_on"},
			{"no such date", map[string]any{"person_id": li, "org_id": b.BBranch, "post": "clerk", "duty": "part", "appointed_on": "2026-02-30"}, 400, "appointed_on"},
			{"bad post", map[string]any{"person_id": li, "org_id": b.BBranch, "post": "boss", "duty": "part", "appointed_on": "2024-03-01"}, 400, "post"},
			{"twice", map[string]any{"person_id": zhang, "org_id": b.BBranch, "post": "secretary", "duty": "full", "appointed_on": "2025-03-01"}, 409, ""},
			{"other subtree", map[string]any{"person_id": wang, "org_id": b.ABranch, "post": "clerk", "duty": "part", "appointed_on": "2024-03-01"}, 404, ""},
		} {
			var eb apiError
			if st := branchB.Do("POST", "/api/v1/party-workers", c.body, &eb); st != c.status || eb.Error.Field != c.field || eb.Error.Message == "" {
				t.Errorf("%s: %d %+v", c.name, st, eb)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM corps_workers"); n != before {
			t.Fatalf("refusals wrote %d rows", n-before)
		}

		// 李干事 on the roster makes her a 党务工作者 for training and exams.
		var clerk corps.Worker
		branchB.Expect(201, "POST", "/api/v1/party-workers", map[string]any{"person_id": li, "org_id": b.BBranch, "post": "clerk", "duty": "full",
			"appointed_on": "2025-09-01"}, &clerk)
		cats, err := member.AudienceCategories(context.Background(), e.DB, li)
		if err != nil || !slices.Contains(cats, "党务工作者") {
			t.Fatalf("audience: %v %v", cats, err)
		}

		// Exits: the date must follow the appointment; a second exit or a
		// stale version is a conflict.
		var eb apiError
		if st := branchB.Do("POST", fmt.Sprintf("/api/v1/party-workers/%d/exit", clerk.ID), map[string]any{"left_on": "2025-08-01", "reason": "transfer", "version": 1}, &eb); st != 400 || eb.Error.Field != "left_on" {
			t.Fatalf("exit before appointment: %d %+v", st, eb)
		}
		branchB.Expect(409, "POST", fmt.Sprintf("/api/v1/party-workers/%d/exit", clerk.ID), map[string]any{"left_on": "2026-03-31", "reason": "exam", "version": 9}, nil) // stale version
		if st := branchB.Do("POST", fmt.Sprintf("/api/v1/party-workers/%d/exit", clerk.ID), map[string]any{"left_on": "2026-03-31", "reason": "exam", "version": 1}, &clerk); st != 200 || clerk.ReasonLabel != "考试录用离岗" {
			t.Fatalf("exit: %d %s", st, branchB.Body())
		}
		branchB.Expect(409, "POST", fmt.Sprintf("/api/v1/party-workers/%d/exit", clerk.ID), map[string]any{"left_on": "2026-04-01", "reason": "exam", "version": 2}, nil) // second exit
		if cats, _ := member.AudienceCategories(context.Background(), e.DB, li); slices.Contains(cats, "党务工作者") {
			t.Fatal("a leaver is still a 党务工作者")
		}

		// Turnover of B's branch in 2026: start 2 (both appointed before),
		// one left, one on the roster now.
		var f corps.Figures
		if st := adminB.Do("GET", fmt.Sprintf("/api/v1/party-workers/turnover?org=%d", b.BBranch), nil, &f); st != 200 ||
			f.Start != 2 || f.Left != 1 || f.Headcount != 1 || f.Rate != 66.7 || f.KeyShare != 0 || len(f.History) != 5 {
			t.Fatalf("turnover: %d %+v", st, f)
		}
		adminB.Expect(400, "GET", "/api/v1/party-workers/turnover?year=2027", nil, nil) // next year's turnover

		// Awards of both kinds, shown side by side.
		for _, a := range []map[string]any{{"field": "business", "title": "个人三等功", "issuer": "乙分局", "awarded_on": "2025-12-20"},
			{"field": "party", "title": "分局优秀党务工作者", "issuer": "乙分局党委", "awarded_on": "2025-07-01"}} {
			branchB.Expect(201, "POST", fmt.Sprintf("/api/v1/party-workers/%d/awards", w.ID), a, nil)
		}
		branchB.Expect(409, "POST", fmt.Sprintf("/api/v1/party-workers/%d/awards", w.ID), map[string]any{"field": "business", "title": "个人三等功", "issuer": "乙分局", "awarded_on": "2025-12-20"}, nil) // award twice
		if st := branchB.Do("POST", fmt.Sprintf("/api/v1/party-workers/%d/awards", w.ID), map[string]any{"field": "sport", "title": "x", "issuer": "y", "awarded_on": "2027-01-01"}, &eb); st != 400 ||
			!strings.Contains(eb.Error.Message, "奖项类别") || !strings.Contains(eb.Error.Message, "授予日期") {
			t.Fatalf("bad award: %d %+v", st, eb)
		}
		var pf corps.Profile
		if st := leader.Do("GET", fmt.Sprintf("/api/v1/party-workers/%d", w.ID), nil, &pf); st != 200 || len(pf.Party) != 1 || len(pf.Business) != 1 {
			t.Fatalf("profile: %d %+v", st, pf)
		}
		if st := leader.Do("GET", fmt.Sprintf("/corps/workers/%d", w.ID), nil, nil); st != 200 ||
			!strings.Contains(leader.Body(), "个人三等功") || !strings.Contains(leader.Body(), "分局优秀党务工作者") || strings.Contains(leader.Body(), "登记离岗") {
			t.Fatalf("worker page for the 领导: %s", leader.Body())
		}

		// The nomination: the rules, then the decision by the 党委 above.
		var nom corps.Nomination
		nominate := func(c *apptest.Client, worker int64, out any) int {
			return c.Do("POST", "/api/v1/party-worker-nominations", map[string]any{"year": 2026, "worker_id": worker, "deeds": "扎实推进支部标准化建设"}, out)
		}
		if st := nominate(branchB, clerk.ID, &eb); st != 422 || eb.Error.Rule != "R-corps-roster" {
			t.Fatalf("a leaver nominated: %d %+v", st, eb)
		}
		if st := nominate(branchB, w.ID, &nom); st != 201 || nom.State != corps.Nominated || nom.DecidingID != b.B {
			t.Fatalf("nominate: %d %s", st, branchB.Body())
		}
		if st := nominate(branchB, w.ID, nil); st != 409 {
			t.Fatalf("nominated twice: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'corps.nomination' AND org_id = ? AND done_at IS NULL", b.B); n != 1 {
			t.Fatalf("%d decision 待办 for B", n)
		}
		decide := map[string]any{"approve": true, "issuer_id": 14, "awarded_on": "2026-05-20", "doc_no": "乙党〔2026〕3号"}
		branchB.Expect(404, "POST", fmt.Sprintf("/api/v1/party-worker-nominations/%d/decide", nom.ID), decide, nil) // the nominating branch decided
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/party-worker-nominations/%d/decide", nom.ID), map[string]any{"approve": false}, &eb); st != 400 || eb.Error.Field != "note" {
			t.Fatalf("decline without reason: %d %+v", st, eb)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/party-worker-nominations/%d/decide", nom.ID), map[string]any{"approve": true, "issuer_id": 14, "awarded_on": "2026-13-01"}, &eb); st != 400 || eb.Error.Field != "awarded_on" {
			t.Fatalf("approve with a bad date: %d %+v", st, eb)
		}
		if n := e.Count("SELECT COUNT(*) FROM honours"); n != 0 {
			t.Fatalf("a refused approval left %d honours", n)
		}
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/party-worker-nominations/%d/decide", nom.ID), decide, &nom); st != 200 || nom.State != corps.Approved || nom.HonourID == 0 {
			t.Fatalf("approve: %d %s", st, adminB.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM honours WHERE person_id = ? AND title = '优秀党务工作者'", zhang); n != 1 {
			t.Fatalf("%d honours recorded", n)
		}
		root.Expect(409, "POST", fmt.Sprintf("/api/v1/party-worker-nominations/%d/decide", nom.ID), decide, nil) // decided twice
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'corps.nomination' AND done_at IS NULL"); n != 0 {
			t.Fatalf("%d decision 待办 left open", n)
		}

		// A new appointment is too recent to nominate; the quota holds too.
		var fresh corps.Worker
		other := person(b.BBranch, "钱委员", "民警", "full")
		branchB.Expect(201, "POST", "/api/v1/party-workers", map[string]any{"person_id": other, "org_id": b.BBranch, "post": "organiser", "duty": "part", "appointed_on": "2026-01-10"}, &fresh)
		if st := nominate(branchB, fresh.ID, &eb); st != 422 || eb.Error.Rule != "R-corps-tenure" {
			t.Fatalf("a fresh appointment nominated: %d %+v", st, eb)
		}
		e.DB.ExecContext(context.Background(), "UPDATE corps_workers SET appointed_on = '2020-01-01' WHERE id = ?", fresh.ID)
		if st := nominate(branchB, fresh.ID, &eb); st != 422 || eb.Error.Rule != "R-corps-quota" {
			t.Fatalf("over the quota: %d %+v", st, eb)
		}

		// Pages and exports.
		for _, path := range []string{"/corps", "/corps?state=all&post=clerk", "/corps/turnover", "/corps/nominations?year=2026"} {
			if st := leader.Do("GET", path, nil, nil); st != 200 || strings.Contains(leader.Body(), "method=\"post\" action=\"/corps") {
				t.Errorf("GET %s as 领导: %d", path, st)
			}
		}
		for _, path := range []string{"/corps/export?state=all", "/corps/nominations/export?year=2026"} {
			adminB.Expect(200, "GET", path, nil, nil)
			if err := cellsafe.CheckXLSX(bytes.NewReader(adminB.Last)); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('corps.export', 'corps.nomination.export')"); n != 2 {
			t.Fatalf("%d exports audited", n)
		}
		if st := adminB.Do("GET", "/api/v1/party-workers?state=gone", nil, &eb); st != 400 || eb.Error.Field != "state" {
			t.Fatalf("bad filter: %d %+v", st, eb)
		}
	})
}

// The demo bureau has a roster with people who left, awards of both kinds
// and nominations waiting and approved.
func TestDemoRoster(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	e.At("2026-05-20")
	e.Demo(demo.Options{Seed: 1, Members: 2000}, corps.SeedDemo)
	root := e.Root()
	c := e.Account(auth.OrgAdmin, root, 0)
	var f corps.Figures
	if st := c.Do("GET", "/api/v1/party-workers/turnover?year=2025", nil, &f); st != 200 || f.Headcount < 20 || f.Left == 0 || f.Aux == 0 || f.KeyPosts == 0 || f.KeyByFullPolice == 0 {
		t.Fatalf("demo turnover: %d %+v", st, f)
	}
	for q, min := range map[string]int{
		"SELECT COUNT(*) FROM corps_awards WHERE field = 'party'":                          1,
		"SELECT COUNT(*) FROM corps_awards WHERE field = 'business'":                       1,
		"SELECT COUNT(*) FROM corps_nominations WHERE state = 'approved'":                  1,
		"SELECT COUNT(*) FROM corps_nominations WHERE state = 'nominated'":                 1,
		"SELECT COUNT(*) FROM todos WHERE source = 'corps.nomination' AND done_at IS NULL": 1,
	} {
		if n := e.Count(q); n < min {
			t.Errorf("%s: %d", q, n)
		}
	}
	if err := corps.SeedDemo(ctx, e.App.Deps); err != nil {
		t.Fatal(err)
	}
}
