package develop_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/wartime"
)

// served puts a person in a 突击队 of a response of 甲分局党委 with two
// performance records, and returns the event and the records.
func served(t *testing.T, b *bureau, person int64, today civil.Date) (wartime.Event, wartime.Team, []int64) {
	t.Helper()
	c := b.fenjuAdmin
	var ev wartime.Event
	c.Expect(http.StatusCreated, "POST", "/api/v1/wartime/events", wartime.EventInput{KindID: 3, OrgID: b.fenju, Title: "驰援疫情防控", StartsOn: today.AddMonths(-3).String(),
		EndsOn: today.AddMonths(1).String(), UnitIDs: []int64{b.branch}}, &ev)
	var team wartime.Team
	c.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/teams", ev.ID), wartime.TeamInput{Kind: wartime.Squad, Name: "突击队", OrgID: b.branch,
		FormedOn: ev.StartsOn}, &team)
	c.Expect(http.StatusOK, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/members", team.ID), wartime.MemberInput{PersonID: person, JoinedOn: ev.StartsOn}, nil)
	var ids []int64
	for i, deed := range []string{"连续72小时值守卡口", "转运发热病人"} {
		var out struct{ Record wartime.Record }
		c.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/records", team.ID), wartime.RecordInput{PersonID: person,
			OnDate: today.AddMonths(-2).AddDays(i).String(), Deed: deed, AttestedBy: "突击队队长"}, &out)
		ids = append(ids, out.Record.ID)
	}
	return ev, team, ids
}

// The shortened minimum (适当缩短成为发展对象时间) applies only with its
// approval: an activist found 表现突出 becomes a 发展对象 before the year
// once a 党委 with 审批权限 approved a shorter 培养期 naming the response
// and its records — never without it, never below the floor, never for
// someone not found 表现突出.
func TestShortenedMinimumOnlyWithApproval(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c := b.fenjuAdmin
		today := civil.Today(e.App.Now())
		day := func(months, days int) string { return today.AddMonths(months).AddDays(days).String() }
		var r caseReply
		c.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": day(-10, 0)}, &r)
		id := r.Case.ID
		step := func(n int, date string, extra map[string]any) {
			t.Helper()
			body := map[string]any{"step": n, "date": date}
			for k, v := range extra {
				body[k] = v
			}
			if st := c.Do("POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", id), body, &r); st != 200 && st != 201 {
				t.Fatalf("step %d: %d %s", n, st, c.Body())
			}
		}
		post := func(path string, body map[string]any) (int, caseReply) {
			t.Helper()
			var out caseReply
			st := c.Do("POST", fmt.Sprintf("/api/v1/development/cases/%d/%s", id, path), body, &out)
			return st, out
		}
		step(2, day(-10, 5), nil)
		step(3, day(-7, 0), map[string]any{"recommendation": "党员推荐"})
		step(4, day(-7, 1), nil)
		step(5, day(-7, 2), map[string]any{"person_ids": []int64{b.members[0]}})
		step(6, day(-7, 3), nil)
		if st, out := post("publicity", map[string]any{"publicity": "candidate", "date": day(0, -20)}); st != 201 && st != 200 {
			t.Fatalf("publicity: %d %+v", st, out)
		}
		target := map[string]any{"step": 7, "date": day(0, 0)}
		if st, out := post("steps", target); st != 422 || out.Error.Rule != "R-target" {
			t.Fatalf("发展对象 at seven months without a shortening: %d %+v", st, out)
		}

		ev, team, records := served(t, b, b.applicant, today)
		shorten := func(edit func(m map[string]any)) map[string]any {
			m := map[string]any{"date": day(0, -5), "months": 6, "doc_no": "甲公党〔2026〕9号", "event_id": ev.ID, "record_ids": records, "opinion": "抗疫一线表现突出"}
			if edit != nil {
				edit(m)
			}
			return m
		}
		refuse := func(what string, body map[string]any, status int, field string) {
			t.Helper()
			before := dbtest.Fingerprint(t, e.DB)
			st, out := post("shortening", body)
			if st != status || out.Error.Rule != field && out.Error.Field != field || out.Error.Message == "" {
				t.Errorf("%s: %d %+v, want %d %s", what, st, out.Error, status, field)
			}
			if dbtest.Fingerprint(t, e.DB) != before {
				t.Errorf("%s changed the database", what)
			}
		}
		refuse("not found 表现突出", shorten(nil), 422, "R-shorten")
		c.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/standouts", team.ID), wartime.StandoutInput{PersonID: b.applicant, OnDate: day(0, -10),
			Reason: "冲锋在前"}, nil)
		refuse("no approval document", shorten(func(m map[string]any) { m["doc_no"] = "" }), 422, "R-shorten")
		refuse("approved by the branch", shorten(func(m map[string]any) { m["org_id"] = b.branch }), 422, "R-shorten")
		refuse("below the floor", shorten(func(m map[string]any) { m["months"] = 4 }), 422, "R-shorten")
		refuse("the whole year", shorten(func(m map[string]any) { m["months"] = 12 }), 422, "R-shorten")
		refuse("no months", shorten(func(m map[string]any) { delete(m, "months") }), 400, "months")
		refuse("no record named", shorten(func(m map[string]any) { m["record_ids"] = []int64{} }), 400, "record_ids")
		refuse("no event named", shorten(func(m map[string]any) { delete(m, "event_id") }), 400, "event_id")
		refuse("someone else's event", shorten(func(m map[string]any) { m["event_id"] = ev.ID + 1000 }), 422, "event_id")
		refuse("a record not theirs", shorten(func(m map[string]any) { m["record_ids"] = []int64{records[0] + 1000} }), 422, "record_ids")
		refuse("approved before the flag", shorten(func(m map[string]any) { m["date"] = day(0, -11) }), 422, "date")
		if st, out := post("steps", target); st != 422 || out.Error.Rule != "R-target" {
			t.Fatalf("a refused shortening opened the way: %d %+v", st, out)
		}

		if st, out := post("shortening", shorten(nil)); st != 201 && st != 200 {
			t.Fatalf("approved shortening: %d %+v", st, out.Error)
		}
		if st, out := post("shortening", shorten(nil)); st != 200 || !out.Replayed {
			t.Errorf("the same approval again: %d %+v", st, out)
		}
		refuse("a second shortening", shorten(func(m map[string]any) { m["date"] = day(0, -4) }), http.StatusConflict, "")

		var res struct {
			Waived []struct{ Rule, Message string }
			Error  struct{ Rule, Message string }
		}
		if st := c.Do("POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", id), target, &res); st != 201 && st != 200 {
			t.Fatalf("发展对象 after the approved shortening: %d %+v", st, res.Error)
		}
		if len(res.Waived) != 1 || res.Waived[0].Rule != "R-target" || !strings.Contains(res.Waived[0].Message, "缩短为6个月") {
			t.Errorf("the step does not say it rests on the shortening: %+v", res.Waived)
		}
		var cs struct {
			Case struct {
				Records []struct {
					Kind string
					Data struct {
						Shortening struct{ Months int }
						Evidence   struct {
							EventTitle string `json:"event_title"`
							Records    []struct{ Deed string }
						}
					}
				}
			}
		}
		c.Do("GET", fmt.Sprintf("/api/v1/development/cases/%d", id), nil, &cs)
		found := false
		for _, rec := range cs.Case.Records {
			if rec.Kind == "shorten" {
				found = rec.Data.Shortening.Months == 6 && rec.Data.Evidence.EventTitle == "驰援疫情防控" && len(rec.Data.Evidence.Records) == 2
			}
		}
		if !found {
			t.Errorf("the 纪实表 does not keep the approval with its event and records: %+v", cs.Case.Records)
		}
	})
}

