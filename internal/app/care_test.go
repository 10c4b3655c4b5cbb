package app_test

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/care"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// careBureau is the usual test bureau on 2026-03-15 (before 七一, so this
// year's 纪念章 list reaches further than 党龄 50 does today), with people
// placed around every edge of the ledgers.
type careBureau struct {
	e *apptest.Env
	apptest.Bureau
	root, admA, admB, lead *apptest.Client
	people                 map[string]int64
}

var today = time.Date(2026, 3, 15, 4, 0, 0, 0, time.UTC)

func careNewBureau(t *testing.T, e *apptest.Env) *careBureau {
	b := &careBureau{e: e, Bureau: e.Bureau(), people: map[string]int64{}}
	e.App.Now = func() time.Time { return today }
	add := func(name string, p dbtest.Person) {
		p.Name = name
		if p.Org == 0 {
			p.Org = b.ABranch
		}
		b.people[name] = e.Person(p)
	}
	add("老张", dbtest.Person{Category: "离退休", BirthDate: "1945-01-01", JoinDate: "1969-05-01", FullDate: "1970-05-01"})
	add("满五十", dbtest.Person{BirthDate: "1950-06-01", JoinDate: "1975-03-15", FullDate: "1976-03-15"})  // 党龄 50 today
	add("差一天", dbtest.Person{BirthDate: "1950-06-01", JoinDate: "1975-03-16", FullDate: "1976-03-16"})  // 50 tomorrow: on this year's 纪念章 list
	add("七月后", dbtest.Person{BirthDate: "1950-06-01", JoinDate: "1975-07-02", FullDate: "1976-07-02"})  // 50 after 7月1日: neither
	add("八十岁", dbtest.Person{BirthDate: "1946-03-15", JoinDate: "1985-01-01", FullDate: "1986-01-01"})  // 80 today
	add("七十九", dbtest.Person{BirthDate: "1946-03-16", JoinDate: "1985-01-01", FullDate: "1986-01-01"})  // 80 tomorrow
	add("预备老人", dbtest.Person{Status: "probationary", BirthDate: "1940-01-01", JoinDate: "2025-09-01"}) // age counts for 预备党员
	add("退休群众", dbtest.Person{Status: "applicant", Category: "退休职工", BirthDate: "1958-01-01"})          // not a member
	add("已故老人", dbtest.Person{Status: "deceased", Category: "离退休", BirthDate: "1930-01-01", FullDate: "1955-01-01"})
	add("在职党员", dbtest.Person{Category: "民警", BirthDate: "1985-01-01", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	add("乙老党员", dbtest.Person{Org: b.BBranch, Category: "离退休", BirthDate: "1940-01-01", JoinDate: "1960-01-01", FullDate: "1961-01-01"})
	b.root = e.Account(auth.OrgAdmin, b.Root, 0)
	b.admA = e.Account(auth.OrgAdmin, b.A, 0)
	b.admB = e.Account(auth.OrgAdmin, b.B, 0)
	b.lead = e.Account(auth.Leader, b.Root, 0)
	return b
}

// names lists the people of a ledger a client sees, sorted.
func (b *careBureau) names(t *testing.T, c *apptest.Client, query string) []string {
	t.Helper()
	var l care.List[care.Entry]
	c.Expect(http.StatusOK, "GET", "/api/v1/care/ledgers?"+query, nil, &l)
	var out []string
	for _, e := range l.Items {
		out = append(out, e.Name)
	}
	sort.Strings(out)
	if l.Total != len(out) {
		t.Fatalf("ledgers?%s: total %d, %d items", query, l.Total, len(out))
	}
	return out
}

func same(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func TestLedgers(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := careNewBureau(t, e)
		same(t, "老党员", b.names(t, b.root, "kind=elder"), "老张", "满五十", "差一天", "八十岁", "预备老人", "乙老党员")
		same(t, "退休职工", b.names(t, b.root, "kind=retired"), "老张", "退休群众", "乙老党员")
		same(t, "生活困难党员", b.names(t, b.root, "kind=hardship"))
		same(t, "甲分局的老党员", b.names(t, b.admA, "kind=elder"), "老张", "满五十", "差一天", "八十岁", "预备老人")
		same(t, "全部台账（甲）", b.names(t, b.admA, ""), "老张", "满五十", "差一天", "八十岁", "预备老人", "退休群众")
		same(t, "姓名检索", b.names(t, b.root, "name=老"), "老张", "预备老人", "乙老党员")

		var l care.List[care.Entry]
		b.root.Do("GET", "/api/v1/care/ledgers?kind=elder&name=差一天", nil, &l)
		if got := l.Items[0]; strings.Join(got.Reasons, "、") != "2026年纪念章名单" || got.Medal != "未申领" {
			t.Errorf("差一天: reasons %v, medal %q", got.Reasons, got.Medal)
		}
		b.root.Do("GET", "/api/v1/care/ledgers?name=老张", nil, &l)
		if got := l.Items[0]; strings.Join(got.Ledgers, ",") != "retired,elder" || got.PartyYears != 55 || got.Age != 81 {
			t.Errorf("老张: %+v", got)
		}

		// Out of scope, bad filters.
		if st := b.admA.Do("GET", "/api/v1/care/ledgers?org=", nil, nil); st != http.StatusOK {
			t.Errorf("empty org: %d", st)
		}
		for q, want := range map[string]int{"org=" + itoa(b.BBranch): 404, "kind=old": 400, "per_page=500": 422, "page=0": 422, "page=x": 400} {
			if st := b.admA.Do("GET", "/api/v1/care/ledgers?"+q, nil, nil); st != want {
				t.Errorf("ledgers?%s: %d, want %d", q, st, want)
			}
		}
	})
}

// Ages follow rules.md §2 as 党龄 does: born on 29 February, one is 81 on
// the last day of February of a common year, not the day before.
func TestElderLeapDay(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := careNewBureau(t, e)
	e.Person(dbtest.Person{Org: b.ABranch, Name: "闰日", BirthDate: "1944-02-29", JoinDate: "1989-01-01", FullDate: "1990-01-01"})
	b.root.Expect(http.StatusOK, "PUT", "/api/v1/care/elder-rule", map[string]any{"party_years": 0, "age": 81}, nil)
	for day, in := range map[string]bool{"2025-02-27": false, "2025-02-28": true} {
		d, _ := time.Parse("2006-01-02", day)
		e.App.Now = func() time.Time { return d.Add(4 * time.Hour) }
		var l care.List[care.Entry]
		b.root.Do("GET", "/api/v1/care/ledgers?kind=elder&name=闰日", nil, &l)
		if (l.Total == 1) != in {
			t.Errorf("on %s 闰日 in ledger: %v, want %v", day, l.Total == 1, in)
		}
	}
}

func TestElderRule(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := careNewBureau(t, e)
		var r care.ElderRule
		b.root.Do("GET", "/api/v1/care/elder-rule", nil, &r)
		if r.PartyYears != 50 || r.Age != 80 || r.Set {
			t.Fatalf("default rule %+v", r)
		}
		if st := b.admA.Do("PUT", "/api/v1/care/elder-rule", map[string]any{"party_years": 40, "age": 0}, nil); st != http.StatusForbidden {
			t.Errorf("a 分局 sets the bureau's rule: %d", st)
		}
		for _, bad := range []map[string]any{{"party_years": 20, "age": 80}, {"party_years": 50, "age": 130}, {"party_years": 0, "age": 0}} {
			if st := b.root.Do("PUT", "/api/v1/care/elder-rule", bad, nil); st != http.StatusUnprocessableEntity {
				t.Errorf("rule %v: %d %s", bad, st, b.root.Body())
			}
		}
		if st := b.root.Do("PUT", "/api/v1/care/elder-rule", map[string]any{"party_years": 45, "age": 0}, &r); st != http.StatusOK || !r.Set || r.Version != 1 {
			t.Fatalf("set rule: %d %+v %s", st, r, b.root.Body())
		}
		// 45 years of 党龄 now: 七月后 in, the 80-year-olds by age alone out.
		same(t, "老党员（党龄满45年）", b.names(t, b.root, "kind=elder"), "老张", "满五十", "差一天", "七月后", "乙老党员")
		if st := b.root.Do("PUT", "/api/v1/care/elder-rule", map[string]any{"party_years": 50, "age": 80, "version": 0}, nil); st != http.StatusConflict {
			t.Errorf("stale rule version: %d", st)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
