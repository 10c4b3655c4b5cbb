package org_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/org"
)

// TestTreeInBrowser walks the tree page and appoints a 书记 through the
// detail page's form, as a 党务管理员 would.
func TestTreeInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, b := p.Ctx, newBureau(t, p.E)
	a := b.create(b.root, "甲分局党委", org.Committee, "can_approve", true, "term_start", "2022-06-01")
	general := b.create(a, "机关党总支", org.General, "term_start", "2023-09-20")
	branch := b.create(general, "城关派出所党支部", org.Branch, "term_start", "2024-05-10")
	b.create(branch, "第一党小组", org.Group)
	b.create(a, "专案临时党支部", org.TempBranch, "task", "“雷霆”专案攻坚", "ends_on", "2026-12-31")
	b.people(branch, "full", 8)
	b.people(branch, "probationary", 2)
	b.sync()

	var nodes, badges int
	var heading, flash, secretary string
	err := chromedp.Run(ctx,
		browsertest.Login(b.Srv.URL, b.admin.Username(), apptest.Password),
		chromedp.Navigate(b.Srv.URL+"/orgs"),
		chromedp.WaitVisible(".org-tree"),
		chromedp.Evaluate(`document.querySelectorAll('.org-tree li').length`, &nodes),
		chromedp.Evaluate(`document.querySelectorAll('.org-tree .badge.warn, .org-tree .badge.bad').length`, &badges),
	)
	if err != nil {
		t.Fatal(err)
	}
	if nodes != 6 || badges == 0 {
		t.Fatalf("tree: %d nodes, %d warning badges", nodes, badges)
	}
	p.Shot("tree")
	err = chromedp.Run(ctx,
		chromedp.Click(`//a[text()="城关派出所党支部"]`, chromedp.BySearch),
		chromedp.WaitVisible("#person_id", chromedp.ByID),
		chromedp.Text("h1", &heading),
		chromedp.SetValue("#post", "书记", chromedp.ByID),
		chromedp.Submit("#person_id", chromedp.ByID),
		chromedp.WaitVisible(".flash"),
		chromedp.Text(".flash", &flash),
		chromedp.Text("table tbody tr td", &secretary),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "城关派出所党支部") || !strings.Contains(flash, "委员已任命") || secretary != "书记" {
		t.Fatalf("heading %q, flash %q, first post %q", heading, flash, secretary)
	}
	p.Shot("detail")
	if b.openTodos() == "" || strings.Contains(b.openTodos(), fmt.Sprintf("secretary_vacant:%d", branch)) {
		t.Errorf("open 待办 after appointing the 书记: %s", b.openTodos())
	}
}
