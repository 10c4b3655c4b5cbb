package develop_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// TestCancelProbation: 取消预备党员资格 takes a 支部大会 vote (quorum and
// majority as for 转正) and the approval of a 党委 with 审批权限, recorded
// by that 党委; the approval closes the case and takes the person out of
// the 预备党员 status in the registry, in one transaction.
func TestCancelProbation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c, r := b.fenjuAdmin, b.openApplication()
		base := fmt.Sprintf("/api/v1/development/cases/%d", r.Case.ID)
		post := func(path string, body map[string]any, want int) {
			t.Helper()
			c.Expect(want, "POST", base+path, body, nil)
		}
		steps := []map[string]any{
			{"step": 2, "date": "2023-01-20"}, {"step": 3, "date": "2023-04-10", "recommendation": "党员推荐"}, {"step": 4, "date": "2023-04-15"},
			{"step": 5, "date": "2023-04-20", "person_ids": b.members[:1]}, {"step": 6, "date": "2023-05-01"},
		}
		for _, s := range steps {
			post("/steps", s, 201)
		}
		// Before the person is a 预备党员, cancellation is out of order.
		post("/cancellation", map[string]any{"date": "2023-06-01", "opinion": "不履行党员义务"}, 422)
		post("/reviews", map[string]any{"date": "2023-10-09", "opinion": "表现良好"}, 201)
		post("/publicity", map[string]any{"publicity": "candidate", "date": "2024-03-25"}, 201)
		for _, s := range []map[string]any{
			{"step": 7, "date": "2024-04-10"}, {"step": 8, "date": "2024-05-15"}, {"step": 9, "date": "2024-05-20", "person_ids": b.members[:2]},
			{"step": 10, "date": "2024-06-10", "vetting_passed": true}, {"step": 11, "date": "2024-06-20", "training_days": 3},
			{"step": 12, "date": "2024-07-01"}, {"step": 13, "date": "2024-07-10"}, {"step": 14, "date": "2024-07-15"},
		} {
			post("/steps", s, 201)
		}
		post("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-16"}, 201)
		post("/steps", map[string]any{"step": 15, "date": "2024-08-01", "vote": vote(9)}, 201)
		post("/steps", map[string]any{"step": 16, "date": "2024-08-10"}, 201)
		post("/steps", map[string]any{"step": 17, "date": "2024-09-01"}, 201)
		// 党章第七条: the 支部大会 votes first, then the 党委 with 审批权限
		// approves; neither alone, and a vote that fails passes nothing.
		fp := dbtest.Fingerprint(t, e.DB)
		refused := func(path string, body map[string]any, rule string) {
			t.Helper()
			var out reply
			c.Expect(422, "POST", base+path, body, &out)
			if out.Error.Rule != rule || out.Error.Citation == "" || out.Error.RuleTitle == "" || strings.Contains(out.Error.Message, "R-") {
				t.Fatalf("%s %v: %+v", path, body, out.Error)
			}
		}
		refused("/cancellation", map[string]any{"date": "2025-03-01", "opinion": "不履行党员义务"}, "R-cancel")
		meeting := map[string]any{"date": "2025-02-20", "opinion": "不履行党员义务，经教育仍无转变", "vote": map[string]int{"expected": 10, "present": 8, "for": 5, "against": 3}}
		refused("/cancellation-meeting", meeting, "R-majority")
		meeting["vote"] = map[string]int{"expected": 10, "present": 5, "for": 5}
		refused("/cancellation-meeting", meeting, "R-quorum")
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused cancellation changed the database")
		}
		meeting["vote"] = map[string]int{"expected": 10, "present": 8, "for": 7, "against": 1}
		post("/cancellation-meeting", meeting, 201)
		// The branch's 党务管理员 records the vote but not the 党委's approval.
		branch := e.Account(auth.OrgAdmin, b.branch, 0)
		var out reply
		branch.Expect(422, "POST", base+"/cancellation", map[string]any{"date": "2025-03-01"}, &out)
		if out.Error.Rule != "R-approver" {
			t.Fatalf("a branch approves its own cancellation: %+v", out.Error)
		}
		// No 转正 follows a vote to cancel, and the approval waits for it.
		refused("/steps", map[string]any{"step": 22, "date": "2025-08-20"}, "R-cancel")
		refused("/cancellation", map[string]any{"date": "2025-02-19"}, "R-sequence")
		if status := e.Count("SELECT COUNT(*) FROM persons WHERE id = ? AND status = 'probationary'", b.applicant); status != 1 {
			t.Fatal("the vote alone changed the person's status")
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE case_id = ? AND kind = 'cancel_approval' AND upper = 1", r.Case.ID); n != 1 {
			t.Fatalf("the approval awaited is no deadline of the 党委: %d", n)
		}
		post("/cancellation", map[string]any{"date": "2025-03-01", "opinion": "同意取消其预备党员资格"}, 201)
		var status, left, caseStatus string
		ctx := context.Background()
		if err := e.DB.QueryRowContext(ctx, "SELECT status, COALESCE(left_date, '') FROM persons WHERE id = ?", b.applicant).Scan(&status, &left); err != nil {
			t.Fatal(err)
		}
		e.DB.QueryRowContext(ctx, "SELECT status FROM dev_cases WHERE id = ?", r.Case.ID).Scan(&caseStatus)
		if status != "cancelled" || left != "2025-03-01" || caseStatus != "cancelled" {
			t.Fatalf("after cancellation: person %s (%s), case %s", status, left, caseStatus)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'cancel'", b.applicant); n != 1 {
			t.Fatalf("cancel events: %d", n)
		}
		// A cancelled case takes no further steps.
		post("/steps", map[string]any{"step": 22, "date": "2025-07-20"}, 422)
	})
}

