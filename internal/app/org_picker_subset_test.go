package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// foundIDs is what the pickers' search finds for a query.
func foundIDs(t *testing.T, c *apptest.Client, query string) []int64 {
	t.Helper()
	var out orgFound
	c.Expect(200, "GET", "/api/v1/orgs/search?"+query, nil, &out)
	var ids []int64
	for _, o := range out.Items {
		ids = append(ids, o.ID)
	}
	return ids
}

// pickerTask is a task item of org, to dispatch.
func pickerTask(t *testing.T, e *apptest.Env, org int64) int64 {
	t.Helper()
	item, err := db.InsertID(context.Background(), e.DB, `INSERT INTO task_items (org_id, year, title, due_on, weight, created_at, updated_at)
		VALUES (?, 2026, '甲分局任务', '2026-06-30', 5, 0, 0)`, org)
	if err != nil {
		t.Fatal(err)
	}
	return item
}

// The pickers' search narrows to what a form accepts (kinds, 党委 with
// 审批权限, what lies below an organisation) and finds by pinyin; a
// transfer's receiving branch is looked up in the whole bureau, by a
// 党务管理员 only; the 系统管理员 and 安全保密管理员 search the whole
// bureau, the 审计员 nothing; what it cannot name is refused in Chinese.
func TestOrgSearchNarrows(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pickerBureau(t, e)
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		a := e.Account(auth.OrgAdmin, b.A, 0)
		for _, c := range []struct {
			who   *apptest.Client
			query string
			want  []int64
		}{
			{root, "kind=committee", []int64{b.Root, b.A, b.B}},
			{root, "approve=1&q=" + url.QueryEscape("分局"), []int64{b.A, b.B}},
			{a, "kind=branch,joint&q=" + url.QueryEscape("城关"), []int64{b.ABranch}},
			{a, "kind=committee&q=" + url.QueryEscape("乙分局"), nil},
			{a, fmt.Sprintf("root=%d&below=1&kind=committee", b.A), nil},
			{a, fmt.Sprintf("root=%d&below=1&q=%s", b.A, url.QueryEscape("城关")), []int64{b.ABranch}},
			{root, "q=yfjcg", []int64{b.BBranch}}, // 乙分局城关派出所党支部 by its initials
			{a, "bureau=1&kind=branch,joint&q=" + url.QueryEscape("城关"), []int64{b.ABranch, b.BBranch}},
			{e.Account(auth.SysAdmin, 0, 0), "q=" + url.QueryEscape("城关"), []int64{b.ABranch, b.BBranch}},
			{e.Account(auth.SecAdmin, 0, 0), "kind=committee&q=" + url.QueryEscape("乙"), []int64{b.B}},
		} {
			if got := fmt.Sprint(foundIDs(t, c.who, c.query)); got != fmt.Sprint(c.want) {
				t.Errorf("%s: %s, want %v", c.query, got, c.want)
			}
		}
		leader := e.Account(auth.Leader, b.A, 0)
		if st := leader.Do("GET", "/api/v1/orgs/search?bureau=1&kind=branch", nil, nil); st != 403 {
			t.Errorf("a 领导 searching the bureau: %d", st)
		}
		if st := e.Account(auth.Auditor, 0, 0).Do("GET", "/api/v1/orgs/search?q=", nil, nil); st != 403 {
			t.Errorf("the 审计员: %d", st)
		}
		a.Expect(404, "GET", fmt.Sprintf("/api/v1/orgs/search?root=%d&below=1", b.B), nil, nil)
		for query, msg := range map[string]string{
			"kind=cell":                   "组织类型「cell」不存在",
			"bureau=1&kind=committee":     "在全局查找只限党支部、联合党支部",
			"bureau=1":                    "在全局查找只限党支部、联合党支部",
			"below=1":                     "只列下级组织时须指定上级组织",
			"approve=yes":                 "参数 approve 只能为 1",
			"bureau=1&kind=branch&root=1": "在全局查找时不能指定上级组织",
		} {
			var bad struct{ Error struct{ Message string } }
			if st := a.Do("GET", "/api/v1/orgs/search?"+query, nil, &bad); st/100 != 4 || !strings.Contains(bad.Error.Message, msg) {
				t.Errorf("%s: %d %q, want %q", query, st, bad.Error.Message, msg)
			}
		}
	})
}

