package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// A secretary records the election meeting through the form and divides
// the posts; the page then waits for the upper approval.
func TestRecordAnElectionInTheBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	root := dbtest.AddOrg(t, e.DB, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
	branch := e.Org(root, "城关派出所党支部", "branch")
	var people []int64
	for i := 0; i < 5; i++ {
		people = append(people, e.Person(dbtest.Person{Org: branch, Name: fmt.Sprintf("党员%d", i), Pinyin: fmt.Sprint(i), JoinDate: "2010-01-01", FullDate: "2011-01-01"}))
	}
	secretary := e.Account(auth.OrgAdmin, branch, 0)
	p.Run(browsertest.Login(e.Srv.URL, secretary.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/elections/new?org=%d", e.Srv.URL, branch)),
		chromedp.WaitVisible("#election-form"),
		chromedp.SetValue("#n-seats", "1"), chromedp.SetValue("#n-present", "5"), chromedp.SetValue("#n-issued", "5"), chromedp.SetValue("#n-returned", "5"))
	for i, id := range people[:2] {
		p.Run(chromedp.Click(fmt.Sprintf(`input[name="cand"][value="%d"]`, id)), chromedp.SetValue(fmt.Sprintf(`input[name="votes_%d"]`, id), fmt.Sprint(4-i*3)))
	}
	p.Shot("form")
	var state, flash string
	p.Run(browsertest.Follow("#election-submit"), chromedp.WaitVisible("#posts-form"),
		chromedp.SetValue(fmt.Sprintf(`select[name="post_%d"]`, people[0]), "书记"),
		browsertest.Follow("#posts-submit"), chromedp.WaitVisible(".flash"), chromedp.Text(".flash", &flash), chromedp.Text("#state", &state))
	if !strings.Contains(flash, "已保存委员分工") || state != "待上级批复" {
		t.Fatalf("flash %q, state %q", flash, state)
	}
	p.Shot("recorded")
}
