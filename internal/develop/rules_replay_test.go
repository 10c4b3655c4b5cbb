package develop_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// TestSupplementaryVettingAfterTraining completes a 政治审查 found short
// at the 支委会审查 by a 补充政审 dated after the 集中培训 (rules.md:
// 补训, 补充政审): accepted, and the later steps judge it as the vetting's
// latest record. The first records keep the table's order, and a further
// record still may not follow the 支委会审查.
func TestSupplementaryVettingAfterTraining(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 9)
		w.step(11, "2024-06-05", map[string]any{"training_days": 3})
		out := w.post("/steps", map[string]any{"step": 10, "date": "2024-06-10", "vetting_passed": false}, 422)
		if out.Error.Rule != "R-sequence" || out.Error.RuleTitle == "" {
			t.Fatalf("first 政治审查 after the first 集中培训: %+v", out.Error)
		}
		w.step(10, "2024-06-01", map[string]any{"vetting_passed": false})
		out = w.post("/steps", map[string]any{"step": 12, "date": "2024-07-01"}, 422)
		if out.Error.Rule != "R-vetting" {
			t.Fatalf("支委会审查 without a passed vetting: %+v", out.Error)
		}
		w.step(10, "2024-06-25", map[string]any{"vetting_passed": true}) // 补充政审
		w.step(12, "2024-07-01", nil)
		out = w.post("/steps", map[string]any{"step": 10, "date": "2024-07-02", "vetting_passed": true}, 422)
		if out.Error.Rule != "R-sequence" {
			t.Fatalf("补充政审 after the 支委会审查: %+v", out.Error)
		}
		w.step(13, "2024-07-10", nil)
		w.step(14, "2024-07-15", nil)
	})
}

// TestExceptionNamesRulesByTitle records a 优先发展 exception through the
// API: a rule it may not waive is refused under R-fasttrack and named by
// its Chinese title, never its id; one it may waive lets the 发展对象 be
// named before the year is out, the waiver shown with its rule.
func TestExceptionNamesRulesByTitle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 6)
		body := func(waives ...string) map[string]any {
			return map[string]any{"date": "2023-09-01", "opinion": "抗洪一线表现突出", "waives": waives, "doc_no": "甲公党〔2023〕8号", "approved_on": "2023-08-30"}
		}
		fp := dbtest.Fingerprint(t, e.DB)
		for waive, named := range map[string]string{"R-age": "「年满十八周岁」", "R-nothing": "所选规则"} {
			out := w.post("/exception", body(waive), 422)
			if out.Error.Rule != "R-fasttrack" || out.Error.Citation == "" || !strings.Contains(out.Error.Message, named) || strings.Contains(out.Error.Message, "R-") {
				t.Fatalf("waiving %s: %+v", waive, out.Error)
			}
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused exception changed the database")
		}
		w.post("/exception", body("R-target"), 201)
		w.post("/publicity", map[string]any{"publicity": "candidate", "date": "2023-09-04"}, 201)
		var out struct {
			Waived []struct{ Rule, Message string } `json:"waived"`
		}
		w.c.Expect(201, "POST", w.base+"/steps", map[string]any{"step": 7, "date": "2023-09-11"}, &out)
		if len(out.Waived) != 1 || out.Waived[0].Rule != "R-target" {
			t.Fatalf("发展对象 within the year under the exception: %+v", out.Waived)
		}
		// The admission stays outside the annual plan, used up or not,
		// whichever time rules the exception waived.
		w.step(8, "2023-09-12", nil)
		w.step(9, "2023-09-13", map[string]any{"person_ids": b.members[:2]})
		w.step(10, "2023-09-14", map[string]any{"vetting_passed": true})
		w.step(11, "2023-09-15", map[string]any{"training_days": 3})
		w.step(12, "2023-09-20", nil)
		w.step(13, "2023-09-21", nil)
		w.step(14, "2023-09-22", nil)
		w.post("/publicity", map[string]any{"publicity": "admission", "date": "2023-09-25"}, 201)
		w.step(15, "2023-10-09", map[string]any{"vote": vote(9)})
		w.step(16, "2023-10-10", nil)
		b.admin.Expect(200, "PUT", "/api/v1/development/plans", map[string]any{"year": 2023, "org_id": b.fenju, "quota": 0}, nil)
		w.c.Expect(201, "POST", w.base+"/steps", map[string]any{"step": 17, "date": "2023-10-11"}, &out)
		if len(out.Waived) != 1 || out.Waived[0].Rule != "R-plan" {
			t.Fatalf("a 火线入党 admission with the plan used up: %+v", out.Waived)
		}
	})
}