// The 台账 and the plans flag the people found 表现突出; a 火线入党
// exception names their performance records.
func TestPriorityFlaggedAndLinked(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c := b.fenjuAdmin
		today := civil.Today(e.App.Now())
		var r caseReply
		c.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": today.AddMonths(-4).String()}, &r)
		other := addPerson(t, e, b.branch, "李申请", "applicant", "1996-06-06")
		var r2 caseReply
		c.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": other, "date": today.AddMonths(-4).String()}, &r2)
		_, team, records := served(t, b, b.applicant, today)
		c.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/standouts", team.ID), wartime.StandoutInput{PersonID: b.applicant, OnDate: today.String(),
			Reason: "冲锋在前"}, nil)
		var ledger struct {
			Total int
			Items []struct {
				PersonID int64 `json:"person_id"`
				Standout []string
				Priority string
			}
		}
		if st := c.Do("GET", "/api/v1/development/cases?priority=1", nil, &ledger); st != 200 || ledger.Total != 1 || len(ledger.Items) != 1 ||
			ledger.Items[0].PersonID != b.applicant || len(ledger.Items[0].Standout) != 1 || ledger.Items[0].Priority != "可优先确定为入党积极分子" {
			t.Fatalf("the 台账 of priority cases: %d %+v", st, ledger)
		}
		var plans struct {
			Items []struct {
				OrgID     int64 `json:"org_id"`
				Standouts int
			}
		}
		c.Expect(200, "GET", "/api/v1/development/plans", nil, &plans)
		n := -1
		for _, p := range plans.Items {
			if p.OrgID == b.fenju {
				n = p.Standouts
			}
		}
		if n != 1 {
			t.Errorf("the plan of 甲分局党委 flags %d people to develop first, want 1: %s", n, c.Body())
		}

		exception := func(caseID int64, recs []int64) (int, caseReply) {
			var out caseReply
			st := c.Do("POST", fmt.Sprintf("/api/v1/development/cases/%d/exception", caseID), map[string]any{"date": today.String(), "opinion": "抗疫一线表现突出",
				"waives": []string{"R-activist"}, "doc_no": "甲公党〔2026〕10号", "approved_on": today.String(), "event_id": team.EventID, "record_ids": recs}, &out)
			return st, out
		}
		if st, out := exception(r2.Case.ID, records); st != 422 || out.Error.Field != "event_id" {
			t.Errorf("an exception citing someone else's records: %d %+v", st, out.Error)
		}
		if st, out := exception(r.Case.ID, records[:1]); st != 201 && st != 200 {
			t.Fatalf("exception: %d %+v", st, out.Error)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_records WHERE case_id = ? AND kind = 'exception' AND data LIKE '%连续72小时值守卡口%'", r.Case.ID); n != 1 {
			t.Error("the exception does not keep the performance record it cites")
		}
	})
}
