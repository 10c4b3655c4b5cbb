package app_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/honour"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
)

// honourBureau is a small tree: 市局 → 甲分局 → 甲支部, and 乙分局 → 乙支部.
type honourBureau struct {
	e                      *apptest.Env
	root, a, aBranch, b    int64
	bBranch                int64
	seq                    int // numbers the persons added
	admin, adminA, leaderA *apptest.Client
}

func honourNewBureau(t *testing.T, e *apptest.Env) *honourBureau {
	u := e.Bureau()
	b := &honourBureau{e: e, root: u.Root, a: u.A, aBranch: u.ABranch, b: u.B, bBranch: u.BBranch}
	b.admin = e.Account(auth.OrgAdmin, b.root, 0)
	b.adminA = e.Account(auth.OrgAdmin, b.a, 0)
	b.leaderA = e.Account(auth.Leader, b.a, 0)
	return b
}

// person adds someone to an organisation with a status and a 转正 date.
func (b *honourBureau) person(t *testing.T, orgID int64, name, status, full string) int64 {
	b.seq++
	var fd, left any
	if full != "" {
		fd = full
	}
	if status == "deceased" {
		left = "2026-03-01"
	}
	id, err := db.InsertID(context.Background(), b.e.DB, `INSERT INTO persons (org_id, name, pinyin, initials, gender, birth_date, status, join_date, full_date, left_date, created_at, updated_at)
		VALUES (?,?,?,?,'男','1950-01-01',?,'1970-01-01',?,?,0,0)`, orgID, name, fmt.Sprint("p", b.seq), "p", status, fd, left)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Cutoff agrees with "D + 50 years ≤ as-of" (civil.AddYears, which lands on
// the month's last day) for every 转正 date of several years, on as-of days
// that include month ends of leap and common years.
func TestCutoffMatchesAddYears(t *testing.T) {
	t.Parallel()
	for _, asOf := range []string{"2026-07-01", "2026-02-28", "2028-02-28", "2028-02-29", "2026-03-01", "2026-01-31", "2027-06-30"} {
		a := civil.MustParse(asOf)
		c := honour.Cutoff(a, 50)
		for d := civil.MustParse("1974-01-01"); d.Before(civil.MustParse("1980-01-01")); d = d.AddDays(1) {
			reaches := !d.AddYears(50).After(a)
			if inList := !d.After(c); inList != reaches {
				t.Fatalf("as of %s, 转正 %s: cutoff %s says %v, AddYears says %v", asOf, d, c, inList, reaches)
			}
		}
	}
	cases := []struct{ asOf, want string }{
		{"2026-07-01", "1976-07-01"},
		{"2026-02-28", "1976-02-29"}, // 29 February 1976 + 50 years = 28 February 2026
		{"2026-02-27", "1976-02-27"},
		{"2028-02-28", "1978-02-28"},
	}
	for _, c := range cases {
		if got := honour.Cutoff(civil.MustParse(c.asOf), 50).String(); got != c.want {
			t.Errorf("Cutoff(%s) = %s, want %s", c.asOf, got, c.want)
		}
	}
}

type eligibleReply struct {
	Total int `json:"total"`
	Items []struct {
		PersonID   int64  `json:"person_id"`
		Name       string `json:"name"`
		OrgName    string `json:"org_name"`
		FullDate   string `json:"full_date"`
		PartyYears int    `json:"party_years"`
		ReachedOn  string `json:"reached_on"`
		State      string `json:"state"`
		MedalID    int64  `json:"medal_id"`
		Version    int    `json:"version"`
	} `json:"items"`
}

func ids(r eligibleReply) map[int64]bool {
	out := map[int64]bool{}
	for _, it := range r.Items {
		out[it.PersonID] = true
	}
	return out
}

func TestMedalEligibility(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := honourNewBureau(t, e)
		onTheDay := b.person(t, b.aBranch, "当天", "full", "1976-07-01")   // 50 years on 2026-07-01 itself
		dayBefore := b.person(t, b.aBranch, "前一天", "full", "1976-06-30") // reached the day before
		dayAfter := b.person(t, b.aBranch, "次日", "full", "1976-07-02")   // reaches on 2 July: not this year
		leap := b.person(t, b.aBranch, "闰日", "full", "1976-02-29")       // 50 years on 2026-02-28
		dead := b.person(t, b.aBranch, "已故", "deceased", "1960-01-01")
		suspended := b.person(t, b.aBranch, "停止党籍", "suspended", "1960-01-01")
		other := b.person(t, b.bBranch, "乙分局老党员", "full", "1960-05-01")

		var r eligibleReply
		b.admin.Expect(200, "GET", "/api/v1/medals/eligible?year=2026", nil, &r)
		got := ids(r)
		for id, want := range map[int64]bool{onTheDay: true, dayBefore: true, leap: true, other: true, dayAfter: false, dead: false, suspended: false} {
			if got[id] != want {
				t.Errorf("person %d on the 2026 list: %v, want %v", id, got[id], want)
			}
		}
		if r.Total != 4 {
			t.Errorf("total %d, want 4", r.Total)
		}
		for _, it := range r.Items {
			if it.PersonID == leap && (it.ReachedOn != "2026-02-28" || it.PartyYears != 50) {
				t.Errorf("leap-day 转正: reached %s, 党龄 %d", it.ReachedOn, it.PartyYears)
			}
			if it.PersonID == onTheDay && it.PartyYears != 50 {
				t.Errorf("on the day: 党龄 %d", it.PartyYears)
			}
		}
		// The next year the day-after person is on the list.
		if b.admin.Do("GET", "/api/v1/medals/eligible?year=2027", nil, &r); !ids(r)[dayAfter] {
			t.Error("1976-07-02 missing from 2027")
		}
		// Scope: A's 党务管理员 sees only A; B's subtree is a 404.
		if b.adminA.Do("GET", "/api/v1/medals/eligible?year=2026", nil, &r); ids(r)[other] || r.Total != 3 {
			t.Errorf("A's list shows B or misses A: %+v", r)
		}
		if st := b.adminA.Do("GET", fmt.Sprintf("/api/v1/medals/eligible?year=2026&org=%d", b.b), nil, nil); st != 404 {
			t.Errorf("B's org from A: %d", st)
		}
		// Paging.
		if b.admin.Do("GET", "/api/v1/medals/eligible?year=2026&per_page=3&page=2", nil, &r); r.Total != 4 || len(r.Items) != 1 {
			t.Errorf("page 2 of 3: total %d, items %d", r.Total, len(r.Items))
		}
		for _, bad := range []string{"year=1999", "year=abc", "year=2026&state=x", "year=2026&org=-1"} {
			if st := b.admin.Do("GET", "/api/v1/medals/eligible?"+bad, nil, nil); st != 400 {
				t.Errorf("%s: status %d", bad, st)
			}
		}
	})
}

