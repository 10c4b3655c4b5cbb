package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// TestSelfAssessmentAndReviewInBrowser: the branch's 党务管理员 finds its
// entry through the 支部建设 menu, scores the scored items with evidence
// (one left without) and submits; 甲分局 reviews it on the page.
func TestSelfAssessmentAndReviewInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 1000)
	e := p.E
	b := strongSetup(t, e)
	openRound(t, e.Account(auth.OrgAdmin, b.Root, 0), 2026, "2026-06-30", "2026-07-15")
	branch, upper := e.Account(auth.OrgAdmin, b.ABranch, 0), e.Account(auth.OrgAdmin, b.A, 0)
	var state, score, missing string
	fill := []chromedp.Action{}
	for i, v := range []string{"9", "8", "14", "7", "6.5"} {
		fill = append(fill, chromedp.SetValue(fmt.Sprintf(`(//input[starts-with(@name,"pts_")])[%d]`, i+1), v))
		if i != 3 { // 制度执行 is left without evidence
			fill = append(fill, chromedp.SetValue(fmt.Sprintf(`(//textarea[starts-with(@name,"ev_")])[%d]`, i+1), "台账和照片"))
		}
	}
	p.Run(append(append(chromedp.Tasks{
		browsertest.Login(e.Srv.URL, branch.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL + "/"),
		chromedp.Click(`//summary[text()="支部建设"]`),
		chromedp.Click(`//a[text()="最强党支部"]`),
		chromedp.WaitVisible("#entries"),
		chromedp.Click(`//table[@id="entries"]//a[text()="甲分局城关派出所党支部"]`),
		chromedp.WaitVisible("#self-form"),
	}, fill...), browsertest.Follow("#self-submit"), chromedp.WaitVisible(".flash"),
		chromedp.Text("#entry-state", &state), chromedp.Text("#entry-score", &score), chromedp.Text(".missing", &missing))...)
	p.Shot("self-assessed")
	// 35.14 computed + 9 + 8 + 14 + 6.5 (制度执行 has no evidence) = 72.64.
	if state != "已自评，待审核" || score != "72.64" || !strings.Contains(missing, "缺少佐证") {
		t.Fatalf("after submitting: %q %q %q", state, score, missing)
	}
	var level string
	p.Run(
		network.ClearBrowserCookies(),
		browsertest.Login(e.Srv.URL, upper.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/todos"),
		chromedp.Click(`//a[contains(text(),"审核最强党支部自评")]`),
		chromedp.WaitVisible("#review-form"),
		chromedp.SetValue(`(//input[starts-with(@name,"rpts_")])[1]`, "8"),
		chromedp.SetValue(`(//input[starts-with(@name,"rpts_")])[2]`, "8"),
		chromedp.SetValue(`(//input[starts-with(@name,"rpts_")])[3]`, "13"),
		chromedp.SetValue(`(//input[starts-with(@name,"rpts_")])[4]`, "0"),
		chromedp.SetValue(`(//input[starts-with(@name,"rpts_")])[5]`, "6"),
		chromedp.SetValue("#note", "阵地建设材料较好，制度台账需补充"),
		browsertest.Follow("#review-submit"), chromedp.WaitVisible(".flash"),
		chromedp.Text("#entry-score", &score),
		chromedp.Text("#entry-level", &level),
	)
	p.Shot("reviewed")
	if score != "70.14" || level != "未达标" {
		t.Fatalf("after review: %q %q", score, level)
	}
}
