package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/todo"
)

// The bureau's inbox: one item per thing even when it was posted to both
// sides, one section per kind of work, filters, paging, a count, and an
// export of exactly the filtered list.
func TestInboxFiltersPagingAndExport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root, a, _, aBranch, bBranch := tree(t, e.DB)
		today := civil.Today(time.Now())
		day := func(n int) string { return today.AddDays(n).String() }
		todoPost(t, e.DB,
			// An overdue transfer from 甲 to 乙 reaches both sides.
			todo.Item{Source: "transfer.overdue", Key: "1:from", OrgID: aBranch, Title: "张三的组织关系转接已超期", Link: "/transfers/1", Severity: "bad", DueOn: day(-3)},
			todo.Item{Source: "transfer.overdue", Key: "1:to", OrgID: bBranch, Title: "张三的组织关系转接已超期", Link: "/transfers/1", Severity: "bad", DueOn: day(-3)},
			todo.Item{Source: "transfer.lost", Key: "9", OrgID: aBranch, Title: "李四失去联系已满 6 个月", Link: "/members/9", DueOn: day(-1)},
			todo.Item{Source: "develop.deadline", Key: "d1", OrgID: aBranch, Title: "王五：谈话期限", Link: "/development/cases/1", DueOn: day(5)},
			todo.Item{Source: "develop.deadline", Key: "d2", OrgID: bBranch, Title: "赵六：谈话期限", Link: "/development/cases/2", DueOn: day(20)},
			todo.Item{Source: "org.warning", Key: "w", OrgID: a, Title: "甲分局党委换届到期"},
		)
		city := e.Account(auth.OrgAdmin, root, 0)
		adminA := e.Account(auth.OrgAdmin, a, 0)
		var l list
		if st := city.Do("GET", "/api/v1/todos", nil, &l); st != 200 || l.Total != 5 || strings.Count(titles(l), "张三") != 1 {
			t.Fatalf("the bureau sees each item once: %d %d %s", st, l.Total, titles(l))
		}
		adminA.Do("GET", "/api/v1/todos", nil, &l)
		if l.Total != 4 || strings.Count(titles(l), "张三") != 1 {
			t.Fatalf("甲 sees its side: %d %s", l.Total, titles(l))
		}
		// The badge on every page counts as the inbox does.
		for c, want := range map[*apptest.Client]string{city: "待办<b>5</b>", adminA: "待办<b>4</b>"} {
			if st := c.Do("GET", "/", nil, nil); st != 200 || !strings.Contains(c.Body(), want) {
				t.Errorf("the badge is not %q: %d", want, st)
			}
		}
		// Filters: kind, organisation subtree, overdue, status; a count that matches.
		for q, want := range map[string]string{
			"kind=transfer":                    "张三的组织关系转接已超期,李四失去联系已满 6 个月",
			fmt.Sprintf("org=%d&overdue=1", a): "张三的组织关系转接已超期,李四失去联系已满 6 个月",
			fmt.Sprintf("org=%d", bBranch):     "张三的组织关系转接已超期,赵六：谈话期限",
			"within=7":                         "王五：谈话期限",
			"status=done":                      "",
			"kind=develop&sort=new":            "赵六：谈话期限,王五：谈话期限",
		} {
			if st := city.Do("GET", "/api/v1/todos?"+q, nil, &l); st != 200 || titles(l) != want || l.Total != len(l.Items) {
				t.Errorf("%s: %d %q (total %d), want %q", q, st, titles(l), l.Total, want)
			}
		}
		// Paging: the count is of everything filtered; pages split it in order.
		var p1, p2 list
		city.Do("GET", "/api/v1/todos?per_page=2", nil, &p1)
		city.Do("GET", "/api/v1/todos?per_page=2&page=3", nil, &p2)
		if p1.Total != 5 || len(p1.Items) != 2 || p2.Total != 5 || titles(p2) != "甲分局党委换届到期" {
			t.Fatalf("paging: %d %s / %d %s", p1.Total, titles(p1), p2.Total, titles(p2))
		}
		// Bad filters are refused naming the field; another subtree is 404.
		for q, st := range map[string]int{"kind=x": 400, "status=x": 400, "sort=x": 400, "per_page=500": 422, "within=x": 400, "org=x": 400} {
			if got := city.Do("GET", "/api/v1/todos?"+q, nil, nil); got != st || !strings.Contains(city.Body(), `"field"`) {
				t.Errorf("%s: %d, want %d: %s", q, got, st, city.Body())
			}
		}
		adminA.Expect(404, "GET", fmt.Sprintf("/todos.xlsx?org=%d", bBranch), nil, nil) // A exports B's
		// The page: one section for 转接 (two sources), grouped by organisation on request.
		if st := city.Do("GET", "/todos?per_page=50", nil, nil); st != 200 || strings.Count(city.Body(), `data-key="transfer"`) != 1 ||
			!strings.Contains(city.Body(), `href="/todos.xlsx?per_page=50"`) || !strings.Contains(city.Body(), `data-total="5"`) {
			t.Fatalf("page: %d", st)
		}
		if st := city.Do("GET", "/todos?group=org", nil, nil); st != 200 || !strings.Contains(city.Body(), `data-key="`+fmt.Sprint(aBranch)+`"`) {
			t.Fatalf("grouped by organisation: %d", st)
		}
		// The export holds exactly the filtered rows, every page, and is audited.
		q := fmt.Sprintf("org=%d&overdue=1&per_page=1", a)
		var all list
		city.Do("GET", "/api/v1/todos?"+strings.Replace(q, "per_page=1", "per_page=200", 1), nil, &all)
		city.Expect(200, "GET", "/todos.xlsx?"+q, nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(city.Last)); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(city.Last))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("待办")
		var got []string
		for _, r := range rows[2:] {
			got = append(got, r[2])
		}
		if strings.Join(got, ",") != titles(all) || len(got) != 2 {
			t.Fatalf("export rows %v, list %s", got, titles(all))
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'todo.export' AND detail LIKE '%\"rows\":2%'"); n != 1 {
			t.Fatalf("export audited %d times", n)
		}
		// The 工作台 counts by urgency, as the inbox lists them.
		var u todo.Urgency
		if st := city.Do("GET", "/api/v1/todos/urgency", nil, &u); st != 200 || u.Overdue != exact(2) || u.Week != exact(1) || u.Within30 != exact(2) || u.Later() != 1 || u.Total != exact(5) {
			t.Fatalf("urgency: %d %+v", st, u)
		}
		if st := city.Do("GET", "/", nil, nil); st != 200 || !strings.Contains(city.Body(), `id="todo-urgency"`) || !strings.Contains(city.Body(), "<b>2</b>待办已逾期") ||
			!strings.Contains(city.Body(), "<b>5</b>未办结待办（其余 1 项期限较远或无期限）") {
			t.Fatalf("工作台: %d", st)
		}
	})
}