// TestBranchCannotRecordTheUpperDecision: the 预审, talk and approval are
// the 党委 with 审批权限's (R-approver); a branch's 党务管理员, whose scope
// does not hold that 党委, records its own steps but not those, and the
// 党委's 党务管理员 records them.
func TestBranchCannotRecordTheUpperDecision(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 12)
		branch := walker{t: t, c: e.Account(auth.OrgAdmin, b.branch, 0), base: w.base}
		fp := dbtest.Fingerprint(t, e.DB)
		for _, body := range []map[string]any{{"step": 13, "date": "2024-07-10"}, {"step": 13, "date": "2024-07-10", "org_id": b.fenju}} {
			out := branch.post("/steps", body, 422)
			if out.Error.Rule != "R-approver" || out.Error.Citation == "" || out.Error.RuleTitle == "" || !strings.Contains(out.Error.Message, "党务管理员") {
				t.Fatalf("a branch records the 预审 %v: %+v", body, out.Error)
			}
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused step changed the database")
		}
		// Its page offers the branch no form it would be refused, and says who records the step.
		page := strings.Replace(w.base, "/api/v1", "", 1)
		branch.c.Expect(200, "GET", page, nil, nil)
		if body := branch.c.Body(); strings.Contains(body, `name="step" value="13"`) || !strings.Contains(body, `id="decided-above"`) {
			t.Errorf("the branch's case page at step 13 offers its form or does not say who records it")
		}
		b.admin.Expect(200, "GET", page, nil, nil)
		if body := b.admin.Body(); !strings.Contains(body, `name="step" value="13"`) || strings.Contains(body, `id="decided-above"`) {
			t.Errorf("the bureau's case page at step 13 does not offer its form")
		}
		w.step(13, "2024-07-10", nil)
		branch.step(14, "2024-07-15", nil)
	})
}

// TestNationalRulesNotWeakenedLocally: the bureau sets local numbers (a
// 公示 period, a stricter age) but never weakens a national rule: a lower
// minimum age or a shorter 预备期 is refused naming the rule, and changes
// nothing.
func TestNationalRulesNotWeakenedLocally(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		override := func(rule, param string, value, want int) reply {
			t.Helper()
			var out reply
			b.admin.Expect(want, "POST", "/api/v1/development/rules/overrides", map[string]any{"rule": rule, "param": param, "value": value,
				"effective_from": "2010-01-01", "note": "本地规定"}, &out)
			return out
		}
		fp := dbtest.Fingerprint(t, e.DB)
		for _, bad := range []struct {
			rule, param string
			value       int
		}{{"R-age", "min_age", 16}, {"R-target", "months", 6}, {"R-probation", "months", 6}, {"R-introducers", "count", 1}, {"R-approval-time", "max_months", 7}} {
			out := override(bad.rule, bad.param, bad.value, 422)
			if out.Error.Rule != bad.rule || out.Error.Citation == "" || out.Error.RuleTitle == "" || strings.Contains(out.Error.Message, "R-") {
				t.Fatalf("%+v: %+v", bad, out.Error)
			}
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused override changed the database")
		}
		override("R-age", "min_age", 20, 201)
		override("R-publicity", "working_days", 7, 201)
		var out reply
		b.fenjuAdmin.Expect(422, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2014-05-05"}, &out)
		if out.Error.Rule != "R-age" || out.Error.PossibleOn != "2015-05-05" {
			t.Fatalf("an applicant of 19 under a local minimum of 20: %+v", out.Error)
		}
	})
}

