package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/wartime"
)

// A member's phone: the teams they serve in (a 先锋岗's duty), reporting in
// once a day, their deeds and 表现突出; not another team, not a team they
// left, not once the response has ended.
func TestWartimePhone(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		post := b.team(t, ev.ID, wartime.Post, "东门安检党员先锋岗", b.ABranch)
		squad := b.team(t, ev.ID, wartime.Squad, "巡逻突击队", b.ABranch)
		b.join(t, post.ID, b.full[0])
		b.join(t, squad.ID, b.full[1])
		b.record(t, post.ID, b.full[0], b.day(-3), "连续值守安检口12小时")
		me := e.Account(auth.Member, 0, b.full[0])

		var m wartime.Mine
		if st := me.Do("GET", "/api/v1/my-wartime", nil, &m); st != 200 || len(m.Serving) != 1 || m.Serving[0].TeamID != post.ID ||
			m.Serving[0].Reported != "" || len(m.Deeds) != 1 || m.Deeds[0].Deed != "连续值守安检口12小时" {
			t.Fatalf("mine: %d %+v", st, m)
		}
		report := fmt.Sprintf("/api/v1/my-wartime/teams/%d/report", post.ID)
		var out struct {
			Team     wartime.MyTeam
			Replayed bool
		}
		if st := me.Do("POST", report, map[string]string{"note": "东门"}, &out); st != http.StatusCreated || out.Replayed || out.Team.Reported == "" || out.Team.Days != 1 {
			t.Fatalf("report: %d %s", st, me.Body())
		}
		if st := me.Do("POST", report, map[string]string{}, &out); st != http.StatusOK || !out.Replayed || e.Count("SELECT COUNT(*) FROM wartime_reports") != 1 {
			t.Fatalf("a second report the same day: %d %+v", st, out)
		}
		// Another team, a 党务管理员 without a person, a bad note: refused, nothing written.
		refused(t, e, me, "POST", fmt.Sprintf("/api/v1/my-wartime/teams/%d/report", squad.ID), map[string]string{}, http.StatusNotFound, "")
		refused(t, e, b.adminA, "POST", report, map[string]string{}, http.StatusForbidden, "")
		other := e.Account(auth.Member, 0, b.full[1])
		refused(t, e, other, "POST", fmt.Sprintf("/api/v1/my-wartime/teams/%d/report", squad.ID), map[string]string{"note": "x\u202e"}, http.StatusUnprocessableEntity, "note")
		// The team page shows who reported.
		if st := b.adminA.Do("GET", fmt.Sprintf("/wartime/teams/%d", post.ID), nil, nil); st != 200 || !strings.Contains(b.adminA.Body(), "1 天，最近 "+b.day(0)) {
			t.Fatalf("team page: %d", st)
		}
		// After leaving, and once the response ended: the team is history.
		b.adminA.Expect(200, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/members/%d/leave", squad.ID, b.full[1]), wartime.LeaveInput{LeftOn: b.day(0)}, nil)
		refused(t, e, other, "POST", fmt.Sprintf("/api/v1/my-wartime/teams/%d/report", squad.ID), map[string]string{}, http.StatusUnprocessableEntity, "team_id")
		var ended wartime.Event
		b.adminA.Do("GET", fmt.Sprintf("/api/v1/wartime/events/%d", ev.ID), nil, &ended)
		b.adminA.Expect(200, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID), wartime.EndInput{Version: ended.Version}, nil)
		if st := me.Do("GET", "/api/v1/my-wartime", nil, &m); st != 200 || len(m.Serving) != 0 || len(m.Served) != 1 || m.Served[0].Days != 1 {
			t.Fatalf("after the end: %d %+v", st, m)
		}
	})
}

// TestPhoneInBrowser: on a 390×844 phone a member opens 我的战时任务, reads
// the 先锋岗's duty, reports in (到岗打卡) and sees it done and their deed.
func TestPhoneInBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 390, 844)
	b := wartimeNewBureau(t, p.E)
	ev := b.activate(t)
	var post wartime.Team
	b.adminA.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/teams", ev.ID), wartime.TeamInput{Kind: wartime.Post, Name: "东门安检党员先锋岗",
		OrgID: b.ABranch, Duty: "每日 8:00–20:00 东门安检口值守", FormedOn: b.day(-9)}, &post)
	b.join(t, post.ID, b.full[0])
	b.record(t, post.ID, b.full[0], b.day(-2), "劝离违规无人机一架")
	me := p.E.Account(auth.Member, 0, b.full[0])
	base := p.E.Srv.URL
	var page, flash string
	p.Run(browsertest.Login(base, me.Username(), apptest.Password), chromedp.Navigate(base+"/m/wartime"),
		chromedp.WaitVisible("#my-teams", chromedp.ByQuery), chromedp.Text("main", &page, chromedp.ByQuery))
	p.Shot("wartime-phone")
	if !strings.Contains(page, "岗位职责：每日 8:00–20:00 东门安检口值守") || !strings.Contains(page, "劝离违规无人机一架") {
		t.Fatalf("phone page: %q", page)
	}
	btn := fmt.Sprintf("#report-%d", post.ID)
	var width int
	p.Run(chromedp.Evaluate(`document.querySelector("`+btn+`").getBoundingClientRect().width`, &width),
		chromedp.SetValue(fmt.Sprintf("#note-%d", post.ID), "东门", chromedp.ByQuery),
		browsertest.Follow(btn, chromedp.ByQuery), chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery), chromedp.Text("#my-teams", &page, chromedp.ByQuery))
	p.Shot("wartime-phone-reported")
	if width < 300 {
		t.Errorf("the report button is %d px wide on a 390 px phone", width)
	}
	if !strings.Contains(flash, "已到岗打卡") || !strings.Contains(page, "今天已于") || !strings.Contains(page, "累计 1 天") {
		t.Fatalf("after reporting: flash %q, page %q", flash, page)
	}
}
