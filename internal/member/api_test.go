package member_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// bureau is a root with two 分局 (A, B) and a branch under A.
type bureau struct {
	e                   *apptest.Env
	root, a, b, aBranch int64
	admin               *apptest.Client // 党务管理员 of the whole bureau
}

func newBureau(t *testing.T, e *apptest.Env) *bureau {
	add := func(parent int64, name string) int64 { return e.Org(parent, name, "committee") }
	b := &bureau{e: e}
	b.root = add(0, "市公安局党委")
	b.a = add(b.root, "甲分局党委")
	b.b = add(b.root, "乙分局党委")
	b.aBranch = add(b.a, "甲分局城关派出所党支部")
	b.admin = e.Account(auth.OrgAdmin, b.root, 0)
	return b
}

var (
	zhangID = idcard.WithCheckDigit("11010519800307123") // a man born 1980-03-07
	liID    = idcard.WithCheckDigit("32010219920815002") // a woman born 1992-08-15
)

type person struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	IDMasked    string `json:"id_masked"`
	PhoneMasked string `json:"phone_masked"`
	BirthDate   string `json:"birth_date"`
	Gender      string `json:"gender"`
	Status      string `json:"status"`
	FullDate    string `json:"full_date"`
	PartyYears  int    `json:"party_years"`
	Version     int    `json:"version"`
}

func zhang(org int64) map[string]any {
	return map[string]any{"org_id": org, "name": "张三", "id_number": zhangID, "phone": "13812345678", "education": "大学本科",
		"category": "民警", "status": "full", "join_date": "2003-07-01", "full_date": "2004-07-01"}
}

func (b *bureau) create(t *testing.T, body map[string]any) person {
	t.Helper()
	var p person
	if st := b.admin.Do("POST", "/api/v1/members", body, &p); st != 201 {
		t.Fatalf("create %v: %d %s", body["name"], st, b.admin.Body())
	}
	return p
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestCreateAndValidate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		p := b.create(t, zhang(b.aBranch))
		if p.BirthDate != "1980-03-07" || p.Gender != "男" || p.PartyYears < 20 || p.IDMasked != "1101**********"+zhangID[14:] || p.PhoneMasked != "138****5678" {
			t.Fatalf("created: %+v", p)
		}
		if strings.Contains(b.admin.Body(), zhangID) || strings.Contains(b.admin.Body(), "13812345678") {
			t.Fatal("plaintext in the JSON reply")
		}
		// The same number again, in its 15-digit legacy form: 409 in Chinese.
		if st := b.admin.Do("POST", "/api/v1/members", with(zhang(b.aBranch), "id_number", zhangID[:6]+zhangID[8:17]), nil); st != 409 ||
			!strings.Contains(b.admin.Body(), "已登记") {
			t.Fatalf("duplicate: %d %s", st, b.admin.Body())
		}
		// Lowercase x is accepted and stored as X.
		li := b.create(t, map[string]any{"org_id": b.a, "name": "李四", "id_number": strings.ToLower(idcard.WithCheckDigit("11010519491231002")),
			"status": "applicant", "apply_date": "2020-01-01"})
		if !strings.HasSuffix(li.IDMasked, "X") {
			t.Fatalf("x not normalised: %s", li.IDMasked)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{with(zhang(b.a), "id_number", zhangID[:17]+"0"), "id_number"},
			{with(zhang(b.a), "id_number", "", "birth_date", "1980-02-30", "gender", "男"), "birth_date"},
			{with(zhang(b.a), "id_number", liID, "gender", "女", "join_date", "2010-08-01", "full_date", "2011-08-01"), "join_date"},
			{with(zhang(b.a), "id_number", "", "gender", "男", "birth_date", "1980-01-01", "category", "协警"), "category"},
			{with(zhang(b.a), "id_number", "", "gender", "男", "birth_date", "1980-01-01", "ethnicity", "火星族"), "ethnicity"},
			{with(zhang(b.a), "id_number", "", "gender", "男", "birth_date", "1980-01-01", "role", "orgadmin"), "role"},
		} {
			if st := b.admin.Do("POST", "/api/v1/members", c.body, nil); st != 400 || !strings.Contains(b.admin.Body(), `"field":"`+c.field+`"`) {
				t.Errorf("%s: %d %s", c.field, st, b.admin.Body())
			}
		}
		var n int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM persons").Scan(&n)
		if n != 2 {
			t.Fatalf("refused requests changed the database: %d persons", n)
		}
	})
}

func TestUpdateConflictAndMassAssignment(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		p := b.create(t, zhang(b.aBranch))
		var out person
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", p.ID), map[string]any{"version": p.Version, "post": "一级警长"}, &out); st != 200 || out.Version != p.Version+1 {
			t.Fatalf("update: %d %s", st, b.admin.Body())
		}
		// A second editor still holding the old version is refused.
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", p.ID), map[string]any{"version": p.Version, "post": "二级警长"}, nil); st != 409 {
			t.Fatalf("stale version: %d %s", st, b.admin.Body())
		}
		for _, body := range []map[string]any{{"version": out.Version, "org_id": b.b}, {"version": out.Version, "id_hash": "x"}, {"post": "x"}} {
			if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", p.ID), body, nil); st != 400 {
				t.Errorf("PATCH %v: %d %s", body, st, b.admin.Body())
			}
		}
		if st := b.admin.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", p.ID), map[string]any{"version": out.Version, "full_date": "2003-01-01"}, nil); st != 400 {
			t.Fatalf("转正 before 入党 accepted: %d", st)
		}
	})
}

func TestSearchAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		b.create(t, zhang(b.aBranch))
		b.create(t, map[string]any{"org_id": b.b, "name": "张珊", "id_number": liID, "category": "辅警", "status": "activist",
			"apply_date": "2015-01-01", "activist_date": "2016-01-01"})
		for i := range 23 {
			b.create(t, map[string]any{"org_id": b.a, "name": fmt.Sprintf("王%c", '一'+rune(i)), "gender": "男", "birth_date": "1990-01-01",
				"status": "applicant", "apply_date": "2020-01-01"})
		}
		type page struct {
			Total   int      `json:"total"`
			Page    int      `json:"page"`
			PerPage int      `json:"per_page"`
			Items   []person `json:"items"`
		}
		list := func(q string) page {
			t.Helper()
			var out page
			if st := b.admin.Do("GET", "/api/v1/members?"+q, nil, &out); st != 200 {
				t.Fatalf("%s: %d %s", q, st, b.admin.Body())
			}
			return out
		}
		for q, want := range map[string]int{"q=zs": 2, "q=%E5%BC%A0": 2, "q=" + zhangID[14:]: 1, "q=" + liID[12:]: 1,
			fmt.Sprintf("org=%d", b.a): 24, "status=activist": 1, "category=%E8%BE%85%E8%AD%A6&gender=%E5%A5%B3": 1,
			"q=%27+OR+1%3D1+--": 0, "q=%25_": 0, "": 25} {
			if got := list(q); got.Total != want {
				t.Errorf("%s: total %d, want %d", q, got.Total, want)
			}
		}
		p2 := list("per_page=10&page=3")
		if p2.Total != 25 || len(p2.Items) != 5 || p2.Page != 3 || p2.PerPage != 10 {
			t.Fatalf("page 3: %+v", p2)
		}
		all := list("per_page=100")
		for i := 1; i < len(all.Items); i++ {
			prev, _ := member.PinyinOf(all.Items[i-1].Name)
			cur, _ := member.PinyinOf(all.Items[i].Name)
			if prev > cur {
				t.Errorf("not sorted by pinyin: %s before %s", all.Items[i-1].Name, all.Items[i].Name)
			}
		}
		// 党员 (正式 and 预备) and a span of 入党 dates, as the statistics link to them.
		for _, set := range []string{"UPDATE persons SET join_date = '2016-05-01' WHERE id % 2 = 0", "UPDATE persons SET join_date = '2019-07-01' WHERE id % 2 = 1"} {
			if _, err := e.DB.ExecContext(context.Background(), set); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]int{
			"status=party": e.Count("SELECT COUNT(*) FROM persons WHERE status IN ('full', 'probationary')"),
			"joined_from=2015-01-01&joined_to=2020-12-31": e.Count("SELECT COUNT(*) FROM persons WHERE join_date BETWEEN '2015-01-01' AND '2020-12-31'"),
			"status=party&joined_from=2018-01-01":         e.Count("SELECT COUNT(*) FROM persons WHERE status IN ('full', 'probationary') AND join_date >= '2018-01-01'"),
		} {
			if got := list(q); got.Total != want || want == 0 {
				t.Errorf("%s: total %d, want %d", q, got.Total, want)
			}
		}
		for q, want := range map[string]int{"status=boss": 400, "page=x": 400, "age=abc": 400, "org=-1": 400,
			"joined_from=2025-02-30": 400, "joined_to=yesterday": 400, "joined_from=2025-06-01&joined_to=2025-01-01": 422} {
			if st := b.admin.Do("GET", "/api/v1/members?"+q, nil, nil); st != want {
				t.Errorf("%s: %d", q, st)
			}
		}
		leaderA := e.Account(auth.Leader, b.a, 0)
		var out page
		if leaderA.Do("GET", "/api/v1/members", nil, &out); out.Total != 24 {
			t.Errorf("leader of A sees %d", out.Total)
		}
		if st := leaderA.Do("GET", fmt.Sprintf("/api/v1/members?org=%d", b.b), nil, nil); st != 404 {
			t.Errorf("leader of A filtering by B: %d", st)
		}
	})
}

