package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/appraisal"
	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// appraisalBranch is a 市局 with a branch of five party members (four 正式, one
// 预备) and, in another bureau, a branch with one member.
type appraisalBranch struct {
	root, id, other int64
	people          []int64
	outsider        int64
}

func appraisalSetup(t *testing.T, e *apptest.Env) *appraisalBranch {
	b := &appraisalBranch{root: e.Org(0, "市公安局党委", "committee")}
	b.id = e.Org(b.root, "城关派出所党支部", "branch")
	b.other = e.Org(e.Org(0, "外局党委", "committee"), "外局党支部", "branch")
	for i, n := range []string{"甲", "乙", "丙", "丁"} {
		b.people = append(b.people, e.Person(dbtest.Person{Org: b.id, Name: n, Pinyin: fmt.Sprint(i), JoinDate: "2010-01-01", FullDate: "2011-01-01"}))
	}
	b.people = append(b.people, e.Person(dbtest.Person{Org: b.id, Name: "戊", Pinyin: "4", Status: "probationary", JoinDate: "2025-06-01"}))
	b.outsider = e.Person(dbtest.Person{Org: b.other, Name: "己", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	return b
}

// snapshot is every row of the round's tables, to show a refusal changed nothing.
func snapshot(t *testing.T, e *apptest.Env) string {
	out := ""
	for _, tb := range []string{"appraisal_rounds", "appraisal_members", "appraisal_comments"} {
		dbtest.Rows(t, e.DB, tb, func(_ []string, vals []any) { out += fmt.Sprint(vals...) + "\n" })
	}
	return out
}

func TestRoundFromOpeningToOutcome(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := appraisalSetup(t, e)
		e.At("2026-01-05")
		admin := e.Account(auth.OrgAdmin, b.id, 0)
		p := b.people
		open := func() map[string]any {
			return map[string]any{"org_id": b.id, "year": 2025, "started_on": "2026-01-05", "self_due": "2026-01-10", "vote_due": "2026-01-20", "rate_due": "2026-01-31"}
		}
		for _, bad := range []struct {
			name   string
			change func(m map[string]any)
			status int
			field  string
		}{
			{"starts tomorrow", func(m map[string]any) { m["started_on"] = "2026-01-06" }, 422, "started_on"},
			{"no such date", func(m map[string]any) { m["self_due"] = "2026-02-30" }, 400, "self_due"},
			{"vote before self", func(m map[string]any) { m["vote_due"] = "2026-01-08" }, 422, "vote_due"},
			{"rating after three months", func(m map[string]any) { m["rate_due"] = "2026-05-01" }, 422, "rate_due"},
			{"a year to come", func(m map[string]any) { m["year"] = 2027 }, 400, "year"},
			{"a year long past", func(m map[string]any) { m["year"] = 2020 }, 422, "started_on"},
			{"a 党委 instead of a branch", func(m map[string]any) { m["org_id"] = b.root }, 404, ""},
		} {
			m := open()
			bad.change(m)
			var out apiError
			if st := admin.Do("POST", "/api/v1/appraisals", m, &out); st != bad.status || out.Error.Field != bad.field {
				t.Errorf("%s: %d %+v, want %d on %q", bad.name, st, out.Error, bad.status, bad.field)
			}
		}
		admin.Expect(404, "POST", "/api/v1/appraisals", map[string]any{"org_id": b.other, "year": 2025, "started_on": "2026-01-05",
			"self_due": "2026-01-10", "vote_due": "2026-01-20", "rate_due": "2026-01-31"}, nil) // another bureau's branch
		if n := e.Count("SELECT COUNT(*) FROM appraisal_rounds"); n != 0 {
			t.Fatalf("refused rounds wrote %d rows", n)
		}
		var r appraisal.Round
		if st := admin.Do("POST", "/api/v1/appraisals", open(), &r); st != 201 || r.Roster != 5 || r.Stage != "self" {
			t.Fatalf("open: %d %+v", st, r)
		}
		admin.Expect(409, "POST", "/api/v1/appraisals", open(), nil) // second round of the year
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.appraisal' AND done_at IS NULL AND due_on = '2026-01-31'"); n != 1 {
			t.Fatalf("round 待办: %d", n)
		}

		// 自评 on the phone; someone outside the round cannot reach it.
		members := make([]*apptest.Client, len(p))
		for i, id := range p {
			members[i] = e.Account(auth.Member, 0, id)
		}
		stranger := e.Account(auth.Member, 0, b.outsider)
		path := fmt.Sprintf("/api/v1/appraisals/%d", r.ID)
		members[0].Expect(200, "PUT", path+"/my-self", map[string]any{"self_text": "一年来认真履职。"}, nil)
		members[0].Expect(400, "PUT", path+"/my-self", map[string]any{"self_text": "  "}, nil) // empty self
		stranger.Expect(404, "PUT", path+"/my-self", map[string]any{"self_text": "x"}, nil)    // stranger's self
		var mine appraisal.Mine
		if st := members[0].Do("GET", "/api/v1/appraisals/mine", nil, &mine); st != 200 || len(mine.Items) != 1 || len(mine.Items[0].Others) != 4 ||
			mine.Items[0].Me.SelfText == "" || !mine.Items[0].CanVote {
			t.Fatalf("mine: %d %+v", st, mine)
		}

		// Ballots: every other member once; bad ballots change nothing.
		e.At("2026-01-15")
		ballot := func(voter int, grade func(target int) string) []map[string]any {
			var marks []map[string]any
			for i, id := range p {
				if i != voter {
					marks = append(marks, map[string]any{"person_id": id, "grade": grade(i), "comment": fmt.Sprintf("第%d人意见", voter)})
				}
			}
			return marks
		}
		good := func(target int) string {
			if target == 4 {
				return "unqualified"
			}
			return "excellent"
		}
		before := snapshot(t, e)
		for _, bad := range []struct {
			name   string
			marks  []map[string]any
			status int
		}{
			{"marks self", append(ballot(0, good)[:3], map[string]any{"person_id": p[0], "grade": "excellent"}), 422},
			{"marks an outsider", append(ballot(0, good)[:3], map[string]any{"person_id": b.outsider, "grade": "excellent"}), 422},
			{"leaves one out", ballot(0, good)[:3], 400},
			{"larger than the roster", append(ballot(0, good), map[string]any{"person_id": b.outsider, "grade": "qualified"}), 422},
			{"unknown grade", ballot(0, func(int) string { return "great" }), 400},
			{"marks one twice", append(ballot(0, good)[:3], ballot(0, good)[0]), 422},
		} {
			var out apiError
			if st := members[0].Do("POST", path+"/ballot", map[string]any{"marks": bad.marks}, &out); st != bad.status || out.Error.Field != "marks" {
				t.Errorf("%s: %d %+v", bad.name, st, out.Error)
			}
		}
		if snapshot(t, e) != before {
			t.Fatal("a refused ballot changed the round")
		}
		for i := 0; i < 3; i++ {
			members[i].Expect(200, "POST", path+"/ballot", map[string]any{"marks": ballot(i, good)}, nil)
		}
		members[0].Expect(409, "POST", path+"/ballot", map[string]any{"marks": ballot(0, good)}, nil) // double vote
		e.At("2026-01-21")
		var late apiError
		if st := members[3].Do("POST", path+"/ballot", map[string]any{"marks": ballot(3, good)}, &late); st != 422 || late.Error.Code != "vote_closed" {
			t.Fatalf("after the deadline: %d %+v", st, late.Error)
		}
		if st := admin.Do("GET", path, nil, &r); st != 200 || r.PhoneBallots != 3 || r.Stage != "rate" {
			t.Fatalf("after voting: %d %+v", st, r)
		}
		if m := r.Members[0]; m.Name != "甲" || m.Phone.Excellent != 2 || len(m.Comments) != 2 || m.SelfText == "" {
			t.Fatalf("甲's marks %+v", m)
		}
		if m := r.Members[4]; m.Phone.Unqualified != 3 {
			t.Fatalf("戊's marks %+v", m)
		}

		// Paper ballots: with the phone ones, no more than the roster.
		tally := func(version, paper, excellent int) map[string]any {
			return map[string]any{"version": version, "paper_ballots": paper, "tallies": []map[string]any{{"person_id": p[1], "excellent": excellent}}}
		}
		for _, bad := range []struct {
			name   string
			body   map[string]any
			status int
		}{
			{"more ballots than members", tally(r.Version, 3, 1), 422},
			{"more marks than ballots", tally(r.Version, 2, 3), 422},
			{"negative", tally(r.Version, -1, 0), 422},
		} {
			if st := admin.Do("PUT", path+"/tally", bad.body, nil); st != bad.status {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		if st := admin.Do("PUT", path+"/tally", tally(r.Version, 2, 2), &r); st != 200 || r.PaperBallots != 2 || r.Members[1].Marks().Excellent != 4 {
			t.Fatalf("tally: %d %s", st, admin.Body())
		}
		admin.Expect(409, "PUT", path+"/tally", tally(r.Version-1, 2, 1), nil) // racing edit

		// Ratings: a 不合格 needs its 限期改正, at most a year.
		rate := func(rs ...map[string]any) (int, apiError) {
			var out apiError
			st := admin.Do("PUT", path+"/ratings", map[string]any{"version": r.Version, "ratings": rs}, &out)
			return st, out
		}
		if st, out := rate(map[string]any{"person_id": p[4], "rating": "unqualified"}); st != 422 || out.Error.Rule != "R-correction" {
			t.Fatalf("不合格 without 限期改正: %d %+v", st, out.Error)
		}
		if st, out := rate(map[string]any{"person_id": p[4], "rating": "unqualified", "measure": "按时参加组织生活", "correct_by": "2027-02-01"}); st != 422 ||
			out.Error.Rule != "R-correction" || out.Error.Field != "correct_by" {
			t.Fatalf("限期改正 over a year: %d %+v", st, out.Error)
		}
		if st, _ := rate(map[string]any{"person_id": b.outsider, "rating": "qualified"}); st != 422 {
			t.Fatalf("outsider rated: %d", st)
		}
		var out apiError
		if st := admin.Do("POST", path+"/close", map[string]any{"version": r.Version, "closed_on": "2026-01-21"}, &out); st != 422 || out.Error.Field != "ratings" {
			t.Fatalf("close before rating: %d %+v", st, out.Error)
		}
		admin.Expect(200, "PUT", path+"/ratings", map[string]any{"version": r.Version, "ratings": []map[string]any{
			{"person_id": p[0], "rating": "excellent"}, {"person_id": p[1], "rating": "excellent"}, {"person_id": p[2], "rating": "qualified"},
			{"person_id": p[3], "rating": "basic", "note": "学习不够"},
			{"person_id": p[4], "rating": "unqualified", "measure": "按时参加组织生活", "correct_by": "2026-07-21"}}}, &r)
		if r.Ratings != (appraisal.Tally{Excellent: 2, Qualified: 1, Basic: 1, Unqualified: 1}) || r.Rated != 5 {
			t.Fatalf("distribution %+v", r.Ratings)
		}
		admin.Expect(422, "POST", path+"/outcomes", map[string]any{"version": r.Version, "person_id": p[4], "result": "corrected", "result_on": "2026-01-21"}, nil) // outcome before closing
		admin.Expect(422, "POST", path+"/close", map[string]any{"version": r.Version, "closed_on": "2026-01-22"}, nil)                                              // closed tomorrow
		if st := admin.Do("POST", path+"/close", map[string]any{"version": r.Version, "closed_on": "2026-01-21"}, &r); st != 200 || r.Stage != "closed" {
			t.Fatalf("close: %d %s", st, admin.Body())
		}
		members[3].Expect(409, "PUT", path+"/my-self", map[string]any{"self_text": "补写"}, nil) // self after closing
		open2 := func(q string) int {
			return e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.appraisal' AND done_at IS NULL" + q)
		}
		if open2(" AND due_on = '2026-01-31'") != 0 || open2(fmt.Sprintf(" AND person_id = %d AND due_on = '2026-07-21'", p[4])) != 1 {
			t.Fatalf("待办 after closing: %d open", open2(""))
		}
		e.At("2026-07-01")
		admin.Expect(422, "POST", path+"/outcomes", map[string]any{"version": r.Version, "person_id": p[3], "result": "corrected", "result_on": "2026-07-01"}, nil)     // outcome of a 基本合格
		admin.Expect(400, "POST", path+"/outcomes", map[string]any{"version": r.Version, "person_id": p[4], "result": "not_corrected", "result_on": "2026-07-01"}, nil) // 仍未改正 without a note
		if st := admin.Do("POST", path+"/outcomes", map[string]any{"version": r.Version, "person_id": p[4], "result": "corrected", "result_on": "2026-07-01", "note": "已按时参加"}, &r); st != 200 ||
			r.Members[4].Result != "corrected" {
			t.Fatalf("outcome: %d %s", st, admin.Body())
		}
		if open2("") != 0 {
			t.Fatalf("%d 待办 left open", open2(""))
		}
		var l appraisal.List
		if st := admin.Do("GET", "/api/v1/appraisals?year=2025&stage=closed", nil, &l); st != 200 || l.Total != 1 || l.Ratings.Excellent != 2 {
			t.Fatalf("list: %d %s", st, admin.Body())
		}
		leader := e.Account(auth.Leader, b.root, 0)
		leader.Expect(200, "GET", path, nil, nil)                                             // leader reads
		leader.Expect(403, "PUT", path+"/ratings", map[string]any{"version": r.Version}, nil) // leader writes
	})
}
