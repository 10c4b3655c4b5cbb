package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/web"
)

type orgFound struct {
	Items []org.Picked
	More  bool
}

// The pickers' search answers within the caller's scope only: a 分局's
// 党务管理员 never finds another 分局's organisations, not even by naming
// that 分局 as the root; without a login, or as a 党员 (no scope), none.
func TestOrgSearchStaysInScope(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.Bureau()
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		a := e.Account(auth.OrgAdmin, b.A, 0)
		ids := func(c *apptest.Client, q string) []int64 { t.Helper(); return foundIDs(t, c, "q="+q) }
		if got := fmt.Sprint(ids(root, "城关")); got != fmt.Sprint([]int64{b.ABranch, b.BBranch}) {
			t.Errorf("the 市局 finds %s for 城关", got)
		}
		if got := fmt.Sprint(ids(a, "城关")); got != fmt.Sprint([]int64{b.ABranch}) {
			t.Errorf("甲分局 finds %s for 城关", got)
		}
		if got := ids(a, "乙分局"); len(got) != 0 {
			t.Errorf("甲分局 finds 乙分局's %v", got)
		}
		if got := fmt.Sprint(ids(a, "")); got != fmt.Sprint([]int64{b.A, b.ABranch}) {
			t.Errorf("甲分局's whole list: %s", got)
		}
		a.Expect(404, "GET", fmt.Sprintf("/api/v1/orgs/search?root=%d", b.B), nil, nil)
		self := e.Person(dbtest.Person{Org: b.ABranch, Name: "甲某", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		if st := e.Account(auth.Member, 0, self).Do("GET", "/api/v1/orgs/search?q=城关", nil, nil); st != 403 {
			t.Errorf("a 党员: %d", st)
		}
		if st := e.Anonymous().Do("GET", "/api/v1/orgs/search?q=城关", nil, nil); st != 401 {
			t.Errorf("no login: %d", st)
		}
		var bad struct {
			Error struct{ Field, Message string }
		}
		a.Expect(422, "GET", "/api/v1/orgs/search?q="+strings.Repeat("城", 51), nil, &bad)
		if bad.Error.Field != "q" || !strings.Contains(bad.Error.Message, "查找内容不能超过") {
			t.Errorf("a long search: %+v", bad.Error)
		}
	})
}

// pickerBureau is the test bureau with more than web.PickerMax branches
// under 甲分局, so that the 市局's and 甲分局's pickers are search boxes
// (乙分局's, two organisations, stays a list).
func pickerBureau(t *testing.T, e *apptest.Env) apptest.Bureau {
	b := e.Bureau()
	for i := range web.PickerMax {
		dbtest.AddOrg(t, e.DB, dbtest.Org{Parent: b.A, Name: fmt.Sprintf("甲分局第%d警务区党支部", i+1), Kind: org.Branch})
	}
	return b
}

// A page with a picker over a large scope no longer holds every
// organisation: the 市局's form shows a search box naming the chosen one,
// a small scope keeps its list; a filter chosen so still filters the list
// and its export; and an organisation outside the scope posted anyway is
// refused in Chinese, changing nothing.
func TestLargeScopePickerSearches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pickerBureau(t, e)
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		root.Expect(200, "GET", fmt.Sprintf("/members?org=%d", b.BBranch), nil, nil)
		page := root.Body()
		if n := strings.Count(page, "警务区党支部"); n > 0 || strings.Contains(page, "甲分局城关派出所党支部") {
			t.Errorf("the 市局's member list names %d of 甲分局's 警务区 as options", n)
		}
		if !strings.Contains(page, `data-orgpick="/api/v1/orgs/search"`) || !strings.Contains(page, fmt.Sprintf(`type="hidden" name="org" value="%d"`, b.BBranch)) ||
			!strings.Contains(page, `value="乙分局城关派出所党支部"`) {
			t.Errorf("the 市局's filter is no search box showing the chosen branch:\n%s", page)
		}
		bAdmin := e.Account(auth.OrgAdmin, b.B, 0)
		bAdmin.Expect(200, "GET", "/pioneer/posts/new", nil, nil)
		if !strings.Contains(bAdmin.Body(), `<select name="org_id" id="p-org"><option value="`) || strings.Contains(bAdmin.Body(), "data-orgpick") {
			t.Errorf("乙分局's two organisations are no plain list:\n%s", bAdmin.Body())
		}
		a := e.Account(auth.OrgAdmin, b.A, 0)
		before := dbtest.Fingerprint(t, e.DB)
		st := a.Form("/pioneer/posts", map[string]string{"org_id": fmt.Sprint(b.BBranch), "kind": "model", "name": "示范岗", "duty": "服务群众", "set_on": "2026-01-05"})
		if st != 404 || !strings.Contains(a.Body(), "未找到该记录，或您无权访问") {
			t.Errorf("乙分局's branch posted by 甲分局: %d %s", st, a.Body())
		}
		if dbtest.Fingerprint(t, e.DB) != before {
			t.Error("the refused post changed the database")
		}
	})
}

