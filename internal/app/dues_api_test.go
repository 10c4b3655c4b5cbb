package app_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// at fixes the server's clock to a day, 10:00 in Beijing.
// fixture is the usual bureau with a branch admin of A's branch and a
// member there.
type fixture struct {
	b      apptest.Bureau
	admin  *apptest.Client
	member int64
}

func duesSetup(t *testing.T, e *apptest.Env) *fixture {
	f := &fixture{b: e.Bureau()}
	f.admin = e.Account(auth.OrgAdmin, f.b.ABranch, 0)
	f.member = e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	return f
}

// base sets a base through the API and returns it.
func (f *fixture) base(t *testing.T, person int64, year int, kind string, fen int64) dues.Base {
	t.Helper()
	var b dues.Base
	f.admin.Expect(201, "POST", "/api/v1/dues/bases", map[string]any{"person_id": person, "year": year, "kind": kind, "base_fen": fen}, &b)
	return b
}

func TestBaseAtBracketBoundaries(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-03-10")
		f := duesSetup(t, e)
		for i, c := range []struct {
			kind      string
			base, due int64
		}{
			{dues.Service, 300000, 1500}, {dues.Service, 300001, 3000}, // 3000 元: 0.5%, a 分 more: 1%
			{dues.Service, 500000, 5000}, {dues.Service, 500001, 7500}, // 5000 元: 1%, then 1.5%
			{dues.Service, 1000000, 15000}, {dues.Service, 1000001, 20000}, // 10000 元: 1.5%, then 2%
			{dues.Retired, 500000, 2500}, {dues.Retired, 500001, 5000}, // retired at 5000 元: 0.5%, then 1%
			{dues.Low, 0, 20}, {dues.Low, 250000, 20}, // 0.2 元 whatever the income
		} {
			p := e.Person(dbtest.Person{Org: f.b.ABranch, Name: fmt.Sprintf("边界%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			if b := f.base(t, p, 2026, c.kind, c.base); b.AmountFen != c.due || b.StandardFen != c.due {
				t.Errorf("%s %s 元: due %s 元, want %s 元", c.kind, dues.Yuan(c.base), dues.Yuan(b.AmountFen), dues.Yuan(c.due))
			}
		}
	})
}

func TestBaseBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-03-10")
		f := duesSetup(t, e)
		outsider := e.Person(dbtest.Person{Org: f.b.BBranch, Name: "乙一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		applicant := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲申", Status: "applicant", ApplyDate: "2025-01-01"})
		ok := map[string]any{"person_id": f.member, "year": 2026, "kind": "service", "base_fen": 450000}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range ok {
				m[key] = val
			}
			m[k] = v
			return m
		}
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"year far back", with("year", 2020), 400, "year"},
			{"unknown kind", with("kind", "vip"), 400, "kind"},
			{"negative base", with("base_fen", -1), 400, "base_fen"},
			{"absurd base", with("base_fen", 100000001), 400, "base_fen"},
			{"not a member", with("person_id", applicant), 422, "person_id"},
			{"out of scope", with("person_id", outsider), 404, ""},
			{"unknown field", with("org_id", f.b.ABranch), 400, "org_id"},
		} {
			var out apiError
			if st := f.admin.Do("POST", "/api/v1/dues/bases", c.body, &out); st != c.status || out.Error.Field != c.field || out.Error.Message == "" {
				t.Errorf("%s: %d %+v, want %d on %q", c.name, st, out.Error, c.status, c.field)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM dues_bases"); n != 0 {
			t.Fatalf("%d bases written by refused requests", n)
		}
		b := f.base(t, f.member, 2026, dues.Service, 450000)
		var out apiError
		f.admin.Expect(409, "POST", "/api/v1/dues/bases", ok, &out) // a second base for the year
		path := fmt.Sprintf("/api/v1/dues/bases/%d", b.ID)
		var changed dues.Base
		if st := f.admin.Do("PUT", path, map[string]any{"kind": "service", "base_fen": 520000, "version": b.Version}, &changed); st != 200 || changed.AmountFen != 7800 {
			t.Fatalf("edit: %d %+v", st, changed)
		}
		f.admin.Expect(409, "PUT", path, map[string]any{"kind": "service", "base_fen": 300000, "version": b.Version}, &out) // an edit racing another
		if n := e.Count("SELECT amount_fen FROM dues_bases WHERE id = ?", b.ID); n != 7800 {
			t.Fatalf("the stale edit changed the amount to %d", n)
		}
	})
}

