package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
)

// pays records months of 2026 for a member, each paid in its own month.
func (f *fixture) pays(t *testing.T, e *apptest.Env, person int64, months ...int) {
	t.Helper()
	for _, m := range months {
		e.At(fmt.Sprintf("2026-%02d-15", m))
		f.admin.Expect(201, "POST", "/api/v1/dues/payments", map[string]any{"person_id": person, "year": 2026, "month": m}, nil)
	}
}

// The yearly publication lists every member's months owed, paid and
// unpaid up to last month, with the totals.
func TestYearReport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-01-05")
		f := duesSetup(t, e)
		late := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲迟", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		prob := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲预", Status: "probationary", JoinDate: "2026-03-20"})
		f.base(t, f.member, 2026, dues.Service, 450000) // 45.00
		f.base(t, late, 2026, dues.Retired, 400000)     // 20.00
		f.base(t, prob, 2026, dues.Low, 0)              // 0.20
		f.pays(t, e, f.member, 1, 2, 3, 4, 5)
		f.pays(t, e, late, 1, 2, 4)
		f.pays(t, e, prob, 3, 4, 5)
		e.At("2026-06-10")
		var rep dues.Report
		f.admin.Expect(200, "GET", "/api/v1/dues/report?year=2026", nil, &rep)
		rows := map[string]*dues.ReportRow{}
		for _, r := range rep.Items {
			rows[r.Name] = r
		}
		if rep.Through != "2026年5月" || rep.Members != 3 || rep.FullyPaid != 2 || rep.DueFen != 5*4500+5*2000+3*20 || rep.PaidFen != 5*4500+3*2000+3*20 {
			t.Fatalf("report %+v", rep)
		}
		if r := rows["甲迟"]; r.MonthsDue != 5 || r.MonthsPaid != 3 || r.UnpaidText() != "3、5月" {
			t.Fatalf("甲迟: %+v", r)
		}
		if r := rows["甲预"]; r.MonthsDue != 3 || len(r.Unpaid) != 0 || r.MonthlyFen != 20 {
			t.Fatalf("the 预备党员 owes from March: %+v", r)
		}
		if st := f.admin.Do("GET", "/dues/report?year=2026", nil, nil); st != 200 || !strings.Contains(f.admin.Body(), "3、5月") || !strings.Contains(f.admin.Body(), "党费收缴情况公示") {
			t.Fatalf("page: %d", st)
		}
		for _, bad := range []string{"year=2027", "year=x", fmt.Sprintf("org=%d", f.b.BBranch)} {
			if st := f.admin.Do("GET", "/api/v1/dues/report?"+bad, nil, nil); st != 400 && st != 404 {
				t.Errorf("%s: %d", bad, st)
			}
		}
	})
}

// The 介绍信 prints the month the ledger says the dues are paid up to: the
// end of the run of paid months from the first payment, stopping at a gap.
func TestLetterPrintsPaidThroughFromTheLedger(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-01-05")
		f := duesSetup(t, e)
		gap := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲缺", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		f.base(t, f.member, 2026, dues.Service, 450000)
		f.base(t, gap, 2026, dues.Service, 450000)
		f.pays(t, e, f.member, 1, 2, 3, 4, 5, 6)
		f.pays(t, e, gap, 1, 2, 4, 5)
		e.At("2026-06-20")
		today := e.App.Now()
		for person, want := range map[int64]string{f.member: "2026年6月", gap: "2026年2月"} {
			got, err := dues.PaidThrough(t.Context(), e.DB, person, civil.Today(today))
			if err != nil || got != want {
				t.Errorf("person %d: %q %v, want %s", person, got, err, want)
			}
		}
		upper := e.Account(auth.OrgAdmin, f.b.Root, 0)
		var tr struct{ ID int64 }
		upper.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": f.member, "to_org_id": f.b.BBranch,
			"dues_paid_to": "2025-12", "reason": "工作调动"}, &tr)
		for _, step := range []string{"review", "send"} { // the letter prints once issued
			upper.Expect(200, "POST", fmt.Sprintf("/api/v1/transfers/%d/%s", tr.ID, step), map[string]any{}, nil)
		}
		if st := upper.Do("GET", fmt.Sprintf("/transfers/%d/letter", tr.ID), nil, nil); st != 200 || !strings.Contains(upper.Body(), `党费已交到<span class="letter-dues">2026年6月</span>`) {
			t.Fatalf("letter: %d %s", st, upper.Body())
		}
	})
}

// The publication of a year is its history: a member who died in March
// stays on it for January to March, with the day noted, and one who
// transferred out the year before is not on it.
func TestYearReportKeepsMembersWhoLeft(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-01-05")
		f := duesSetup(t, e)
		died := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲故", JoinDate: "1970-01-01", FullDate: "1971-01-01"})
		gone := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲转", JoinDate: "2000-01-01", FullDate: "2001-01-01"})
		f.base(t, f.member, 2026, dues.Service, 450000)
		f.base(t, died, 2026, dues.Retired, 400000) // 20.00
		f.base(t, gone, 2025, dues.Service, 450000)
		f.pays(t, e, died, 1, 2)
		ghost := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲无账", JoinDate: "2000-01-01", FullDate: "2001-01-01"})
		ctx := t.Context()
		for _, x := range []struct {
			id           int64
			status, left string
		}{{died, "deceased", "2026-03-10"}, {gone, "transferred", "2025-11-20"}, {ghost, "transferred", "2026-02-01"}} {
			if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind("UPDATE persons SET status = ?, left_date = ? WHERE id = ?"), x.status, x.left, x.id); err != nil {
				t.Fatal(err)
			}
		}
		e.At("2026-06-10")
		var rep dues.Report
		f.admin.Expect(200, "GET", "/api/v1/dues/report?year=2026", nil, &rep)
		rows := map[string]*dues.ReportRow{}
		for _, r := range rep.Items {
			rows[r.Name] = r
		}
		r := rows["甲故"]
		if r == nil || r.MonthsDue != 3 || r.MonthsPaid != 2 || r.UnpaidText() != "3月" || r.LeftOn != "2026-03-10" || r.LeftLabel != "2026-03-10 已去世" {
			t.Fatalf("the member who died in March: %+v", r)
		}
		if rows["甲转"] != nil || rows["甲无账"] != nil || rep.Members != 2 {
			t.Fatalf("the member who left in 2025, and one the ledger never held, are not on 2026's publication: %+v", rep.Items)
		}
		if rows["甲一"].LeftOn != "" {
			t.Fatalf("a member today has no leaving date: %+v", rows["甲一"])
		}
		var last dues.Report
		f.admin.Expect(200, "GET", "/api/v1/dues/report?year=2025", nil, &last)
		names := map[string]bool{}
		for _, r := range last.Items {
			names[r.Name] = true
		}
		if !names["甲转"] || names["甲故"] {
			t.Fatalf("2025's publication keeps 甲转 (a base that year), not 甲故 (the ledger holds none of 2025 for him): %+v", last.Items)
		}
		if st := f.admin.Do("GET", "/dues/report?year=2026", nil, nil); st != 200 || !strings.Contains(f.admin.Body(), "2026-03-10 已去世") {
			t.Fatalf("page: %d", st)
		}
	})
}
