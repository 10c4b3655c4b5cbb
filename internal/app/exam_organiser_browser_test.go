package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// An organiser adds a question through the form, sees a refused one come
// back with the reason, and publishes a contest by picking the question.
func TestOrganiserPublishesThroughForms(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	ctx, e := p.Ctx, p.E
	w := newWorld(t, e)
	e.App.Now = time.Now
	admin := e.Account(auth.OrgAdmin, w.a, 0)

	var errText, bank, list string
	p.Run(
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/exams/bank/new"),
		chromedp.WaitVisible("#question-form", chromedp.ByID),
		chromedp.SetValue("#kind", "multi", chromedp.ByID),
		chromedp.SendKeys("#stem", "“三会一课”包括", chromedp.ByID),
		chromedp.SendKeys("#options", "支部党员大会\n支部委员会\n党小组会\n茶话会", chromedp.ByID),
		chromedp.SendKeys("#answer", "A", chromedp.ByID),
		chromedp.SendKeys("#tag", "党章", chromedp.ByID),
		chromedp.Click("#question-submit", chromedp.ByID),
		chromedp.WaitVisible(".error-box", chromedp.ByQuery),
		chromedp.Text(".error-box", &errText, chromedp.ByQuery),
	)
	p.Shot("1-question-refused")
	if !strings.Contains(errText, "多选题的答案应至少包含两个选项字母") {
		t.Fatalf("refused question: %q", errText)
	}
	p.Run(
		chromedp.SetValue("#answer", "ABC", chromedp.ByID),
		chromedp.Click("#question-submit", chromedp.ByID),
		chromedp.WaitVisible("#questions", chromedp.ByID),
		chromedp.Text("main", &bank, chromedp.ByQuery),
	)
	p.Shot("2-bank")
	if !strings.Contains(bank, "已添加题目") || !strings.Contains(bank, "ABC") {
		t.Fatalf("bank: %q", bank)
	}
	var id int64
	e.DB.QueryRowContext(ctx, "SELECT id FROM exam_questions").Scan(&id)
	p.Run(
		chromedp.Navigate(e.Srv.URL+"/exams/new?kind=contest"),
		chromedp.WaitVisible("#exam-form", chromedp.ByID),
		chromedp.SendKeys("#title", "甲分局党章知识竞赛", chromedp.ByID),
		chromedp.Click("#paper-kind-paper", chromedp.ByID),
		chromedp.Click(fmt.Sprintf("#pick-%d", id), chromedp.ByID),
	)
	p.Shot("3-exam-form")
	p.Run(
		chromedp.Click("#exam-submit", chromedp.ByID),
		chromedp.WaitVisible("#exams", chromedp.ByID),
		chromedp.Text("main", &list, chromedp.ByQuery),
	)
	p.Shot("4-published")
	if !strings.Contains(list, "已发布“甲分局党章知识竞赛”") || !strings.Contains(list, "知识竞赛 · 甲分局党委") {
		t.Fatalf("exam list: %q", list)
	}
}