// A picker of a subset at more than web.PickerMax organisations is a
// search box narrowed as its form is, and lists none of them; an
// organisation of the wrong kind or outside the scope posted anyway is
// refused in Chinese and changes nothing: 民主评议 by a 党委, a task
// dispatched to another 分局's branch.
func TestSubsetPickersSearchAndRefuse(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pickerBureau(t, e)
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		a := e.Account(auth.OrgAdmin, b.A, 0)
		item := pickerTask(t, e, b.A)
		for _, c := range []struct {
			who        *apptest.Client
			page, want string
		}{
			{root, "/appraisals/new", `data-orgpick="/api/v1/orgs/search?kind=branch%2cjoint"`},
			{root, "/wartime/new", `class="orgpick orgpick-multi" data-orgpick="/api/v1/orgs/search" data-name="unit_ids"`},
			{a, fmt.Sprintf("/tasks/items/%d", item), fmt.Sprintf(`class="orgpick orgpick-multi" data-orgpick="/api/v1/orgs/search?below=1&amp;root=%d" data-name="org_ids"`, b.A)},
			{a, "/transfers", `data-orgpick="/api/v1/orgs/search?bureau=1&amp;kind=branch%2cjoint"`},
			{e.Account(auth.SecAdmin, 0, 0), "/admin/security", `data-orgpick="/api/v1/orgs/search"`},
			{e.Account(auth.SysAdmin, 0, 0), "/admin/accounts", `data-orgpick="/api/v1/orgs/search"`},
		} {
			c.who.Expect(200, "GET", c.page, nil, nil)
			page := strings.ToLower(c.who.Body())
			if !strings.Contains(page, c.want) || strings.Contains(page, "警务区党支部") {
				t.Errorf("%s: no search box %s, or options of every 警务区 (%d bytes)", c.page, c.want, len(page))
			}
		}
		before := dbtest.Fingerprint(t, e.DB)
		st := root.Form("/appraisals", map[string]string{"org_id": fmt.Sprint(b.A), "year": "2026", "started_on": "2026-03-01",
			"self_due": "2026-03-10", "vote_due": "2026-03-20", "rate_due": "2026-03-30"})
		if st != 422 || !strings.Contains(root.Body(), "民主评议党员由党支部开展，请选择一个未撤销的党支部") {
			t.Errorf("民主评议 by a 党委: %d", st)
		}
		st = a.PostForm(fmt.Sprintf("/tasks/items/%d/dispatch", item), url.Values{"target": {""}, "org_ids": {fmt.Sprint(b.ABranch), fmt.Sprint(b.BBranch)}, "confirm": {"1"}})
		if st != 422 || !strings.Contains(a.Body(), fmt.Sprintf("第 2 个接收党组织（编号 %d）不是本组织的下级党组织，不能下发", b.BBranch)) {
			t.Errorf("a task dispatched to 乙分局's branch: %d", st)
		}
		if dbtest.Fingerprint(t, e.DB) != before {
			t.Error("a refused form changed the database")
		}
	})
}

// chips is the names the multiple picker of the page shows chosen.
func chips(out *[]string) chromedp.Action {
	return chromedp.Evaluate(`Array.from(document.querySelectorAll('.orgpick-chip > span')).map(s => s.textContent)`, out)
}

// The 甲分局's 党务管理员 dispatches a task to several organisations at
// more than web.PickerMax: by name, by pinyin initials and with the mouse,
// removes one chip, and the preview carries exactly the chosen ones; the
// picker is used on a phone's width too.
func TestChooseSeveralOrganisationsBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	b := pickerBureau(t, e)
	item := pickerTask(t, e, b.A)
	var seventh int64
	if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE name = '甲分局第7警务区党支部'").Scan(&seventh); err != nil {
		t.Fatal(err)
	}
	admin := e.Account(auth.OrgAdmin, b.A, 0)
	var chosen, after []string
	var ids []string
	p.Run(
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/tasks/items/%d", e.Srv.URL, item)),
		chromedp.WaitVisible("#dispatch-orgs", chromedp.ByQuery),
		chromedp.Click(`input[name="target"][value=""]`, chromedp.ByQuery),
		chromedp.SendKeys("#dispatch-orgs", "第7警务区", chromedp.ByQuery),
		pickerOffers(1),
		chromedp.SendKeys("#dispatch-orgs", kb.Enter, chromedp.ByQuery),
		chromedp.SendKeys("#dispatch-orgs", "jfjcg", chromedp.ByQuery), // 甲分局城关派出所党支部
		pickerOffers(1),
		chromedp.SendKeys("#dispatch-orgs", kb.ArrowDown+kb.Enter, chromedp.ByQuery),
		chromedp.SendKeys("#dispatch-orgs", "第12警务区", chromedp.ByQuery),
		pickerOffers(1),
		chromedp.Click(`.orgpick-list li[role="option"]`, chromedp.ByQuery),
		chips(&chosen),
	)
	p.Shot("org-picker-multiple")
	p.Run(
		chromedp.Click(`.orgpick-chip:first-child .orgpick-remove`, chromedp.ByQuery),
		chips(&after),
	)
	want := "[甲分局第7警务区党支部 甲分局城关派出所党支部 甲分局第12警务区党支部]"
	if fmt.Sprint(chosen) != want || fmt.Sprint(after) != "[甲分局城关派出所党支部 甲分局第12警务区党支部]" {
		t.Fatalf("chips %v, after removing the first %v", chosen, after)
	}
	p.Run(
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		chromedp.SendKeys("#dispatch-orgs", "城关", chromedp.ByQuery),
		pickerOffers(1),
	)
	p.Shot("org-picker-multiple-phone")
	p.Run(
		chromedp.SendKeys("#dispatch-orgs", kb.Escape, chromedp.ByQuery),
		browsertest.Follow(`#dispatch-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#dispatch-preview", chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#dispatch-preview input[name="org_ids"]')).map(i => i.value)`, &ids),
	)
	var twelfth int64
	if err := e.DB.QueryRowContext(context.Background(), "SELECT id FROM orgs WHERE name = '甲分局第12警务区党支部'").Scan(&twelfth); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != fmt.Sprintf("[%d %d]", b.ABranch, twelfth) {
		t.Fatalf("the preview dispatches to %v, want %d and %d (not %d)", ids, b.ABranch, twelfth, seventh)
	}
}