// TestAdmissionVoteQuorumAndBranchSize: the 支部大会 needs more than half of
// the voting 正式党员 present (R-quorum), and a branch left with fewer than
// 3 正式党员 on the day cannot vote at all (R-branch-size).
func TestAdmissionVoteQuorumAndBranchSize(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := walkToAdmissionVote(t, b)
		fp := dbtest.Fingerprint(t, e.DB)
		out := w.post("/steps", map[string]any{"step": 15, "date": "2024-08-01", "vote": map[string]int{"expected": 10, "present": 5, "for": 5}}, 422)
		if out.Error.Rule != "R-quorum" || out.Error.Citation == "" {
			t.Fatalf("half present: %+v", out.Error)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused vote changed the database")
		}
		in, args := db.In(b.members[2:])
		if _, err := e.DB.ExecContext(context.Background(), "UPDATE persons SET status = 'deceased', left_date = '2024-07-20' WHERE id IN ("+in+")", args...); err != nil {
			t.Fatal(err)
		}
		out = w.post("/steps", map[string]any{"step": 15, "date": "2024-08-01", "vote": map[string]int{"expected": 2, "present": 2, "for": 2}}, 422)
		if out.Error.Rule != "R-branch-size" || !strings.Contains(out.Error.Message, "现有2人") {
			t.Fatalf("a branch of 2 正式党员 votes: %+v", out.Error)
		}
	})
}

// TestVoteRosterWithoutObserved: a 正式党员 under 留党察看 has no 表决权
// (党章: 留党察看期间没有表决权), so the 应到 number of the 支部大会's roster
// leaves out those observed on the day: with 8 of the 10 under 留党察看
// the branch has 2 voting 正式党员 and cannot vote (R-branch-size).
func TestVoteRosterWithoutObserved(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := walkToAdmissionVote(t, b)
		for _, id := range b.members[2:] {
			b.admin.Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", id), map[string]any{"kind": "observe", "on_date": "2024-07-20", "note": "党委决定"}, nil)
		}
		out := w.post("/steps", map[string]any{"step": 15, "date": "2024-08-01", "vote": map[string]int{"expected": 2, "present": 2, "for": 2}}, 422)
		if out.Error.Rule != "R-branch-size" || !strings.Contains(out.Error.Message, "现有2人") {
			t.Fatalf("a branch of 2 voting 正式党员 votes: %+v", out.Error)
		}
		// Before the 留党察看 began, all ten are on the roster.
		out = w.post("/steps", map[string]any{"step": 15, "date": "2024-07-19", "vote": map[string]int{"expected": 2, "present": 2, "for": 2}}, 400)
		if out.Error.Field != "expected_reason" || !strings.Contains(out.Error.Message, "10人") {
			t.Fatalf("the roster before the 留党察看: %+v", out.Error)
		}
	})
}

// TestIntroducerUnderObservation: a 正式党员 under 留党察看 whose rights are
// not restored introduces no one (R-introducers): the 留党察看 is recorded
// in the person's party history and refused by name on the date it is in
// force; before it began, or once the rights are restored, the same member
// is accepted.
func TestIntroducerUnderObservation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 8)
		event := func(kind, on string) {
			t.Helper()
			b.admin.Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", b.members[1]), map[string]any{"kind": kind, "on_date": on, "note": "党委决定"}, nil)
		}
		event("observe", "2024-05-01")
		fp := dbtest.Fingerprint(t, e.DB)
		out := w.post("/steps", map[string]any{"step": 9, "date": "2024-05-20", "person_ids": b.members[:2]}, 422)
		if out.Error.Rule != "R-introducers" || !strings.Contains(out.Error.Message, "留党察看") || out.Error.RuleTitle == "" {
			t.Fatalf("an introducer under 留党察看: %+v", out.Error)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused step changed the database")
		}
		event("observe_end", "2025-05-01")
		w.step(9, "2024-05-20", map[string]any{"person_ids": b.members[:2]})
	})
}
