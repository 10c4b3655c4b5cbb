package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/listing"
)

// A bureau with more open 待办 than the count's cap, in a browser: the
// 工作台 and the inbox say "10,000+" alike, the inbox lists the most urgent
// first and pages on, and on a phone the badge and the count stay in view.
func TestBroadInboxInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, e := context.Background(), p.E
	b := e.Bureau()
	today := civil.Today(time.Now())
	var rows [][]any
	for i := range listing.TotalCap + 50 {
		org := []int64{b.ABranch, b.BBranch}[i%2]
		rows = append(rows, []any{"life.due", fmt.Sprint(i), org, fmt.Sprintf("第%d号组织生活提醒", i), "/life", today.AddDays(i%60 - 20).String(), int64(i)})
	}
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		for chunk := range slices.Chunk(rows, 300) {
			if err := db.InsertRows(ctx, tx, "todos (source, dedup_key, org_id, title, link, due_on, created_at)", chunk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	city := e.Account(auth.OrgAdmin, b.Root, 0)
	var urgency, total, first, pager string
	p.Run(browsertest.Login(e.Srv.URL, city.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/"),
		chromedp.WaitVisible("#todo-urgency", chromedp.ByID),
		chromedp.Text("#todo-urgency", &urgency, chromedp.ByID),
	)
	p.Shot("1-dashboard")
	p.Run(chromedp.Navigate(e.Srv.URL+"/todos"),
		chromedp.WaitVisible("#todo-total", chromedp.ByID),
		chromedp.Text("#todo-total", &total, chromedp.ByID),
		chromedp.Text(".todo-list tbody tr td:first-child a", &first, chromedp.ByQuery),
		chromedp.Text(".pager", &pager, chromedp.ByQuery),
	)
	p.Shot("2-inbox")
	urgency = strings.Join(strings.Fields(urgency), "")
	if !strings.Contains(urgency, "10,000+未办结待办") || strings.Contains(urgency, "其余") || !strings.Contains(total, "共 10,000+ 项") {
		t.Fatalf("工作台 %q, inbox %q", urgency, total)
	}
	// The most overdue first (due 20 days ago: every 60th item from 0).
	if first != "第0号组织生活提醒" || !strings.Contains(pager, "下一页") || strings.Contains(pager, "/ ") {
		t.Fatalf("first %q, pager %q", first, pager)
	}
	var page2 string
	p.Run(browsertest.Follow(".pager a[rel=next]", chromedp.ByQuery),
		chromedp.Text(".todo-list tbody tr td:first-child a", &page2, chromedp.ByQuery))
	if page2 == first || !strings.Contains(page2, "组织生活提醒") {
		t.Fatalf("page 2 starts with %q", page2)
	}
	var badge, phoneTotal string
	p.Run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		chromedp.Navigate(e.Srv.URL+"/todos"),
		chromedp.WaitVisible(".todo-badge b", chromedp.ByQuery),
		chromedp.Text(".todo-badge", &badge, chromedp.ByQuery),
		chromedp.WaitVisible("#todo-total", chromedp.ByID),
		chromedp.Text("#todo-total", &phoneTotal, chromedp.ByID),
	)
	p.Shot("3-phone-inbox")
	if !strings.Contains(badge, "99+") || !strings.Contains(phoneTotal, "10,000+") {
		t.Fatalf("phone: badge %q, count %q", badge, phoneTotal)
	}
}
