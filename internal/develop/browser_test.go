package develop_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
)

// TestBrowserWalkCase opens a case from the 台账 and walks it from the
// application to 转正 through the page forms, then checks that the 纪实表
// shows every recorded step.
func TestBrowserWalkCase(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	b := newBureau(t, e)
	base := e.Srv.URL
	run := p.Run
	// submit fills a form on the current page, sends it and fails on a
	// refusal shown on the page that comes back.
	submit := func(form string, fields map[string]string, clicks ...string) {
		t.Helper()
		tasks := []chromedp.Action{chromedp.Evaluate(`document.querySelectorAll(".flash,.error-box").forEach(function (e) { e.remove(); })`, nil)}
		for name, v := range fields {
			tasks = append(tasks, chromedp.SetValue(form+` [name="`+name+`"]`, v, chromedp.ByQuery))
		}
		for _, c := range clicks {
			tasks = append(tasks, chromedp.Click(form+" "+c, chromedp.ByQuery))
		}
		var refusal string
		tasks = append(tasks, browsertest.Follow(form+" button", chromedp.ByQuery), chromedp.WaitVisible(".flash, .error-box", chromedp.ByQuery),
			chromedp.Evaluate(`(document.querySelector(".error-box") || {innerText: ""}).innerText`, &refusal))
		run(tasks...)
		if refusal != "" {
			p.Shot("refused")
			t.Fatalf("%s %v refused: %s", form, fields, refusal)
		}
	}
	step := func(date string, fields map[string]string, clicks ...string) {
		t.Helper()
		if fields == nil {
			fields = map[string]string{}
		}
		fields["date"] = date
		submit("form.step-form", fields, clicks...)
	}

	run(browsertest.Login(base, b.fenjuAdmin.Username(), apptest.Password), chromedp.Navigate(base+"/development"))
	p.Shot("ledger-empty")
	submit(`form[action="/development/cases"]`, map[string]string{"person_id": fmt.Sprint(b.applicant), "date": "2023-01-10"})
	var loc string
	run(chromedp.Location(&loc))
	caseURL := strings.Split(loc, "?")[0]

	step("2023-01-20", nil)
	step("2023-04-10", map[string]string{"recommendation": "党员推荐"})
	step("2023-04-15", nil)
	step("2023-04-20", nil, `input[name="person_ids"]`)
	step("2023-05-01", nil)
	submit(`form[action$="/reviews"]`, map[string]string{"date": "2023-10-09", "opinion": "学习积极，表现良好"})
	submit(`form[action$="/publicity"]`, map[string]string{"publicity": "candidate", "date": "2024-03-25"})
	p.Shot("case-activist")
	step("2024-04-10", nil)
	step("2024-05-15", nil)
	step("2024-05-20", nil, `label:nth-of-type(1) input[name="person_ids"]`, `label:nth-of-type(2) input[name="person_ids"]`)
	step("2024-06-10", map[string]string{"vetting": "pass"})
	step("2024-06-20", map[string]string{"training_days": "3"})
	step("2024-07-01", nil)
	step("2024-07-10", nil)
	step("2024-07-15", nil)
	submit(`form[action$="/publicity"]`, map[string]string{"publicity": "admission", "date": "2024-07-16"})
	p.Shot("case-vote-form")
	vote := map[string]string{"expected": "10", "present": "9", "for": "9", "opinion": "全体到会党员一致同意"}
	step("2024-08-01", vote)
	for _, d := range []string{"2024-08-10", "2024-09-01", "2024-09-10", "2024-09-15", "2024-09-20", "2024-10-01", "2025-07-20"} {
		step(d, nil)
	}
	step("2025-08-01", vote)
	step("2025-08-20", nil)
	step("2025-09-01", nil)
	p.Shot("case-converted")

	var sheet, status string
	run(chromedp.Text("h1 .badge", &status, chromedp.ByQuery), chromedp.Navigate(caseURL+"/record"), chromedp.Text(".record-table", &sheet, chromedp.ByQuery))
	if status != "已转正" {
		t.Fatalf("case status badge %q", status)
	}
	for _, want := range []string{"递交入党申请书", "2023-01-10", "2024-04-10", "党员0", "应到10人，实到9人，赞成9", "政审结论：合格", "2025-09-01", "材料归档"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("纪实表 lacks %q", want)
		}
	}
	if strings.Contains(sheet, "—") {
		t.Error("纪实表 has steps without a date")
	}
	p.Shot("record")
	for _, page := range []string{"deadlines", "stats", "plans", "rules"} {
		run(chromedp.Navigate(base + "/development/" + page))
		p.Shot(page)
	}
}