// TestBrowserCancelProbation walks a cancellation through the case page:
// the 支部大会's form with its vote (a failing vote refused in words, the
// rule by its title), then the 党委's approval form; the branch's
// 党务管理员 is told who approves instead of being offered a form.
func TestBrowserCancelProbation(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	b := newBureau(t, p.E)
	w := walkToAdmission(t, b)
	base, page := p.E.Srv.URL, strings.Replace(w.base, "/api/v1", "", 1)
	var text string
	send := formSender(p, "#cancel-form", &text)
	p.Run(browsertest.Login(base, b.fenjuAdmin.Username(), apptest.Password), chromedp.Navigate(base+page), chromedp.Text("#cancel-form h3", &text, chromedp.ByQuery))
	if text != "支部大会讨论取消预备党员资格" {
		t.Fatalf("the first form of a cancellation: %q", text)
	}
	send(map[string]string{"date": "2025-02-20", "expected": "10", "present": "8", "for": "4", "against": "4", "opinion": "不履行党员义务"})
	p.Shot("cancel-vote-refused")
	if !strings.Contains(text, "赞成人数须超过应到会有表决权正式党员的半数") || strings.Contains(text, "R-majority") {
		t.Fatalf("a failing vote is not refused by the rule's title:\n%s", text)
	}
	send(map[string]string{"date": "2025-02-20", "expected": "10", "present": "8", "for": "7", "against": "1", "opinion": "不履行党员义务，经教育仍无转变"})
	p.Run(chromedp.Text("#cancel-form h3", &text, chromedp.ByQuery))
	if text != "上级党委审批取消预备党员资格" {
		t.Fatalf("after the vote the form is %q", text)
	}
	p.Run(chromedp.ScrollIntoView("#cancel-form", chromedp.ByQuery))
	p.Shot("cancel-approval-form")
	branch := p.E.Account(auth.OrgAdmin, b.branch, 0)
	branch.Expect(200, "GET", page, nil, nil)
	if body := branch.Body(); !strings.Contains(body, `id="cancel-above"`) || strings.Contains(body, `id="cancel-form"`) {
		t.Error("the branch's page offers the 党委's approval of a cancellation")
	}
	send(map[string]string{"date": "2025-03-01", "opinion": "同意取消其预备党员资格"})
	if !strings.Contains(text, "已取消预备党员资格") {
		t.Fatalf("after the approval:\n%s", text)
	}
	p.Shot("cancel-approved")
}

// formSender fills the named fields of the form and submits it, leaving
// the page's text in text.
func formSender(p *browsertest.Page, form string, text *string) func(map[string]string) {
	return func(fields map[string]string) {
		p.T.Helper()
		tasks := []chromedp.Action{}
		for name, v := range fields {
			tasks = append(tasks, chromedp.SetValue(form+` [name="`+name+`"]`, v, chromedp.ByQuery))
		}
		p.Run(append(tasks, browsertest.Follow(form+" button", chromedp.ByQuery), chromedp.Text("main", text, chromedp.ByQuery))...)
	}
}
