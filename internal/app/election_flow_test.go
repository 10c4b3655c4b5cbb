package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/election"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// at fixes the server's clock.
func TestElectionFromBallotToRenewedCommittee(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-03-20")
		ctx := context.Background()
		root := dbtest.AddOrg(t, e.DB, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
		upper := dbtest.AddOrg(t, e.DB, dbtest.Org{Parent: root, Name: "甲分局党委", Kind: "committee", CanApprove: true})
		branch := e.Org(upper, "城关派出所党支部", "branch")
		if _, err := e.DB.ExecContext(ctx, "UPDATE orgs SET term_start = '2023-04-01', term_end = '2026-04-01' WHERE id = ?", branch); err != nil {
			t.Fatal(err)
		}
		var full []int64
		for i := 0; i < 8; i++ {
			full = append(full, e.Person(dbtest.Person{Org: branch, Name: fmt.Sprintf("党员%d", i), Pinyin: fmt.Sprint(i), JoinDate: "2010-01-01", FullDate: "2011-01-01"}))
		}
		prob := e.Person(dbtest.Person{Org: branch, Name: "预备", Pinyin: "9", Status: "probationary", JoinDate: "2025-06-01"})
		if _, err := e.DB.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, term_end, created_at) VALUES (?,?,'书记','2023-04-01','2026-04-01',0)", branch, full[7]); err != nil {
			t.Fatal(err)
		}
		if err := org.SyncWarnings(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		secretary := e.Account(auth.OrgAdmin, branch, 0)
		upperAdmin := e.Account(auth.OrgAdmin, upper, 0)
		cands := func(votes ...int) []map[string]any {
			var out []map[string]any
			for i, v := range votes {
				out = append(out, map[string]any{"person_id": full[i], "votes": v})
			}
			return out
		}
		body := func() map[string]any {
			return map[string]any{"org_id": branch, "held_on": "2026-03-15", "seats": 3, "expected": 8, "present": 7, "issued": 7, "returned": 7, "invalid": 0,
				"candidates": cands(7, 6, 5, 3)}
		}
		for _, bad := range []struct {
			name   string
			change func(m map[string]any)
			status int
			field  string
			rule   string
		}{
			{"more voters than members", func(m map[string]any) { m["expected"] = 9 }, 422, "expected", ""},
			{"no quorum", func(m map[string]any) { m["present"], m["issued"], m["returned"] = 6, 6, 6 }, 422, "present", "R-election-quorum"},
			{"more ballots back than out", func(m map[string]any) { m["issued"] = 6 }, 422, "returned", "R-election-ballots"},
			{"more ballots out than voters", func(m map[string]any) { m["issued"] = 8 }, 422, "issued", ""},
			{"two seats for eight members", func(m map[string]any) { m["seats"] = 2 }, 422, "seats", "R-committee-size"},
			{"no choice", func(m map[string]any) { m["candidates"] = cands(7, 6, 5) }, 422, "candidates", "R-election-margin"},
			{"a 预备党员 standing", func(m map[string]any) {
				m["candidates"] = append(cands(7, 6, 5), map[string]any{"person_id": prob, "votes": 2})
			}, 422, "candidates", ""},
			{"more votes than ballots", func(m map[string]any) { m["candidates"] = cands(8, 6, 5, 3) }, 422, "candidates", ""},
			{"a tie for the last seat", func(m map[string]any) { m["candidates"] = cands(7, 6, 5, 5) }, 422, "candidates", ""},
			{"nobody past half", func(m map[string]any) { m["candidates"] = cands(3, 3, 2, 1) }, 422, "candidates", "R-election-majority"},
			{"held tomorrow", func(m map[string]any) { m["held_on"] = "2026-03-21" }, 422, "held_on", ""},
			{"no such day", func(m map[string]any) { m["held_on"] = "2026-02-30" }, 400, "held_on", ""},
		} {
			m := body()
			bad.change(m)
			var out apiError
			if st := secretary.Do("POST", "/api/v1/elections", m, &out); st != bad.status || out.Error.Field != bad.field || out.Error.Rule != bad.rule {
				t.Errorf("%s: %d %+v", bad.name, st, out.Error)
			}
		}
		other := e.Org(root, "乙分局党委", "committee")
		if st := e.Account(auth.OrgAdmin, other, 0).Do("POST", "/api/v1/elections", body(), nil); st != 404 {
			t.Fatalf("another 分局's branch: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM elections"); n != 0 {
			t.Fatalf("refused elections wrote %d rows", n)
		}
		var el election.Election
		if st := secretary.Do("POST", "/api/v1/elections", body(), &el); st != 201 || el.Elected != 3 || el.Candidates[3].Elected {
			t.Fatalf("record: %d %s", st, secretary.Body())
		}
		secretary.Expect(409, "POST", "/api/v1/elections", body(), nil) // double submission
		todoTo := func(orgID int64) int {
			return e.Count("SELECT COUNT(*) FROM todos WHERE source = 'org.election' AND done_at IS NULL AND org_id = ?", orgID)
		}
		if todoTo(branch) != 1 || todoTo(upper) != 0 {
			t.Fatalf("before the posts: %d to the branch, %d up", todoTo(branch), todoTo(upper))
		}
		path := fmt.Sprintf("/api/v1/elections/%d", el.ID)
		posts := func(ps ...string) []map[string]any {
			var out []map[string]any
			for i, p := range ps {
				out = append(out, map[string]any{"person_id": full[i], "post": p})
			}
			return out
		}
		for _, bad := range []struct {
			name  string
			posts []map[string]any
			want  int
		}{
			{"one missing", posts("书记", "组织委员"), 400},
			{"two 书记", posts("书记", "书记", "宣传委员"), 422},
			{"a post for who lost", posts("书记", "组织委员", "宣传委员", "委员"), 422},
			{"no such post", posts("书记", "组织委员", "队长"), 400},
		} {
			if st := secretary.Do("PUT", path+"/posts", map[string]any{"version": el.Version, "posts": bad.posts}, nil); st != bad.want {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		secretary.Expect(200, "PUT", path+"/posts", map[string]any{"version": el.Version, "posts": posts("组织委员", "书记", "宣传委员")}, &el)
		if todoTo(branch) != 0 || todoTo(upper) != 1 {
			t.Fatalf("after the posts: %d to the branch, %d up", todoTo(branch), todoTo(upper))
		}
		approval := func(v int, on, doc string) map[string]any {
			return map[string]any{"version": v, "approved_on": on, "doc": doc}
		}
		var out apiError
		if st := secretary.Do("POST", path+"/approve", approval(el.Version, "2026-03-18", "甲分局党委〔2026〕3号"), &out); st != 403 || out.Error.Code != "not_upper" {
			t.Fatalf("the branch approves itself: %d %+v", st, out.Error)
		}
		for _, bad := range []struct {
			name string
			body map[string]any
			want int
		}{
			{"before the election", approval(el.Version, "2026-03-14", "x"), 422},
			{"no document", approval(el.Version, "2026-03-18", " "), 400},
			{"a stale version", approval(el.Version-1, "2026-03-18", "x"), 409},
		} {
			if st := upperAdmin.Do("POST", path+"/approve", bad.body, nil); st != bad.want {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		if st := upperAdmin.Do("POST", path+"/approve", approval(el.Version, "2026-03-18", "甲分局党委〔2026〕3号"), &el); st != 200 || el.State != election.Approved ||
			el.TermEnd != "2029-03-15" {
			t.Fatalf("approve: %d %s", st, upperAdmin.Body())
		}
		var d org.Detail
		if st := secretary.Do("GET", fmt.Sprintf("/api/v1/orgs/%d", branch), nil, &d); st != 200 || d.TermStart != "2026-03-15" {
			t.Fatalf("branch after renewal: %d %+v", st, d.Org)
		}
		current := map[int64]string{}
		for _, m := range d.Committee {
			if m.Current {
				current[m.PersonID] = m.Post
			}
		}
		if len(current) != 3 || current[full[1]] != "书记" || current[full[7]] != "" {
			t.Fatalf("committee after renewal: %+v", current)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE done_at IS NULL AND (source = 'org.election' OR dedup_key = ?)", fmt.Sprintf("term_expiring:%d", branch)); n != 0 {
			t.Fatalf("%d 待办 left open", n)
		}
		upperAdmin.Expect(409, "POST", path+"/approve", approval(el.Version, "2026-03-18", "x"), nil) // approved twice
		var l election.List
		if st := upperAdmin.Do("GET", "/api/v1/elections?state=approved&year=2026", nil, &l); st != 200 || l.Total != 1 {
			t.Fatalf("list: %d %s", st, upperAdmin.Body())
		}
	})
}