// The badge counts each thing once up to its cap, also when the first
// items it reads are all one thing: 500 posts of one thing are 1, and 240
// things posted to both sides are "99+".
func TestBadgeCountsEachThingOnce(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root, a, _, aBranch, bBranch := tree(t, e.DB)
		var same, many []todo.Item
		for i := range 500 {
			same = append(same, todo.Item{Source: "transfer.overdue", Key: fmt.Sprint("same", i), OrgID: aBranch, Title: "同一件事", Link: "/x"})
		}
		for i := range 240 {
			for side, org := range []int64{aBranch, bBranch} {
				many = append(many, todo.Item{Source: "transfer.overdue", Key: fmt.Sprint(i, side), OrgID: org, Title: fmt.Sprint("事项", i), Link: fmt.Sprint("/y/", i)})
			}
		}
		badge := func(c *apptest.Client, want string) {
			t.Helper()
			if st := c.Do("GET", "/", nil, nil); st != 200 || !strings.Contains(c.Body(), want) {
				t.Errorf("the badge is not %q: %d", want, st)
			}
		}
		todoPost(t, e.DB, same...)
		badge(e.Account(auth.OrgAdmin, a, 0), "待办<b>1</b>")
		todoPost(t, e.DB, many...)
		badge(e.Account(auth.OrgAdmin, root, 0), "待办<b>99+</b>")
	})
}

// An item posted to the caller's own account and to an organisation of
// their subtree is one item: the inbox, the 工作台 and the badge count it once.
func TestOwnItemInTheSubtreeCountsOnce(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		root, _, _, aBranch, _ := tree(t, e.DB)
		city := e.Account(auth.OrgAdmin, root, 0)
		var account int64
		if err := e.DB.QueryRowContext(t.Context(), "SELECT MAX(id) FROM accounts").Scan(&account); err != nil {
			t.Fatal(err)
		}
		todoPost(t, e.DB, todo.Item{Source: "develop.deadline", Key: "both", OrgID: aBranch, AccountID: account, Title: "审核发展对象材料", Link: "/development"})
		var l list
		var u todo.Urgency
		if st := city.Do("GET", "/api/v1/todos", nil, &l); st != 200 || l.Total != 1 || len(l.Items) != 1 {
			t.Fatalf("inbox: %d %d %s", st, l.Total, titles(l))
		}
		if st := city.Do("GET", "/api/v1/todos/urgency", nil, &u); st != 200 || u.Total != exact(1) {
			t.Fatalf("urgency: %d %+v", st, u)
		}
		if st := city.Do("GET", "/", nil, nil); st != 200 || !strings.Contains(city.Body(), "待办<b>1</b>") {
			t.Fatalf("badge: %d", st)
		}
	})
}
