package develop_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// TestExtendProbation: 延长预备期 takes the cancellation's shape (党章第七条):
// a 支部大会 vote (quorum, majority, 6–12 months, once), then the approval
// of a 党委 with 审批权限, recorded by that 党委, awaited in its 待办; only
// the approval extends the 预备期 and puts the 转正 back.
func TestExtendProbation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := walkToAdmission(t, b)
		refused := func(c *apptest.Client, path string, body map[string]any, rule string) {
			t.Helper()
			var out reply
			c.Expect(422, "POST", w.base+path, body, &out)
			if out.Error.Rule != rule || out.Error.Citation == "" || out.Error.RuleTitle == "" || strings.Contains(out.Error.Message, "R-") {
				t.Fatalf("%s %v: %+v", path, body, out.Error)
			}
		}
		fp := dbtest.Fingerprint(t, e.DB)
		refused(w.c, "/extension", map[string]any{"date": "2025-08-01", "opinion": "同意"}, "R-extend")
		meeting := map[string]any{"date": "2025-07-20", "months": 6, "opinion": "理论学习有待加强", "vote": map[string]int{"expected": 10, "present": 8, "for": 5, "against": 3}}
		refused(w.c, "/extension-meeting", meeting, "R-majority")
		meeting["vote"], meeting["months"] = vote(9), 13
		refused(w.c, "/extension-meeting", meeting, "R-probation")
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused extension changed the database")
		}
		meeting["months"] = 6
		if out := w.post("/extension-meeting", meeting, 201); out.Case.ProbationEndExtended != "" {
			t.Fatalf("the vote alone extended the 预备期 to %s", out.Case.ProbationEndExtended)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'extend'", b.applicant); n != 0 {
			t.Fatalf("the vote alone wrote %d extensions into the registry", n)
		}
		// The approval awaited is the 党委's 待办.
		var todos struct {
			Items []struct{ Title string } `json:"items"`
		}
		b.fenjuAdmin.Expect(200, "GET", "/api/v1/todos?source=develop.deadline&status=open", nil, &todos)
		awaited := 0
		for _, it := range todos.Items {
			if strings.Contains(it.Title, "上级党委审批延长预备期") {
				awaited++
			}
		}
		if awaited != 1 || e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE kind = 'extend_approval' AND upper = 1") != 1 {
			t.Fatalf("the 党委's 待办 while the approval is awaited: %+v", todos.Items)
		}
		// The branch records the vote, not the 党委's approval; nor does the
		// approval come before the vote.
		branch := e.Account(auth.OrgAdmin, b.branch, 0)
		refused(branch, "/extension", map[string]any{"date": "2025-08-01"}, "R-approver")
		refused(w.c, "/extension", map[string]any{"date": "2025-07-19"}, "R-sequence")
		refused(w.c, "/steps", map[string]any{"step": 22, "date": "2025-07-25"}, "R-extend")
		if out := w.post("/extension-meeting", meeting, 200); !out.Replayed {
			t.Fatal("the vote posted twice is not replayed")
		}
		out := w.post("/extension", map[string]any{"date": "2025-08-01", "opinion": "同意延长预备期六个月"}, 201)
		if out.Case.ProbationEnd != "2025-08-01" || out.Case.ProbationEndExtended != "2026-02-01" {
			t.Fatalf("probation ends after the approval: %q %q", out.Case.ProbationEnd, out.Case.ProbationEndExtended)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'extend' AND on_date = '2025-08-01'", b.applicant); n != 1 {
			t.Fatalf("the approval's extension in the registry: %d", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE kind = 'extend_approval'"); n != 0 {
			t.Fatalf("the approval still awaited: %d", n)
		}
		// The 纪实表 shows both records, the vote and the months.
		page := e.Anonymous()
		page.Token = w.c.Token
		page.Expect(200, "GET", strings.Replace(w.base, "/api/v1", "", 1)+"/record.xlsx", nil, nil)
		f, err := excelize.OpenReader(bytes.NewReader(page.Last))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		f.Close()
		sheet := fmt.Sprint(rows)
		for _, want := range []string{"支部大会讨论延长预备期 2025-07-20", "应到10人，实到9人，赞成9", "6个月", "上级党委审批延长预备期 2025-08-01 甲分局党委"} {
			if !strings.Contains(sheet, want) {
				t.Errorf("the 纪实表 lacks %q: %s", want, sheet)
			}
		}
		// Extended once: no second vote.
		meeting["date"] = "2025-09-01"
		var again struct {
			Error struct{ Message string } `json:"error"`
		}
		w.c.Expect(409, "POST", w.base+"/extension-meeting", meeting, &again)
		if !strings.Contains(again.Error.Message, "不能重复记录") {
			t.Fatalf("a second vote: %+v", again.Error)
		}
	})
}

// TestBrowserExtendProbation walks an extension through the case page: the
// 支部大会's form (months and vote; a failing vote refused by the rule's
// title), then the 党委's approval form alone; the branch's 党务管理员 is
// told who approves instead of being offered a form.
func TestBrowserExtendProbation(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	b := newBureau(t, p.E)
	w := walkToAdmission(t, b)
	base, page := p.E.Srv.URL, strings.Replace(w.base, "/api/v1", "", 1)
	var text string
	send := formSender(p, "#extend-form", &text)
	p.Run(browsertest.Login(base, b.fenjuAdmin.Username(), apptest.Password), chromedp.Navigate(base+page), chromedp.Text("#extend-form h3", &text, chromedp.ByQuery))
	if text != "支部大会讨论延长预备期" {
		t.Fatalf("the first form of an extension: %q", text)
	}
	send(map[string]string{"date": "2025-07-20", "months": "6", "expected": "10", "present": "8", "for": "4", "against": "4", "opinion": "理论学习有待加强"})
	if !strings.Contains(text, "赞成人数须超过应到会有表决权正式党员的半数") || strings.Contains(text, "R-majority") {
		t.Fatalf("a failing vote is not refused by the rule's title:\n%s", text)
	}
	send(map[string]string{"date": "2025-07-20", "months": "6", "expected": "10", "present": "9", "for": "9", "against": "0", "opinion": "理论学习有待加强"})
	var forms int
	p.Run(chromedp.Text("#extend-form h3", &text, chromedp.ByQuery), chromedp.Evaluate(`document.querySelectorAll("form[id$='-form']").length`, &forms))
	if text != "上级党委审批延长预备期" || forms != 1 {
		t.Fatalf("after the vote the form is %q, of %d decision forms", text, forms)
	}
	p.Run(chromedp.ScrollIntoView("#extend-form", chromedp.ByQuery))
	p.Shot("extend-approval-form")
	branch := p.E.Account(auth.OrgAdmin, b.branch, 0)
	branch.Expect(200, "GET", page, nil, nil)
	if body := branch.Body(); !strings.Contains(body, `id="extend-above"`) || !strings.Contains(body, "由「甲分局党委」审批") || strings.Contains(body, `id="extend-form"`) {
		t.Error("the branch's page offers the 党委's approval of an extension")
	}
	send(map[string]string{"date": "2025-08-01", "opinion": "同意延长预备期六个月"})
	if !strings.Contains(text, "上级党委审批延长预备期") || !strings.Contains(text, "支部大会讨论取消预备党员资格") {
		t.Fatalf("after the approval:\n%s", text)
	}
	var probation string
	p.Run(chromedp.Text("#probation", &probation, chromedp.ByID))
	if probation != "预备期 2025-08-01 期满，经上级党委批准延长至 2026-02-01" {
		t.Errorf("the case page says %q of the extended 预备期", probation)
	}
	p.Shot("extend-approved")
}
