package app_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/todo"
)

// The bureau officer's week in a browser: prints a 介绍信 with its 存根
// (the ID number revealed), filters the 待办 to what is overdue in one 分局
// and exports exactly that, previews and confirms a 兜底培训.
func TestBureauOfficersWeekInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, e := context.Background(), p.E
	b := e.Bureau()
	city := e.Account(auth.OrgAdmin, b.Root, 0)
	today := civil.Today(time.Now())

	// A member of 甲 moves to 乙; 甲's officer has sent the letter.
	id := idcard.WithCheckDigit("61011319880512031")
	pr := member.Person{OrgID: b.ABranch, Name: "张建国", IDNumber: id, Status: "full", JoinDate: "2010-07-01", FullDate: "2011-07-01"}
	if fe := member.Validate(&pr, today); len(fe) > 0 {
		t.Fatal(fe)
	}
	var person int64
	if err := e.DB.InTx(ctx, func(tx *db.Tx) (err error) { person, err = member.Insert(ctx, tx, e.App.Keys, &pr); return }); err != nil {
		t.Fatal(err)
	}
	adminA := e.Account(auth.OrgAdmin, b.A, 0)
	var tr struct {
		ID       int64
		LetterNo string `json:"letter_no"`
	}
	adminA.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": person, "to_org_id": b.BBranch, "dues_paid_to": today.AddMonths(-1).String()[:7]}, &tr)
	for _, step := range []string{"review", "send"} {
		adminA.Expect(200, "POST", fmt.Sprintf("/api/v1/transfers/%d/%s", tr.ID, step), map[string]any{}, &tr)
	}
	// Reminders in both 分局, some overdue; and two more members short of hours.
	day := func(n int) string { return today.AddDays(n).String() }
	if err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		for i, it := range []todo.Item{
			{OrgID: b.ABranch, Title: "甲支部：谈话已超期", DueOn: day(-4), Severity: "bad"},
			{OrgID: b.A, Title: "甲分局党委：换届已超期", DueOn: day(-1)},
			{OrgID: b.ABranch, Title: "甲支部：下月主题党日", DueOn: day(20)},
			{OrgID: b.BBranch, Title: "乙支部：谈话已超期", DueOn: day(-2), Severity: "bad"},
		} {
			it.Source, it.Key, it.Link = "develop.deadline", fmt.Sprint(i), "/development"
			if err := todo.Post(ctx, tx, it); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.Person(dbtest.Person{Org: b.ABranch, Name: "李卫东", Pinyin: "liweidong", Category: "民警"})
	e.Person(dbtest.Person{Org: b.BBranch, Name: "王红", Pinyin: "wanghong", Category: "民警"})

	var text string
	p.Run(browsertest.Login(e.Srv.URL, city.Username(), apptest.Password),
		// 介绍信: tick it on the list, print the batch, reveal the number.
		chromedp.Navigate(e.Srv.URL+"/transfers"),
		chromedp.Click(fmt.Sprintf("#pick-%d", tr.ID), chromedp.ByQuery),
		browsertest.Follow("#letters-batch-print", chromedp.ByID),
		browsertest.Follow("#letter-reveal", chromedp.ByID),
		chromedp.WaitVisible("#letter-revealed", chromedp.ByID),
		chromedp.Text(fmt.Sprintf("#letter-%d", tr.ID), &text, chromedp.ByQuery),
	)
	p.Shot("1-letter")
	// Printed: one A4 sheet for the letter, without the navigation.
	var pdf []byte
	var navShown bool
	p.Run(chromedp.ActionFunc(func(ctx context.Context) (err error) {
		pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
		return err
	}), emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('.topbar')).display !== 'none'`, &navShown),
		emulation.SetEmulatedMedia().WithMedia(""))
	if pages := regexp.MustCompile(`/Count (\d+)`).FindSubmatch(pdf); pages == nil || string(pages[1]) != "1" || navShown {
		t.Errorf("printed letter: pages %q, navigation shown %v", pages, navShown)
	}
	browsertest.Artifact(t, "1-letter.pdf", pdf)
	for _, want := range []string{"（存根）", "（回执）", tr.LetterNo, id, "有效期30天", today.Chinese()} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q: %s", want, text)
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.reveal'"); n != 1 {
		t.Errorf("reveal audited %d times", n)
	}

	// 待办: what is overdue in 甲分局, then its export.
	var rows []string
	p.Run(chromedp.Navigate(e.Srv.URL+"/todos"),
		chromedp.SetValue("#f-org", fmt.Sprint(b.A), chromedp.ByID),
		chromedp.Click("#f-overdue", chromedp.ByID),
		browsertest.Follow("#todo-filter-submit", chromedp.ByID),
		chromedp.WaitVisible("#todo-filters", chromedp.ByID),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.todo-list tbody tr td:first-child a')).map(a => a.textContent.trim())`, &rows),
	)
	p.Shot("2-todos-overdue")
	if strings.Join(rows, ",") != "甲支部：谈话已超期,甲分局党委：换届已超期" {
		t.Fatalf("filtered 待办: %v", rows)
	}
	var bs []int
	p.Run(chromedp.Evaluate(`fetch(document.getElementById('todo-export').href).then(r => r.arrayBuffer()).then(b => Array.from(new Uint8Array(b)))`, &bs,
		func(ep *runtime.EvaluateParams) *runtime.EvaluateParams { return ep.WithAwaitPromise(true) }))
	file := make([]byte, len(bs))
	for i, v := range bs {
		file[i] = byte(v)
	}
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	sheet, _ := f.GetRows("待办")
	var exported []string
	for _, r := range sheet[2:] {
		exported = append(exported, r[2])
	}
	if strings.Join(exported, ",") != strings.Join(rows, ",") {
		t.Fatalf("export %v, page %v", exported, rows)
	}

	// 兜底: from the ledger to the preview, then confirmed.
	p.Run(chromedp.Navigate(e.Srv.URL+"/training/ledger"),
		browsertest.Follow("#fallback-preview", chromedp.ByID),
		chromedp.WaitVisible("#fallback-summary", chromedp.ByID),
		chromedp.Text("#fallback-summary", &text, chromedp.ByID),
	)
	p.Shot("3-fallback-preview")
	if !strings.Contains(text, "3") || e.Count("SELECT COUNT(*) FROM training_programs") != 0 {
		t.Fatalf("preview: %q", text)
	}
	p.Run(browsertest.Follow("#fallback-confirm-submit", chromedp.ByID),
		chromedp.WaitVisible(`//div[@class="flash" and contains(., "兜底培训")]`, chromedp.BySearch))
	p.Shot("4-fallback-program")
	if n := e.Count("SELECT COUNT(*) FROM training_people"); n != 3 {
		t.Fatalf("%d listed", n)
	}
}