func TestPaymentsBackPayAndDoubleSubmission(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-08-10")
		f := duesSetup(t, e)
		f.base(t, f.member, 2026, dues.Service, 450000) // 45.00 元 a month
		pay := func(body map[string]any, out any) int { return f.admin.Do("POST", "/api/v1/dues/payments", body, out) }
		var p dues.Payment
		if st := pay(map[string]any{"person_id": f.member, "year": 2026, "month": 8, "proxy": true}, &p); st != 201 || p.AmountFen != 4500 || !p.Proxy || p.BackPay {
			t.Fatalf("this month by proxy: %d %+v", st, p)
		}
		var out apiError
		if st := pay(map[string]any{"person_id": f.member, "year": 2026, "month": 8}, &out); st != 409 || !strings.Contains(out.Error.Message, "请勿重复提交") {
			t.Fatalf("a double submission: %d %+v", st, out)
		}
		if st := pay(map[string]any{"person_id": f.member, "year": 2026, "month": 2, "paid_on": "2026-08-09"}, &p); st != 201 || !p.BackPay {
			t.Fatalf("补缴 of February, 6 months back: %d %+v", st, p)
		}
		if st := pay(map[string]any{"person_id": f.member, "year": 2026, "month": 1}, &out); st != 422 || out.Error.Rule != dues.RuleBackPay || out.Error.Citation == "" {
			t.Fatalf("补缴 of January, 7 months back: %d %+v", st, out)
		}
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"next month", map[string]any{"year": 2026, "month": 9}, 400, "month"},
			{"month 13", map[string]any{"year": 2026, "month": 13}, 400, "month"},
			{"no such day", map[string]any{"year": 2026, "month": 7, "paid_on": "2026-07-32"}, 400, "paid_on"},
			{"paid before the month", map[string]any{"year": 2026, "month": 7, "paid_on": "2026-06-30"}, 400, "paid_on"},
			{"paid tomorrow", map[string]any{"year": 2026, "month": 7, "paid_on": "2026-08-11"}, 400, "paid_on"},
			{"less than due", map[string]any{"year": 2026, "month": 7, "amount_fen": 4499}, 400, "amount_fen"},
			{"bidi in the note", map[string]any{"year": 2026, "month": 7, "note": "补\u202e缴"}, 400, "note"},
		} {
			c.body["person_id"] = f.member
			if st := pay(c.body, &out); st != c.status || out.Error.Field != c.field {
				t.Errorf("%s: %d %+v, want %d on %s", c.name, st, out.Error, c.status, c.field)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM dues_payments"); n != 2 {
			t.Fatalf("%d payments, want the two accepted", n)
		}
		// A 预备党员 passed by the 支部大会 on 5 May owes from May on.
		prob := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲预", Status: "probationary", JoinDate: "2026-05-05"})
		f.base(t, prob, 2026, dues.Service, 300000)
		if st := pay(map[string]any{"person_id": prob, "year": 2026, "month": 4}, &out); st != 422 || out.Error.Rule != dues.RuleFromJoin {
			t.Fatalf("April before the 支部大会: %d %+v", st, out)
		}
		if st := pay(map[string]any{"person_id": prob, "year": 2026, "month": 5}, &p); st != 201 || p.AmountFen != 1500 {
			t.Fatalf("May: %d %+v", st, p)
		}
	})
}

func TestLedgerTotalsAndFilter(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-08-10")
		f := duesSetup(t, e)
		other := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲二", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲三", JoinDate: "2010-01-01", FullDate: "2011-01-01"}) // no base yet
		e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲群", Status: "masses"})
		e.Person(dbtest.Person{Org: f.b.BBranch, Name: "乙一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		f.base(t, f.member, 2026, dues.Service, 450000)
		f.base(t, other, 2026, dues.Retired, 600000)
		f.admin.Expect(201, "POST", "/api/v1/dues/payments", map[string]any{"person_id": f.member, "year": 2026, "month": 8}, nil)
		var page dues.LedgerPage
		f.admin.Expect(200, "GET", "/api/v1/dues?year=2026&month=8", nil, &page)
		if page.Total != 3 || page.Totals.Paid != 1 || page.Totals.Unpaid != 2 || page.Totals.DueFen != 4500+6000 || page.Totals.PaidFen != 4500 {
			t.Fatalf("ledger of A's branch: %+v", page)
		}
		if st := f.admin.Do("GET", "/api/v1/dues?year=2026&month=8&status=unpaid&per_page=1", nil, &page); st != 200 || page.Total != 2 || len(page.Items) != 1 {
			t.Fatalf("unpaid, one per page: %d %+v", st, page)
		}
		// The page's next link and its export keep the filters and the page size (the shared pager).
		f.admin.Expect(200, "GET", "/dues?year=2026&month=8&status=unpaid&per_page=1", nil, nil)
		body := f.admin.Body()
		next := regexp.MustCompile(`href="(\?[^"]*)" rel="next"`).FindStringSubmatch(body)
		export := regexp.MustCompile(`id="dues-export" href="(/dues/export\?[^"]*)"`).FindStringSubmatch(body)
		if next == nil || export == nil || strings.Count(body, `<tr id="dues-`) != 1 {
			t.Fatalf("ledger page: next %v, export %v", next, export)
		}
		for link, page := range map[string]string{next[1]: "2", export[1]: ""} {
			u, err := url.Parse(html.UnescapeString(link))
			if err != nil {
				t.Fatal(err)
			}
			if q := u.Query(); q.Get("status") != "unpaid" || q.Get("month") != "8" || q.Get("per_page") != "1" || q.Get("page") != page {
				t.Errorf("%s lost the filters: %v", link, q)
			}
		}
		for bad, want := range map[string]int{"month=13": 400, "status=late": 400, "year=abc": 400, "page=x": 400, "per_page=500": 422, "page=0": 422} {
			if st := f.admin.Do("GET", "/api/v1/dues?"+bad, nil, nil); st != want {
				t.Errorf("%s: %d, want %d", bad, st, want)
			}
		}
		f.admin.Expect(404, "GET", fmt.Sprintf("/api/v1/dues?org=%d", f.b.BBranch), nil, nil) // B's branch
	})
}