func TestMedalWorkflow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := honourNewBureau(t, e)
		old := b.person(t, b.aBranch, "王老", "full", "1970-03-01")
		young := b.person(t, b.aBranch, "李青", "full", "2000-03-01")
		other := b.person(t, b.bBranch, "乙某", "full", "1970-03-01")

		if st := b.adminA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": young}, nil); st != 422 {
			t.Errorf("not 50 years: %d %s", st, b.adminA.Body())
		}
		if st := b.adminA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": other}, nil); st != 404 {
			t.Errorf("B's member from A: %d", st)
		}
		if st := b.leaderA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": old}, nil); st != 403 {
			t.Errorf("leader applies: %d", st)
		}
		if st := b.adminA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": old, "applied_on": "2026-02-30"}, nil); st != 400 {
			t.Errorf("impossible date: %d", st)
		}
		var m struct {
			MedalID int64  `json:"medal_id"`
			State   string `json:"state"`
			Version int    `json:"version"`
		}
		if st := b.adminA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": old, "applied_on": "2026-05-10"}, &m); st != 201 || m.State != "applied" {
			t.Fatalf("apply: %d %s", st, b.adminA.Body())
		}
		if st := b.adminA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": old}, nil); st != 409 {
			t.Errorf("double submission: %d", st)
		}
		n := e.Count("SELECT COUNT(*) FROM medals")
		step := func(action string, body map[string]any) int {
			return b.adminA.Do("POST", fmt.Sprintf("/api/v1/medals/%d/%s", m.MedalID, action), body, &m)
		}
		if st := step("issue", map[string]any{"by": "张书记"}); st != 422 {
			t.Errorf("issue before approval: %d", st)
		}
		if st := step("approve", map[string]any{"on": "2026-05-01"}); st != 400 {
			t.Errorf("approval before the application: %d", st)
		}
		if st := step("approve", map[string]any{"on": "2026-06-01", "doc": "市公党〔2026〕5号", "version": m.Version}); st != 200 || m.State != "approved" {
			t.Fatalf("approve: %d %s", st, b.adminA.Body())
		}
		if st := step("issue", map[string]any{"on": "2026-07-01"}); st != 400 {
			t.Errorf("issue without who: %d", st)
		}
		if st := step("issue", map[string]any{"on": "2026-07-01", "by": "张书记", "version": m.Version - 1}); st != 409 {
			t.Errorf("stale version: %d", st)
		}
		if st := step("issue", map[string]any{"on": "2026-07-01", "by": "张书记", "version": m.Version}); st != 200 || m.State != "issued" {
			t.Fatalf("issue: %d %s", st, b.adminA.Body())
		}
		if e.Count("SELECT COUNT(*) FROM medals") != n || e.Count("SELECT COUNT(*) FROM medals WHERE issued_by = '张书记' AND issued_on = '2026-07-01'") != 1 {
			t.Error("medal rows wrong after the workflow")
		}

		// Someone who died after applying is noted, never issued.
		late := b.person(t, b.aBranch, "赵老", "full", "1972-01-01")
		var m2 struct {
			MedalID int64 `json:"medal_id"`
		}
		b.adminA.Do("POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": late}, &m2)
		b.adminA.Do("POST", fmt.Sprintf("/api/v1/medals/%d/approve", m2.MedalID), map[string]any{}, nil)
		if _, err := e.DB.ExecContext(context.Background(), "UPDATE persons SET status = 'deceased', left_date = '2026-06-20' WHERE id = ?", late); err != nil {
			t.Fatal(err)
		}
		if st := b.adminA.Do("POST", fmt.Sprintf("/api/v1/medals/%d/issue", m2.MedalID), map[string]any{"by": "张书记"}, nil); st != 422 {
			t.Errorf("issue to the deceased: %d", st)
		}
		st, body := get(t, b.adminA, "/medals?year=2026")
		if st != 200 || !bytes.Contains(body, []byte("赵老")) || !bytes.Contains(body, []byte("2026-06-20 去世，未颁发")) {
			t.Errorf("list page: %d", st)
		}
		st, body = get(t, b.adminA, "/medals/export?year=2026")
		if st != 200 || cellsafe.CheckXLSX(bytes.NewReader(body)) != nil {
			t.Errorf("export: %d", st)
		}
		// The batch application previews, then applies exactly what it showed.
		third := b.person(t, b.aBranch, "孙老", "full", "1973-01-01")
		if st, body := get(t, b.adminA, "/medals/apply-all?year=2026"); st != 200 || !bytes.Contains(body, []byte("孙老")) {
			t.Errorf("preview: %d", st)
		}
		if e.Count("SELECT COUNT(*) FROM medals WHERE person_id = ?", third) != 0 {
			t.Error("the preview changed something")
		}
		if st := b.adminA.Form("/medals/apply-all", map[string]string{"year": "2026", "ids": fmt.Sprintf("%d,%d", third, other)}); st != 404 {
			t.Errorf("batch with B's member: %d", st)
		}
		if e.Count("SELECT COUNT(*) FROM medals WHERE person_id = ?", third) != 0 {
			t.Error("a refused batch applied in part")
		}
		if st := b.adminA.Form("/medals/apply-all", map[string]string{"year": "2026", "ids": fmt.Sprint(third)}); st != 200 && st != 303 {
			t.Errorf("batch: %d", st)
		}
		if e.Count("SELECT COUNT(*) FROM medals WHERE person_id = ? AND state = 'applied'", third) != 1 {
			t.Error("batch did not apply")
		}

		// The year's list keeps the medal issued to 王老 after he dies: it is
		// history, noted with the day; 赵老 (never issued) stays off it.
		if _, err := e.DB.ExecContext(context.Background(), "UPDATE persons SET status = 'deceased', left_date = '2026-09-01' WHERE id = ?", old); err != nil {
			t.Fatal(err)
		}
		var list struct {
			Items []struct {
				PersonID   int64  `json:"person_id"`
				State      string `json:"state"`
				StateLabel string `json:"state_label"`
				Left       string `json:"left"`
			} `json:"items"`
		}
		b.adminA.Expect(200, "GET", "/api/v1/medals/eligible?year=2026", nil, &list)
		found := false
		for _, it := range list.Items {
			if it.PersonID == late {
				t.Errorf("the medal never issued is on the main list: %+v", it)
			}
			if it.PersonID == old {
				found = it.State == "issued" && it.Left == "2026-09-01 已去世" && it.StateLabel == "已颁发（2026-09-01 已去世）"
			}
		}
		if !found {
			t.Errorf("the issued medal of a member who died since is gone from the list: %+v", list.Items)
		}
		if st, body := get(t, b.adminA, "/medals?year=2026"); st != 200 || !bytes.Contains(body, []byte("已颁发（2026-09-01 已去世）")) {
			t.Errorf("list page keeps the issued medal: %d", st)
		}
	})
}