func TestNoPlaintextAtRestAndReveal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := newBureau(t, e)
		p := b.create(t, zhang(b.aBranch))
		b.admin.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", p.ID), map[string]any{"version": 1, "phone": "13900001111"}, nil)
		path := fmt.Sprintf("/api/v1/members/%d/reveal", p.ID)
		var rev map[string]string
		if st := b.admin.Do("POST", path, nil, &rev); st != 200 || rev["id_number"] != zhangID || rev["phone"] != "13900001111" {
			t.Fatalf("reveal: %d %v", st, rev)
		}
		if st := e.Account(auth.Leader, b.root, 0).Do("POST", path, nil, nil); st != 403 {
			t.Fatalf("leader revealed: %d", st)
		}
		if st := e.Account(auth.OrgAdmin, b.b, 0).Do("POST", path, nil, nil); st != 404 {
			t.Fatalf("out-of-scope reveal: %d", st)
		}
		var ok, denied int
		e.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.reveal' AND result = 'ok'").Scan(&ok)
		e.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.reveal' AND result = 'denied'").Scan(&denied)
		if ok != 1 || denied != 1 {
			t.Fatalf("reveal audit: %d ok, %d denied", ok, denied)
		}
		if st := b.admin.Do("GET", "/api/v1/members?q="+zhangID, nil, nil); st != 200 || !strings.Contains(b.admin.Body(), `"total":1`) {
			t.Fatalf("search by the whole number: %d %s", st, b.admin.Body())
		}
		// Every text and blob cell of every table, the audit log included.
		for _, secret := range []string{zhangID, zhangID[:17], "13812345678", "13900001111"} {
			if where := dumpContains(t, e.DB, secret); where != "" {
				t.Errorf("plaintext %s found in %s", secret, where)
			}
		}
	})
}

// dumpContains looks for s in every cell of every table, as stored.
func dumpContains(t *testing.T, d *db.DB, s string) string {
	return dbtest.Find(t, d, func(cell []byte) bool { return strings.Contains(string(cell), s) })
}

func TestMemberSeesOnlySelf(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		me := b.create(t, zhang(b.aBranch))
		other := b.create(t, map[string]any{"org_id": b.aBranch, "name": "李四", "id_number": liID, "status": "applicant", "apply_date": "2020-01-01"})
		c := e.Account(auth.Member, 0, me.ID)
		for path, want := range map[string]int{
			fmt.Sprintf("/api/v1/members/%d", me.ID): 200, fmt.Sprintf("/api/v1/members/%d/events", me.ID): 200, fmt.Sprintf("/members/%d", me.ID): 200,
			fmt.Sprintf("/api/v1/members/%d", other.ID): 404, fmt.Sprintf("/api/v1/members/%d/events", other.ID): 404, fmt.Sprintf("/members/%d", other.ID): 404,
			"/api/v1/members": 403, "/members": 403, "/api/v1/members/abc": 404,
		} {
			if st := c.Do("GET", path, nil, nil); st != want {
				t.Errorf("member GET %s: %d, want %d", path, st, want)
			}
		}
		if st := c.Do("POST", fmt.Sprintf("/api/v1/members/%d/reveal", me.ID), nil, nil); st != 403 {
			t.Errorf("member revealed own number: %d", st)
		}
		if st := c.Do("GET", "/me", nil, nil); st != http.StatusSeeOther || !strings.Contains(c.Body(), fmt.Sprintf("/members/%d", me.ID)) {
			t.Errorf("/me: %d %s", st, c.Body())
		}
		if st := b.admin.Do("GET", "/me", nil, nil); st != 200 || !strings.Contains(b.admin.Body(), "没有关联人员档案") {
			t.Errorf("/me without a person: %d", st)
		}
	})
}

func TestEvents(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		p := b.create(t, map[string]any{"org_id": b.aBranch, "name": "赵六", "id_number": liID, "status": "probationary", "join_date": "2024-06-01"})
		path := fmt.Sprintf("/api/v1/members/%d/events", p.ID)
		if st := b.admin.Do("POST", path, map[string]any{"kind": "full", "on_date": "2024-05-01"}, nil); st != 400 {
			t.Fatalf("转正 before 入党: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Do("POST", path, map[string]any{"kind": "apply", "on_date": "2025-06-01"}, nil); st != 400 {
			t.Fatalf("申请 by a 预备党员: %d", st)
		}
		if st := b.admin.Do("POST", path, map[string]any{"kind": "transfer_in", "on_date": "2025-06-01", "org_id": 99999}, nil); st != 404 {
			t.Fatalf("transfer into an unknown org: %d", st)
		}
		var after person
		if st := b.admin.Do("POST", path, map[string]any{"kind": "full", "on_date": "2025-06-01", "note": "支部大会通过"}, &after); st != 201 ||
			after.Status != "full" || after.FullDate != "2025-06-01" {
			t.Fatalf("转正: %d %s", st, b.admin.Body())
		}
		var evs struct {
			Items []struct{ Kind, KindLabel, OnDate, Note string } `json:"items"`
		}
		if b.admin.Do("GET", path, nil, &evs); len(evs.Items) != 1 || evs.Items[0].Note != "支部大会通过" {
			t.Fatalf("events: %+v", evs)
		}
		leader := e.Account(auth.Leader, b.root, 0)
		if st := leader.Do("POST", path, map[string]any{"kind": "lost", "on_date": "2025-07-01"}, nil); st != 403 {
			t.Fatalf("leader recorded an event: %d", st)
		}
	})
}
