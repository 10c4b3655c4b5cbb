package member_test

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/listing"
)

func TestPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		evil := `<img src=x onerror=alert(1)>`
		p := b.create(t, with(zhang(b.aBranch), "name", evil))
		detail := fmt.Sprintf("/members/%d", p.ID)
		for _, path := range []string{"/members", "/members?q=%3Cimg", detail} {
			if st := b.admin.Do("GET", path, nil, nil); st != 200 {
				t.Fatalf("GET %s: %d %s", path, st, b.admin.Body())
			}
			body := b.admin.Body()
			if strings.Contains(body, evil) || !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
				t.Errorf("%s: the name is not escaped", path)
			}
			if strings.Contains(body, zhangID) || strings.Contains(body, "13812345678") {
				t.Errorf("%s shows a full number", path)
			}
		}
		// Dashboard links carry their filters in the query string.
		if st := b.admin.Do("GET", fmt.Sprintf("/members?status=full&category=%%E6%%B0%%91%%E8%%AD%%A6&gender=%%E7%%94%%B7&edu=%%E5%%A4%%A7%%E5%%AD%%A6%%E6%%9C%%AC%%E7%%A7%%91&age=41-50&org=%d", b.a), nil, nil); st != 200 ||
			!strings.Contains(b.admin.Body(), "共 1 人") {
			t.Errorf("linked filters: %d", st)
		}
		if st := b.admin.Do("GET", "/members?age=abc", nil, nil); st != 400 || !strings.Contains(b.admin.Body(), "年龄段") {
			t.Errorf("bad age band: %d", st)
		}

		// 显示完整号码 shows the number once.
		if st := b.admin.Form(detail+"/reveal", nil); st != 200 || !strings.Contains(b.admin.Body(), zhangID) {
			t.Fatalf("reveal form: %d", st)
		}
		if st := b.admin.Do("GET", detail, nil, nil); strings.Contains(b.admin.Body(), zhangID) {
			t.Fatalf("number still shown after reveal: %d", st)
		}

		// Create through the form; a refused form keeps what was typed.
		form := map[string]string{"org_id": fmt.Sprint(b.a), "name": "钱七", "gender": "女", "birth_date": "1990-02-30", "status": "applicant", "apply_date": "2020-01-01", "ethnicity": "汉族"}
		if st := b.admin.Form("/members", form); st != 400 || !strings.Contains(b.admin.Body(), "不是真实的日期") || !strings.Contains(b.admin.Body(), "钱七") {
			t.Fatalf("bad form: %d", st)
		}
		form["birth_date"] = "1990-02-28"
		if st := b.admin.Form("/members", form); st != 303 {
			t.Fatalf("create form: %d %s", st, b.admin.Body())
		}

		// Edit: a stale version is refused with 409, the current one saved.
		edit := map[string]string{"version": "1", "name": "张三丰", "status": "full", "join_date": "2003-07-01", "full_date": "2004-07-01", "ethnicity": "汉族"}
		if st := b.admin.Form(detail, edit); st != 303 {
			t.Fatalf("edit: %d %s", st, b.admin.Body())
		}
		if st := b.admin.Form(detail, edit); st != 409 {
			t.Fatalf("stale edit: %d", st)
		}
		if st := b.admin.Form(detail+"/events", map[string]string{"kind": "mobile", "on_date": "2025-01-01", "note": "广州"}); st != 303 {
			t.Fatalf("event form: %d %s", st, b.admin.Body())
		}
		b.admin.Do("GET", detail, nil, nil)
		if body := b.admin.Body(); !strings.Contains(body, "张三丰") || !strings.Contains(body, "流动党员") || !strings.Contains(body, "广州") ||
			!strings.Contains(body, "转为正式党员") {
			t.Fatalf("detail after edits lacks the changes")
		}
		leader := e.Account(auth.Leader, b.root, 0)
		leader.Do("GET", detail, nil, nil)
		if strings.Contains(leader.Body(), "显示完整号码") || strings.Contains(leader.Body(), "修改档案") {
			t.Fatal("leader is offered write actions")
		}
	})
}

