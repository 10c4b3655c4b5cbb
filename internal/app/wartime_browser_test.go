package app_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
)

// TestBrowserActivateAndRecord: a 分局's 党务管理员 activates a response,
// sets up a 党员突击队, adds a 辅警 to it, records what they did with a
// photo as evidence, and finds them 表现突出 — all through the pages.
func TestBrowserActivateAndRecord(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	b := wartimeNewBureau(t, p.E)
	base := p.E.Srv.URL
	submit := func(form string, fields map[string]string, extra ...chromedp.Action) {
		t.Helper()
		tasks := []chromedp.Action{chromedp.Evaluate(`document.querySelectorAll(".flash,.error-box").forEach(function (e) { e.remove(); })`, nil)}
		for name, v := range fields {
			tasks = append(tasks, chromedp.SetValue(form+` [name="`+name+`"]`, v, chromedp.ByQuery))
		}
		tasks = append(tasks, extra...)
		var refusal string
		tasks = append(tasks, browsertest.Follow(form+" button", chromedp.ByQuery), chromedp.WaitVisible(".flash, .error-box", chromedp.ByQuery),
			chromedp.Evaluate(`(document.querySelector(".error-box") || {innerText: ""}).innerText`, &refusal))
		p.Run(tasks...)
		if refusal != "" {
			p.Shot("refused")
			t.Fatalf("%s refused: %s", form, refusal)
		}
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	p.Run(browsertest.Login(base, b.adminA.Username(), apptest.Password), chromedp.Navigate(base+"/wartime"), chromedp.Click("#activate", chromedp.ByQuery),
		chromedp.WaitVisible("#activate-form", chromedp.ByQuery))
	submit("#activate-form", map[string]string{"org_id": id(b.A), "kind_id": "1", "title": "博览会安保", "ends_on": b.day(20),
		"unit_ids": id(b.ABranch), "doc_no": "甲公党〔2026〕5号"})
	p.Shot("event")
	// The 组建单位 starts on the activating 党委; the branch is found by typing.
	submit("#team-form", map[string]string{"kind": "squad", "name": "场馆巡逻党员突击队", "duty": "主场馆周边巡逻"},
		chromedp.Evaluate(`document.querySelector("#t-org").select()`, nil), chromedp.SendKeys("#t-org", "城关派出所", chromedp.ByQuery),
		// the list of the focus's search (the 党委's own name) first, then the branch alone
		chromedp.Poll(`document.querySelector('.orgpick-list').textContent.includes('城关派出所') && document.querySelectorAll('.orgpick-list li[role="option"]').length === 1`, nil),
		chromedp.SendKeys("#t-org", kb.ArrowDown+kb.Enter, chromedp.ByQuery), chromedp.WaitNotVisible(".orgpick-list", chromedp.ByQuery))
	if n := p.E.Count("SELECT COUNT(*) FROM wartime_teams WHERE org_id = ?", b.ABranch); n != 1 {
		t.Fatalf("%d teams set up by the branch typed", n)
	}
	p.Run(chromedp.SetValue("#q", "甲辅", chromedp.ByQuery), chromedp.Click("#person-find", chromedp.ByQuery), chromedp.WaitVisible("#found", chromedp.ByQuery))
	p.Shot("found")
	submit("#found form.add-member", nil)

	photo := filepath.Join(t.TempDir(), "巡逻照片.png")
	if err := os.WriteFile(photo, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2048)...), 0o600); err != nil {
		t.Fatal(err)
	}
	submit("#record-form", map[string]string{"on_date": b.day(0), "deed": "连续12小时巡逻，劝离违规无人机一架", "attested_by": "突击队队长 王某"},
		chromedp.SetUploadFiles("#r-file", []string{photo}, chromedp.ByQuery))
	submit("#standout-form", map[string]string{"reason": "巡逻中发现并处置安全隐患"})
	p.Shot("team")

	var members, records string
	p.Run(chromedp.Text("#members", &members, chromedp.ByQuery), chromedp.Text("#records", &records, chromedp.ByQuery))
	for _, want := range []string{"甲辅警", "申请人", "辅警", "甲分局城关派出所党支部", "队员", b.day(0) + " 认定"} {
		if !strings.Contains(members, want) {
			t.Errorf("members lack %q: %s", want, members)
		}
	}
	for _, want := range []string{"连续12小时巡逻", "突击队队长 王某", "巡逻照片.png"} {
		if !strings.Contains(records, want) {
			t.Errorf("records lack %q: %s", want, records)
		}
	}
	var standouts string
	p.Run(chromedp.Navigate(base+"/wartime/standouts"), chromedp.Text("#standouts", &standouts, chromedp.ByQuery))
	if !strings.Contains(standouts, "甲辅警") || !strings.Contains(standouts, "可优先确定为入党积极分子") {
		t.Errorf("standouts: %s", standouts)
	}
	p.Shot("standouts")
	if n := p.E.Count("SELECT COUNT(*) FROM wartime_files f JOIN wartime_records r ON r.id = f.record_id WHERE r.person_id = ?", b.auxiliary); n != 1 {
		t.Errorf("evidence files: %d", n)
	}
}
