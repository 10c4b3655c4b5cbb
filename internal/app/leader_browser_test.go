package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// TestLeaderInBrowser opens 领导视图 from the 统计 menu, reads the paragraph,
// follows its first number to the member list, then sorts the comparison
// (screenshots).
func TestLeaderInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 1000)
	e := p.E
	root, _, _ := leaderBureau(t, e)
	c := e.Account(auth.Leader, root, 0)
	var paragraph, first, listed, heading string
	p.Run(
		browsertest.Login(e.Srv.URL, c.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/"),
		chromedp.Click(`//summary[text()="统计"]`),
		chromedp.Click(`//a[text()="领导视图"]`),
		chromedp.WaitVisible("#speech-paragraph"),
		chromedp.Text("#speech-paragraph", &paragraph),
		chromedp.Text("#speech-paragraph a", &first),
	)
	p.Shot("leader-speech")
	if !strings.Contains(paragraph, "现有党员") || !strings.Contains(paragraph, "新发展党员") {
		t.Errorf("paragraph %q", paragraph)
	}
	p.Run(browsertest.Follow("#speech-paragraph a"), chromedp.WaitVisible("form.filters"),
		chromedp.Evaluate(`(document.body.innerText.match(/共\s*(\d+)\s*人/) || [])[1] || ""`, &listed))
	if listed != first {
		t.Errorf("the paragraph says %s 党员, the list it opens %q", first, listed)
	}
	p.Run(
		chromedp.Navigate(e.Srv.URL+"/stats/compare"),
		chromedp.WaitVisible("#compare"),
		browsertest.Follow(`//table[@id="compare"]//th/a[text()="党员"]`, chromedp.BySearch),
		chromedp.WaitVisible("#compare"),
		chromedp.Text(`#compare th:nth-child(2)`, &heading),
	)
	p.Shot("leader-compare")
	if !strings.Contains(heading, "↓") {
		t.Errorf("sorted heading %q", heading)
	}
}