// pickerOffers waits until the open picker's list offers n organisations (after
// typing: the list of the focused box comes first), or says none match.
func pickerOffers(n int) chromedp.Action {
	var ok bool
	return chromedp.Poll(fmt.Sprintf(`(() => { const l = document.querySelector('.orgpick-list');
		return !!l && !l.hidden && l.querySelectorAll('li[role="option"]').length === %d && (%d > 0 || l.textContent.includes('无匹配')); })()`, n, n), &ok)
}

// The 市局's 党务管理员 sets up a post by typing part of a branch's name in
// the picker and choosing it with the keyboard, then filters the member
// list by choosing a namesake's branch with the mouse by its path.
func TestPickOrganisationByTypingBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	b := pickerBureau(t, e)
	e.At("2026-03-10")
	admin := e.Account(auth.OrgAdmin, b.Root, 0)
	var empty, shown, paths, url string
	p.Run(
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/pioneer/posts/new"),
		chromedp.WaitVisible("#p-org", chromedp.ByQuery),
		chromedp.SendKeys("#p-org", "无此组织", chromedp.ByQuery),
		pickerOffers(0),
		chromedp.Text(".orgpick-list", &empty, chromedp.ByQuery),
		chromedp.SendKeys("#p-org", strings.Repeat(kb.Backspace, 4)+"乙分局城关", chromedp.ByQuery),
		pickerOffers(1),
	)
	p.Shot("org-picker")
	p.Run(
		chromedp.SendKeys("#p-org", kb.ArrowDown+kb.Enter, chromedp.ByQuery),
		chromedp.WaitNotVisible(".orgpick-list", chromedp.ByQuery),
		chromedp.Value("#p-org", &shown, chromedp.ByQuery),
		chromedp.SetValue("#p-name", "户籍窗口党员示范岗", chromedp.ByQuery),
		chromedp.SetValue("#p-duty", "推行一窗通办", chromedp.ByQuery),
		chromedp.SetValue("#p-set", "2026-01-05", chromedp.ByQuery),
		browsertest.Follow("#post-submit", chromedp.ByQuery),
	)
	if !strings.Contains(empty, "无匹配的党组织") || shown != "乙分局城关派出所党支部" {
		t.Fatalf("no match shows %q; picked %q", empty, shown)
	}
	var orgID int64
	if err := e.DB.QueryRowContext(context.Background(), "SELECT org_id FROM pioneer_posts WHERE name = '户籍窗口党员示范岗'").Scan(&orgID); err != nil || orgID != b.BBranch {
		t.Fatalf("the post's organisation %d (%v), want 乙分局's branch %d", orgID, err, b.BBranch)
	}
	p.Run(
		chromedp.Navigate(e.Srv.URL+"/members"),
		chromedp.WaitVisible(`input[role="combobox"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[role="combobox"]`, "城关", chromedp.ByQuery),
		pickerOffers(2),
		chromedp.Text(`.orgpick-list`, &paths, chromedp.ByQuery),
	)
	if !strings.Contains(paths, "甲分局党委 › 甲分局城关派出所党支部") || !strings.Contains(paths, "乙分局党委 › 乙分局城关派出所党支部") {
		t.Fatalf("城关 offers %q, want 甲分局's and 乙分局's branch with their paths", paths)
	}
	p.Run(
		chromedp.Click(`.orgpick-list li[role="option"]:nth-child(2)`, chromedp.ByQuery),
		browsertest.Follow(`form.filters button`, chromedp.ByQuery),
		chromedp.Location(&url),
	)
	if !strings.Contains(url, fmt.Sprintf("org=%d", b.BBranch)) {
		t.Fatalf("the filter chose %s, want org=%d", url, b.BBranch)
	}
}
