package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/community"
	"hongdun/internal/platform/auth"
)

// A member reports to the community where they live and logs an afternoon
// of service on a phone; the 分局 sees it in its totals, and the community
// page shows the 1+2 structure and the report.
func TestServiceLogOnAPhoneAndTheTotals(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 375, 812)
	e := p.E
	b := communitySetup(t, e)
	e.At("2026-05-20")
	unitAdmin := e.Account(auth.OrgAdmin, b.unit, 0)
	var c community.Community
	if st := unitAdmin.Do("POST", "/api/v1/community/sites", map[string]any{"org_id": b.unit, "name": "小寨社区", "street": "长延堡街道", "police_org_id": b.branch,
		"estate_org": "翠华小区党支部", "resident_org": "小寨社区居委会"}, &c); st != 201 {
		t.Fatal(unitAdmin.Body())
	}
	member := e.Account(auth.Member, 0, b.people[0])
	var hours string
	p.Run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		browsertest.Login(e.Srv.URL, member.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/m/service"),
		chromedp.WaitVisible("#my-report"),
		browsertest.Follow("#my-report-submit"),
		chromedp.WaitVisible(".flash"),
		chromedp.SetValue("#s-title", "为独居老人上门办理身份证"),
		chromedp.SetValue("#s-hours", "2.5"),
		chromedp.SetValue("#s-served", "3"),
		browsertest.Follow("#my-service-submit"),
		chromedp.WaitVisible("#my-activities li b"),
		chromedp.Text("#my-hours", &hours))
	if !strings.Contains(hours, "2.5 小时") {
		t.Fatalf("my hours %q", hours)
	}
	p.Shot("phone")
	var sum string
	p.Run(chromedp.EmulateViewport(1280, 900),
		browsertest.Login(e.Srv.URL, unitAdmin.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/community/totals?year=2026&by=member"),
		chromedp.WaitVisible("#totals"), chromedp.Text("#totals", &sum))
	if !strings.Contains(sum, "甲") || !strings.Contains(sum, "2.5") {
		t.Fatalf("totals %q", sum)
	}
	p.Shot("totals")
	p.Run(chromedp.Navigate(fmt.Sprintf("%s/community/sites/%d", e.Srv.URL, c.ID)), chromedp.WaitVisible("#structure"))
	p.Shot("site")
}
