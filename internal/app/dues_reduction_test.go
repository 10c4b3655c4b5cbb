package app_test

import (
	"bytes"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// A reduction is asked by the branch after its 党员大会 and decided by the
// 党委 above: the branch cannot approve its own, an approval changes the
// year's amount, a refusal changes nothing and may be asked again.
func TestReductionNeedsTheUpperCommitteesApproval(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-03-10")
		f := duesSetup(t, e)
		upper := e.Account(auth.OrgAdmin, f.b.A, 0)
		leader := e.Account(auth.Leader, f.b.Root, 0)
		base := f.base(t, f.member, 2026, dues.Service, 450000) // 45.00 元
		ask := map[string]any{"person_id": f.member, "year": 2026, "amount_fen": 0, "reason": "配偶重病，家庭困难", "decided_on": "2026-03-05"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range ask {
				m[key] = val
			}
			m[k] = v
			return m
		}
		outsider := e.Person(dbtest.Person{Org: f.b.BBranch, Name: "乙一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"not below the standard", with("amount_fen", 4500), 400, "amount_fen"},
			{"negative", with("amount_fen", -1), 400, "amount_fen"},
			{"no reason", with("reason", "  "), 400, "reason"},
			{"meeting tomorrow", with("decided_on", "2026-03-11"), 400, "decided_on"},
			{"no such day", with("decided_on", "2026-02-30"), 400, "decided_on"},
			{"no base that year", with("year", 2027), 422, ""},
			{"out of scope", with("person_id", outsider), 404, ""},
		} {
			var out apiError
			if st := f.admin.Do("POST", "/api/v1/dues/reductions", c.body, &out); st != c.status || out.Error.Field != c.field {
				t.Errorf("%s: %d %+v, want %d on %q", c.name, st, out.Error, c.status, c.field)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM dues_reductions"); n != 0 {
			t.Fatalf("%d reductions from refused requests", n)
		}
		var red dues.Reduction
		if st := f.admin.Do("POST", "/api/v1/dues/reductions", ask, &red); st != 201 || red.State != dues.Pending || red.ApproverID != f.b.A || red.CanDecide {
			t.Fatalf("request: %d %+v", st, red)
		}
		f.admin.Expect(409, "POST", "/api/v1/dues/reductions", ask, nil) // a second request
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'dues.reduction' AND org_id = ? AND done_at IS NULL", f.b.A); n != 1 {
			t.Fatalf("%d 待办 for the 分局党委", n)
		}
		if where := dbtest.Find(t, e.DB, func(cell []byte) bool { return bytes.Contains(cell, []byte("配偶重病")) }); where != "" {
			t.Fatalf("the hardship is stored in clear in %s", where)
		}
		// The branch cannot approve its own request.
		path := fmt.Sprintf("/api/v1/dues/reductions/%d", red.ID)
		var out apiError
		if st := f.admin.Do("POST", path+"/decision", map[string]any{"approve": true, "version": red.Version}, &out); st != 403 || out.Error.Code != "not_approver" {
			t.Fatalf("the branch approving: %d %+v", st, out)
		}
		// The 领导 reads it without the hardship; the 分局 admin reads it, audited.
		var seen dues.Reduction
		if st := leader.Do("GET", path, nil, &seen); st != 200 || seen.Reason != "" || seen.CanDecide {
			t.Fatalf("leader: %d %+v", st, seen)
		}
		if st := upper.Do("GET", path, nil, &seen); st != 200 || seen.Reason != "配偶重病，家庭困难" || !seen.CanDecide {
			t.Fatalf("分局: %d %+v", st, seen)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'dues.reduction.read'"); n != 1 {
			t.Fatalf("%d audited reads of the hardship", n)
		}
		upper.Expect(409, "POST", path+"/decision", map[string]any{"approve": true, "version": red.Version + 1}, nil) // a stale version
		if st := upper.Do("POST", path+"/decision", map[string]any{"approve": true, "version": red.Version}, &seen); st != 200 || seen.State != dues.Approved {
			t.Fatalf("approve: %d %+v", st, seen)
		}
		upper.Expect(409, "POST", path+"/decision", map[string]any{"approve": false, "answer": "x", "version": seen.Version}, nil) // deciding twice
		if n := e.Count("SELECT amount_fen FROM dues_bases WHERE id = ?", base.ID); n != 0 {
			t.Fatalf("amount after the waiver: %d", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'dues.reduction' AND done_at IS NULL"); n != 0 {
			t.Fatal("the 待办 stays open after the decision")
		}
		var page dues.LedgerPage
		if f.admin.Do("GET", "/api/v1/dues?year=2026&month=3", nil, &page); page.Total != 1 || page.Items[0].Status != dues.Waived || page.Totals.Unpaid != 0 {
			t.Fatalf("ledger after the waiver: %+v", page)
		}
		f.admin.Expect(422, "POST", "/api/v1/dues/payments", map[string]any{"person_id": f.member, "year": 2026, "month": 3}, nil) // paying a waived month
		// Adjusting the base keeps the approved amount.
		var adjusted dues.Base
		if st := f.admin.Do("PUT", fmt.Sprintf("/api/v1/dues/bases/%d", base.ID), map[string]any{"kind": "service", "base_fen": 600000, "version": base.Version + 1}, &adjusted); st != 200 ||
			adjusted.StandardFen != 9000 || adjusted.AmountFen != 0 || adjusted.ReductionApproval == "" {
			t.Fatalf("adjusted base: %d %+v %s", st, adjusted, f.admin.Body())
		}

		// A refusal needs its reason, changes nothing, and may be asked again.
		other := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲二", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		f.base(t, other, 2026, dues.Retired, 400000)
		ask["person_id"], ask["amount_fen"] = other, 1000
		f.admin.Expect(201, "POST", "/api/v1/dues/reductions", ask, &red)
		path = fmt.Sprintf("/api/v1/dues/reductions/%d/decision", red.ID)
		if st := upper.Do("POST", path, map[string]any{"approve": false, "version": red.Version}, &out); st != 400 || out.Error.Field != "answer" {
			t.Fatalf("refusal without a reason: %d %+v", st, out)
		}
		if st := upper.Do("POST", path, map[string]any{"approve": false, "answer": "收入高于困难标准", "version": red.Version}, &seen); st != 200 || seen.State != dues.Refused {
			t.Fatalf("refuse: %d %+v", st, seen)
		}
		if n := e.Count("SELECT amount_fen FROM dues_bases WHERE person_id = ?", other); n != 2000 {
			t.Fatalf("amount after a refusal: %d", n)
		}
		f.admin.Expect(201, "POST", "/api/v1/dues/reductions", ask, nil) // asking again after a refusal
		var list dues.ReductionList
		if st := upper.Do("GET", "/api/v1/dues/reductions?state=pending", nil, &list); st != 200 || list.Total != 1 || !list.Items[0].CanDecide {
			t.Fatalf("pending list: %d %+v", st, list)
		}
	})
}
