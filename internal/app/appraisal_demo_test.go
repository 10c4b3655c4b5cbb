package app_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/appraisal"
	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau closed most of last year's rounds with a realistic
// distribution, left some past their deadline (待办), and the demo members'
// appraisalBranch is voting now: dangyuan1 votes on the phone page, once.
func TestDemoRoundsAndThePhonePage(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.Demo(demo.Options{Seed: 1, Members: 1500}, appraisal.SeedDemo)
	shiju := e.Login("shiju", apptest.DemoPassword)
	year := civil.Today(e.App.Now()).Year() - 1 // the clock stays real: demo passwords age with it
	var l appraisal.List
	if st := shiju.Do("GET", fmt.Sprintf("/api/v1/appraisals?year=%d&per_page=200", year), nil, &l); st != 200 || l.Total < 10 {
		t.Fatalf("rounds: %d %d %s", st, l.Total, shiju.Body())
	}
	closed, late := 0, 0
	for _, r := range l.Items {
		if r.Stage == "closed" {
			closed++
		}
		if r.Overdue {
			late++
		}
	}
	if closed < l.Total/2 || late == 0 || l.Ratings.Excellent == 0 || l.Ratings.Unqualified == 0 || l.Ratings.Qualified < l.Ratings.Excellent {
		t.Fatalf("%d closed, %d late, distribution %+v", closed, late, l.Ratings)
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.appraisal' AND severity = 'bad' AND done_at IS NULL"); n < late {
		t.Fatalf("%d overdue 待办 for %d late rounds", n, late)
	}
	if st := shiju.Do("GET", fmt.Sprintf("/appraisals?year=%d", year), nil, nil); st != 200 || !strings.Contains(shiju.Body(), `id="distribution"`) {
		t.Fatalf("list page: %d", st)
	}
	shiju.Downloads(fmt.Sprintf("/appraisals/export?year=%d", year))

	m := e.Login("dangyuan1", apptest.DemoPassword)
	if st := m.Do("GET", "/m/appraisal", nil, nil); st != 200 || !strings.Contains(m.Body(), `class="ballot-form"`) {
		t.Fatalf("phone page: %d %s", st, m.Body())
	}
	var mine appraisal.Mine
	if st := m.Do("GET", "/api/v1/appraisals/mine", nil, &mine); st != 200 || len(mine.Items) != 1 || !mine.Items[0].CanVote {
		t.Fatalf("mine: %d %+v", st, mine)
	}
	mr := mine.Items[0]
	form := url.Values{}
	for i, o := range mr.Others {
		form.Set(fmt.Sprintf("grade_%d", o.PersonID), []string{"excellent", "qualified"}[i%2])
	}
	path := fmt.Sprintf("/m/appraisal/%d/ballot", mr.Round.ID)
	one := url.Values{}
	for k, v := range form {
		one[k] = v
		break
	}
	if st := m.PostForm(path, one); st != 400 || !strings.Contains(m.Body(), "请为其余") {
		t.Fatalf("incomplete ballot: %d", st)
	}
	if st := m.PostForm(path, form); st != 303 {
		t.Fatalf("ballot: %d %s", st, m.Body())
	}
	if st := m.PostForm(path, form); st != 409 || !strings.Contains(m.Body(), "只能投一次") {
		t.Fatalf("second ballot: %d", st)
	}
	admin := e.Login("shiju", apptest.DemoPassword)
	var r appraisal.Round
	if st := admin.Do("GET", fmt.Sprintf("/api/v1/appraisals/%d", mr.Round.ID), nil, &r); st != 200 || r.PhoneBallots != 1 {
		t.Fatalf("round after the ballot: %d %+v", st, r)
	}
	if st := admin.Do("GET", fmt.Sprintf("/appraisals/%d", r.ID), nil, nil); st != 200 || !strings.Contains(admin.Body(), `id="rate-form"`) {
		t.Fatalf("round page: %d", st)
	}
	if st := e.Account(auth.Leader, r.OrgID, 0).Do("GET", "/m/appraisal", nil, nil); st != 403 {
		t.Fatalf("a 领导 without a member record: %d", st)
	}
}