// The warnings run over consecutive unpaid months up to last month: a
// reminder at 3, a stronger one at 5, the 自行脱党 alert at 6, each naming
// its rule; paying closes it.
func TestUnpaidWarnings(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-08-10")
		f := duesSetup(t, e)
		ctx := context.Background()
		people := map[int]int64{}
		for _, behind := range []int{2, 3, 5, 6} {
			p := e.Person(dbtest.Person{Org: f.b.ABranch, Name: fmt.Sprintf("欠%d", behind), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			people[behind] = p
			f.base(t, p, 2026, dues.Service, 400000)
			for m := 1; m <= 7-behind; m++ {
				e.At(fmt.Sprintf("2026-%02d-20", m))
				f.admin.Expect(201, "POST", "/api/v1/dues/payments", map[string]any{"person_id": p, "year": 2026, "month": m}, nil)
			}
		}
		e.At("2026-08-10")
		if err := dues.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		todo := func(p int64) (title, detail, severity string) {
			e.DB.QueryRowContext(ctx, "SELECT title, detail, severity FROM todos WHERE source = 'dues.unpaid' AND person_id = ? AND done_at IS NULL", p).
				Scan(&title, &detail, &severity)
			return
		}
		if title, _, _ := todo(people[2]); title != "" {
			t.Errorf("2 months behind warned: %s", title)
		}
		if title, detail, sev := todo(people[3]); sev != "warn" || !strings.Contains(title, "连续 3 个月") || !strings.Contains(detail, dues.RuleOf(dues.RuleWarn).Citation) {
			t.Errorf("3 months: %s %s %s", sev, title, detail)
		}
		if title, _, sev := todo(people[5]); sev != "bad" || !strings.Contains(title, "连续 5 个月") {
			t.Errorf("5 months: %s %s", sev, title)
		}
		if title, detail, sev := todo(people[6]); sev != "bad" || !strings.Contains(title, "自行脱党") || !strings.Contains(detail, "自行脱党") || !strings.Contains(detail, "《中国共产党章程》第九条") {
			t.Errorf("6 months: %s %s %s", sev, title, detail)
		}
		// The member sees the same on 我的党费.
		c := e.Account(auth.Member, 0, people[6])
		var mine dues.Mine
		if st := c.Do("GET", "/api/v1/dues/mine", nil, &mine); st != 200 || mine.UnpaidRun != 6 || !strings.Contains(mine.Warning, "自行脱党") || mine.PaidUpTo != "2026年1月" {
			t.Fatalf("mine: %d %+v", st, mine)
		}
		// 补缴 of February to July by the 3-months-behind member closes theirs.
		for m := 5; m <= 7; m++ {
			f.admin.Expect(201, "POST", "/api/v1/dues/payments", map[string]any{"person_id": people[3], "year": 2026, "month": m}, nil)
		}
		if err := dues.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if title, _, _ := todo(people[3]); title != "" {
			t.Errorf("still warned after paying: %s", title)
		}
	})
}

// The brackets answer in the fields their documentation names.
func TestDuesBracketsAsDocumented(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	f := duesSetup(t, e)
	var bs []map[string]any
	f.admin.Expect(200, "GET", "/api/v1/dues/brackets", nil, &bs)
	found := false
	for _, b := range bs {
		found = found || b["kind"] == dues.Service && b["upper"] == float64(300000) && b["rate_bp"] == float64(50)
	}
	if !found {
		t.Errorf("no 在职 bracket up to 3000 元 at 0.5 %% in upper and rate_bp: %v", bs)
	}
}
