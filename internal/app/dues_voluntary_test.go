package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// A voluntary payment of 1000 元 or more at once goes whole to the Centre
// (rules.md §4); less stays with the branch. Both show in the year's
// publication; a double submission, a bad amount or date and a member of
// another branch change nothing.
func TestVoluntaryPaymentsAndTheCentre(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-08-10")
		f := duesSetup(t, e)
		give := func(body map[string]any, out any) int { return f.admin.Do("POST", "/api/v1/dues/voluntary", body, out) }
		var v dues.Voluntary
		if st := give(map[string]any{"person_id": f.member, "amount_fen": 99999, "paid_on": "2026-07-01"}, &v); st != 201 || v.ToCentre {
			t.Fatalf("999.99 元: %d %+v", st, v)
		}
		if st := give(map[string]any{"person_id": f.member, "amount_fen": 100000, "paid_on": "2026-07-01"}, &v); st != 201 || !v.ToCentre {
			t.Fatalf("1000 元 exactly: %d %+v", st, v)
		}
		var out apiError
		if st := give(map[string]any{"person_id": f.member, "amount_fen": 100000, "paid_on": "2026-07-01"}, &out); st != 409 || !strings.Contains(out.Error.Message, "请勿重复提交") {
			t.Fatalf("a double submission: %d %+v", st, out)
		}
		other := e.Person(dbtest.Person{Org: f.b.BBranch, Name: "乙一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		masses := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲群众", Status: "masses"})
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"nothing", map[string]any{"person_id": f.member, "amount_fen": 0}, 400, "amount_fen"},
			{"negative", map[string]any{"person_id": f.member, "amount_fen": -100}, 400, "amount_fen"},
			{"tomorrow", map[string]any{"person_id": f.member, "amount_fen": 100, "paid_on": "2026-08-11"}, 400, "paid_on"},
			{"30 February", map[string]any{"person_id": f.member, "amount_fen": 100, "paid_on": "2026-02-30"}, 400, "paid_on"},
			{"before joining", map[string]any{"person_id": f.member, "amount_fen": 100, "paid_on": "2009-05-01"}, 400, "paid_on"},
			{"not a party member", map[string]any{"person_id": masses, "amount_fen": 100}, 422, "person_id"},
			{"another branch", map[string]any{"person_id": other, "amount_fen": 100}, 404, ""},
		} {
			before := e.Count("SELECT COUNT(*) FROM dues_voluntary")
			out = apiError{}
			if st := give(c.body, &out); st != c.status || out.Error.Field != c.field {
				t.Errorf("%s: %d %+v", c.name, st, out)
			}
			if e.Count("SELECT COUNT(*) FROM dues_voluntary") != before {
				t.Errorf("%s changed the table", c.name)
			}
		}
		var l dues.VoluntaryList
		if st := f.admin.Do("GET", "/api/v1/dues/voluntary?year=2026", nil, &l); st != 200 || len(l.Items) != 2 || l.TotalFen != 199999 || l.CentreFen != 100000 {
			t.Fatalf("list: %d %+v", st, l)
		}
		var rep dues.Report
		if st := f.admin.Do("GET", "/api/v1/dues/report?year=2026", nil, &rep); st != 200 || rep.VoluntaryFen != 199999 || rep.CentreFen != 100000 {
			t.Fatalf("report: %d %+v", st, rep)
		}
		if len(rep.Items) != 1 || rep.Items[0].Voluntary != 199999 {
			t.Fatalf("report row: %+v", rep.Items)
		}
		leader := e.Account(auth.Leader, f.b.ABranch, 0)
		leader.Expect(403, "POST", "/api/v1/dues/voluntary", map[string]any{"person_id": f.member, "amount_fen": 100}, nil) // a leader registered a payment
		// The page form, then the publication shows the year's voluntary
		// payments and the Centre's part.
		if st := f.admin.Form("/dues/voluntary", map[string]string{"person_id": fmt.Sprint(f.member), "amount": "1200", "paid_on": "2026-08-01"}); st != 303 {
			t.Fatalf("form: %d %s", st, f.admin.Body())
		}
		if st := f.admin.Do("GET", "/dues/report?year=2026", nil, nil); st != 200 || !strings.Contains(f.admin.Body(), "本年自愿多交党费 3199.99 元，其中一次多交 1000 元以上、全部上缴中央的 2200.00 元") {
			t.Fatalf("report page: %d %s", st, f.admin.Body())
		}
		if st := f.admin.Form("/dues/voluntary", map[string]string{"person_id": fmt.Sprint(f.member), "amount": "十元"}); st != 400 ||
			!strings.Contains(f.admin.Body(), "不是有效的金额") {
			t.Fatalf("bad amount on the form: %d", st)
		}
	})
}