// Past listing.TotalCap the list says "10,000+" on the page and total_exact false in
// the API, and the pager still leads to the next page.
func TestListBeyondTheCountCap(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		err := e.DB.InTx(context.Background(), func(tx *db.Tx) error {
			w := member.NewInserter(tx)
			defer w.Close()
			for i := range listing.TotalCap + 1 {
				p := member.Person{OrgID: b.aBranch, Name: fmt.Sprintf("张%d", i), Gender: "男", BirthDate: "1980-01-01", Status: "full", JoinDate: "2000-01-01", FullDate: "2001-01-01"}
				if err := w.Add(context.Background(), member.NewRow(e.App.Keys, &p)); err != nil {
					return err
				}
			}
			return w.Flush(context.Background())
		})
		if err != nil {
			t.Fatal(err)
		}
		if st := b.admin.Do("GET", "/members?per_page=20", nil, nil); st != 200 || !strings.Contains(html.UnescapeString(b.admin.Body()), "共 10,000+ 人") ||
			!strings.Contains(html.UnescapeString(b.admin.Body()), "共 10,000+ 项，第 1 页") {
			t.Fatalf("list: %d %s", st, b.admin.Body())
		}
		// Past the cap the next link stays while the search finds a page.
		next := b.admin.Link(`rel="next"`)
		if st := b.admin.Do("GET", "/members"+next.String(), nil, nil); st != 200 || next.Query().Get("page") != "2" || next.Query().Get("per_page") != "20" ||
			!strings.Contains(b.admin.Body(), "第 2 页") || b.admin.Link(`rel="next"`).Query().Get("page") != "3" {
			t.Fatalf("page 2: %d %s", st, next)
		}
		if st := b.admin.Do("GET", "/members?per_page=200&page=51", nil, nil); st != 200 || strings.Contains(b.admin.Body(), `rel="next"`) ||
			strings.Count(b.admin.Body(), `<tr id="person-`) != 1 || !strings.Contains(b.admin.Body(), `rel="prev"`) {
			t.Fatalf("the last page past the cap: %d", st)
		}
		var out struct {
			Total      int  `json:"total"`
			TotalExact bool `json:"total_exact"`
			HasNext    bool `json:"has_next"`
			Items      []member.Person
		}
		if st := b.admin.Do("GET", "/api/v1/members?per_page=100&page=101", nil, &out); st != 200 || out.Total != listing.TotalCap || out.TotalExact ||
			out.HasNext || len(out.Items) != 1 {
			t.Fatalf("API past the cap: %d %+v", st, out)
		}
		if st := b.admin.Do("GET", fmt.Sprintf("/api/v1/members?org=%d", b.b), nil, &out); st != 200 || out.Total != 0 || !out.TotalExact || out.HasNext {
			t.Fatalf("API, an empty subtree: %d %+v", st, out)
		}
	})
}

// The member list pages with the shared pager: the next page keeps the
// filters and the size, its download (the roster export,
// /exports/members.xlsx) holds exactly the rows it lists, bad paging is
// refused and another 分局's organisation is a 404.
func TestListPagesWithTheSharedPager(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		for i := range 7 {
			b.create(t, map[string]any{"org_id": b.aBranch, "name": fmt.Sprintf("党员%c", '一'+rune(i)), "gender": "男", "birth_date": "1990-01-01",
				"status": "full", "join_date": "2015-07-01", "full_date": "2016-07-01", "post": "内勤甲岗"})
		}
		b.create(t, map[string]any{"org_id": b.aBranch, "name": "申请人", "gender": "男", "birth_date": "1990-01-01", "status": "applicant", "apply_date": "2020-01-01", "post": "内勤甲岗"})
		b.create(t, map[string]any{"org_id": b.b, "name": "乙党员", "gender": "男", "birth_date": "1990-01-01", "status": "full", "join_date": "2015-07-01", "full_date": "2016-07-01"})
		b.admin.CheckList(apptest.List{Path: "/members", Filters: fmt.Sprintf("org=%d&status=full", b.aBranch), Row: `<tr id="person-`, Total: 7, PerPage: 3,
			Export: `id="members-export"`, Download: "/exports/members.xlsx", Marker: "内勤甲岗", Others: []string{"申请人", "乙党员"}},
			e.Account(auth.Leader, b.b, 0))
	})
}