// TestBrowserCorrectStep corrects a recorded step from the case page with
// a reason, and reads the old values in the 纪实表's history.
func TestBrowserCorrectStep(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 1000)
	e := p.E
	b := newBureau(t, e)
	w := openCase(t, b, 3)
	var c reply
	w.c.Do("GET", w.base, nil, &c)
	caseURL := fmt.Sprintf("%s/development/cases/%d", e.Srv.URL, c.Case.ID)
	rid := recordOf(t, c, 2)
	p.Run(browsertest.Login(e.Srv.URL, b.fenjuAdmin.Username(), apptest.Password), chromedp.Navigate(caseURL),
		chromedp.Click(fmt.Sprintf(`a[href$="?correct=%d#correct"]`, rid), chromedp.ByQuery), chromedp.WaitVisible("form.correct-form", chromedp.ByQuery))
	p.Shot("correct-form")
	var refusal string
	p.Run(chromedp.SetValue(`form.correct-form [name="date"]`, "2023-01-18", chromedp.ByQuery),
		chromedp.SetValue(`form.correct-form [name="opinion"]`, "由组织委员谈话", chromedp.ByQuery),
		chromedp.SetValue(`form.correct-form [name="reason"]`, "据谈话记录更正日期", chromedp.ByQuery),
		browsertest.Follow("form.correct-form button", chromedp.ByQuery), chromedp.WaitVisible(".flash, .error-box", chromedp.ByQuery),
		chromedp.Evaluate(`(document.querySelector(".error-box") || {innerText: ""}).innerText`, &refusal))
	if refusal != "" {
		p.Shot("correct-refused")
		t.Fatalf("correction refused: %s", refusal)
	}
	var sheet, body string
	p.Run(chromedp.Navigate(caseURL+"/record"), chromedp.Text(".record-table", &sheet, chromedp.ByQuery),
		chromedp.Evaluate(`document.body.innerText`, &body))
	p.Shot("record-history")
	for _, want := range []string{"2023-01-18", "更正记录", "日期：2023-01-20 → 2023-01-18", "据谈话记录更正日期", "由组织委员谈话"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("纪实表 lacks %q:\n%s", want, sheet)
		}
	}
	// A refused correction shows the rule's Chinese name, never its id.
	p.Run(chromedp.Navigate(fmt.Sprintf("%s?correct=%d", caseURL, rid)), chromedp.WaitVisible("form.correct-form", chromedp.ByQuery),
		chromedp.SetValue(`form.correct-form [name="date"]`, "2023-05-01", chromedp.ByQuery),
		chromedp.SetValue(`form.correct-form [name="reason"]`, "再次更正", chromedp.ByQuery),
		browsertest.Follow("form.correct-form button", chromedp.ByQuery), chromedp.WaitVisible(".error-box", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector(".error-box").innerText`, &refusal), chromedp.Evaluate(`document.body.innerText`, &body))
	p.Shot("correct-refused-rule")
	if !strings.Contains(refusal, "第3步") || !strings.Contains(refusal, "按程序顺序进行") || strings.Contains(body, "R-") {
		t.Fatalf("refusal %q (page shows a rule id: %v)", refusal, strings.Contains(body, "R-"))
	}
}