// get fetches a page or file with the client's token.
func get(t *testing.T, c *apptest.Client, path string) (int, []byte) {
	t.Helper()
	st := c.Do("GET", path, nil, nil)
	return st, c.Last
}

func TestHonoursSentence(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := honourNewBureau(t, e)
		p1 := b.person(t, b.aBranch, "甲一", "full", "2000-01-01")
		p2 := b.person(t, b.aBranch, "甲二", "full", "2000-01-01")
		p3 := b.person(t, b.bBranch, "乙一", "full", "2000-01-01")
		issuer := map[string]int64{}
		var all []honour.Issuer
		b.admin.Expect(200, "GET", "/api/v1/honour-issuers", nil, &all)
		for _, i := range all {
			issuer[i.Name] = i.ID
		}
		add := func(kind string, subject int64, title, iss, on string) {
			t.Helper()
			body := map[string]any{"kind": kind, "title": title, "issuer_id": issuer[iss], "awarded_on": on}
			if kind == "unit" {
				body["org_id"] = subject
			} else {
				body["person_id"] = subject
			}
			b.admin.Expect(201, "POST", "/api/v1/honours", body, nil)
		}
		add("person", p1, "全国优秀共产党员", "中共中央", "2024-06-28")
		add("unit", b.aBranch, "全国公安系统先进集体", "人力资源社会保障部、公安部", "2025-01-10")
		add("unit", b.aBranch, "全国公安机关优秀基层党组织", "中共公安部委员会", "2024-06-30")
		add("person", p1, "全国公安系统二级英雄模范", "公安部", "2025-03-01")
		add("person", p1, "公安部个人一等功", "公安部", "2025-09-01") // p1 twice at 部级: one person
		add("person", p2, "全省公安机关优秀共产党员", "中共陕西省公安厅委员会", "2025-06-28")
		add("unit", b.bBranch, "全省先进基层党组织", "中共陕西省委", "2025-06-28")
		add("person", p3, "全市优秀党务工作者", "中共西安市委", "2025-06-28")
		add("person", p3, "优秀共产党员", "中共西安市公安局委员会", "2022-06-28") // before the period

		var s honour.Summary
		b.admin.Expect(200, "GET", "/api/v1/honours/summary?from=2023-12-01&to=2025-12-31", nil, &s)
		want := "2023年12月1日至2025年12月31日，受国家级表彰单位1个、个人1人，受公安部表彰单位1个、个人1人，受省级表彰单位1个、个人1人，受市级表彰个人1人。"
		if s.Sentence != want {
			t.Errorf("sentence\n got %s\nwant %s", s.Sentence, want)
		}
		if c := s.Counts[1]; c.Level != "ministry" || c.Units != 1 || c.People != 1 {
			t.Errorf("部级: %+v", c)
		}
		// Each number opens its list: the 公安部 individuals are p1's two honours.
		var list struct {
			Total int `json:"total"`
			Items []struct {
				PersonID int64 `json:"person_id"`
			} `json:"items"`
		}
		if b.admin.Do("GET", "/api/v1"+s.Counts[1].PeopleURL, nil, &list); list.Total != 2 || list.Items[0].PersonID != p1 {
			t.Errorf("部级 people list: %+v", list)
		}
		// A's subtree only.
		if b.adminA.Do("GET", "/api/v1/honours/summary?from=2023-12-01&to=2025-12-31", nil, &s); s.Sentence !=
			"2023年12月1日至2025年12月31日，受国家级表彰单位1个、个人1人，受公安部表彰单位1个、个人1人，受省级表彰个人1人。" {
			t.Errorf("A's sentence: %s", s.Sentence)
		}
		if st := b.adminA.Do("GET", fmt.Sprintf("/api/v1/honours/summary?org=%d", b.b), nil, nil); st != 404 {
			t.Errorf("B from A: %d", st)
		}
		// "N年以来" ends today; nothing in an empty subtree.
		if b.admin.Do("GET", fmt.Sprintf("/api/v1/honours/summary?years=2&org=%d", b.bBranch), nil, &s); s.Sentence[:len("两年以来")] != "两年以来" {
			t.Errorf("years=2: %s", s.Sentence)
		}
		if b.admin.Do("GET", "/api/v1/honours/summary?from=2010-01-01&to=2010-12-31", nil, &s); s.Sentence != "2010年1月1日至2010年12月31日，暂无受表彰的单位和个人。" {
			t.Errorf("empty: %s", s.Sentence)
		}
		for _, bad := range []string{"years=11", "from=2025-13-01", "from=2025-06-01&to=2025-01-01"} {
			if st := b.admin.Do("GET", "/api/v1/honours/summary?"+bad, nil, nil); st != 400 {
				t.Errorf("%s: %d", bad, st)
			}
		}
		// The web page shows the sentence with links, to a 领导 too.
		if st, body := get(t, b.leaderA, "/honours?from=2023-12-01&to=2025-12-31&level=national&kind=person"); st != 200 ||
			!bytes.Contains(body, []byte(`受国家级表彰单位<a class="num"`)) {
			t.Errorf("leader's page: %d", st)
		}
	})
}

func TestHonoursRegistry(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := honourNewBureau(t, e)
		p1 := b.person(t, b.aBranch, "甲一", "full", "2000-01-01")
		other := b.person(t, b.bBranch, "乙一", "full", "2000-01-01")
		ok := map[string]any{"kind": "person", "person_id": p1, "title": "优秀共产党员", "issuer_id": 14, "awarded_on": "2025-06-28", "doc_no": "市公党〔2025〕9号"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range ok {
				m[kk] = vv
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		before := e.Count("SELECT COUNT(*) FROM honours")
		for name, c := range map[string]struct {
			body  map[string]any
			field string
			st    int
		}{
			"impossible date": {with("awarded_on", "2025-02-29"), "awarded_on", 400},
			"future date":     {with("awarded_on", "2099-01-01"), "awarded_on", 400},
			"no title":        {with("title", " "), "title", 400},
			"zero-width":      {with("title", "优秀\u200b党员"), "title", 400},
			"unknown issuer":  {with("issuer_id", 9999), "issuer_id", 400},
			"bad kind":        {with("kind", "team"), "kind", 400},
			"B's person":      {with("person_id", other), "", 404},
			"B's unit":        {map[string]any{"kind": "unit", "org_id": b.bBranch, "title": "x", "issuer_id": 14, "awarded_on": "2025-01-01"}, "", 404},
		} {
			var out struct {
				Error struct {
					Field   string `json:"field"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if st := b.adminA.Do("POST", "/api/v1/honours", c.body, &out); st != c.st || out.Error.Field != c.field {
				t.Errorf("%s: %d field %q %s", name, st, out.Error.Field, out.Error.Message)
			}
		}
		if e.Count("SELECT COUNT(*) FROM honours") != before {
			t.Fatal("a refused honour was stored")
		}
		var h honour.Honour
		if st := b.adminA.Do("POST", "/api/v1/honours", ok, &h); st != 201 || h.OrgID != b.aBranch || h.Level != "bureau" || h.PersonName != "甲一" {
			t.Fatalf("create: %d %+v", st, h)
		}
		if st := b.adminA.Do("POST", "/api/v1/honours", ok, nil); st != 409 {
			t.Errorf("double submission: %d", st)
		}
		if st := b.leaderA.Do("POST", "/api/v1/honours", with("title", "x"), nil); st != 403 {
			t.Errorf("leader writes: %d", st)
		}
		upd := with("title", "优秀共产党员（标兵）")
		upd["version"] = h.Version
		if st := b.adminA.Do("PUT", fmt.Sprintf("/api/v1/honours/%d", h.ID), upd, &h); st != 200 || h.Title != "优秀共产党员（标兵）" {
			t.Errorf("update: %d %s", st, b.adminA.Body())
		}
		if st := b.adminA.Do("PUT", fmt.Sprintf("/api/v1/honours/%d", h.ID), upd, nil); st != 409 {
			t.Errorf("stale update: %d", st)
		}
		// The mapping is data: moving the issuer to 市级 moves its honours.
		if st := b.adminA.Do("PUT", "/api/v1/honour-issuers/14", map[string]any{"name": "中共西安市公安局委员会", "level": "city"}, nil); st != 403 {
			t.Errorf("分局 edits the mapping: %d", st)
		}
		b.admin.Expect(200, "PUT", "/api/v1/honour-issuers/14", map[string]any{"name": "中共西安市公安局委员会", "level": "city"}, nil)
		var list struct {
			Total int             `json:"total"`
			Items []honour.Honour `json:"items"`
		}
		if b.adminA.Do("GET", "/api/v1/honours?level=city&kind=person&from=2025-01-01&to=2025-12-31", nil, &list); list.Total != 1 {
			t.Errorf("after the mapping changed: %+v", list)
		}
		if b.admin.Do("GET", fmt.Sprintf("/api/v1/honours?org=%d", b.b), nil, &list); list.Total != 0 {
			t.Errorf("B's list shows A's honour: %d", list.Total)
		}
		if st := b.adminA.Do("GET", "/api/v1/honours?level=x", nil, nil); st != 400 {
			t.Errorf("bad level: %d", st)
		}
		if st, body := get(t, b.adminA, "/honours/export?level=city"); st != 200 || cellsafe.CheckXLSX(bytes.NewReader(body)) != nil {
			t.Errorf("export: %d", st)
		}
		adminB := e.Account(auth.OrgAdmin, b.b, 0)
		if st := adminB.Do("DELETE", fmt.Sprintf("/api/v1/honours/%d", h.ID), nil, nil); st != 404 {
			t.Errorf("B deletes A's honour: %d", st)
		}
		if st := b.adminA.Do("DELETE", fmt.Sprintf("/api/v1/honours/%d", h.ID), nil, nil); st != 204 {
			t.Errorf("delete: %d", st)
		}
		if e.Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('honour.create', 'honour.update', 'honour.delete', 'honour.issuer')") != 4 {
			t.Error("writes not audited")
		}
	})
}
