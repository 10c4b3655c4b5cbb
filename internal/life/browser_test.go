package life_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
)

// tinyPNG is a 1×1 red picture.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

// TestCongressByQRCheckinInTheBrowser: a branch secretary records today's
// 支部党员大会 with one member still to check in and a decision that becomes
// a 待办 and a photo is attached; the member checks in on a phone by the meeting's QR link; the
// branch's 党员大会 of this quarter turns from due to done on the
// compliance calendar.
func TestCongressByQRCheckinInTheBrowser(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	b := setup(t, e)
	ctx := context.Background()
	today := civil.Today(time.Now())
	q := (int(today.Month())-1)/3 + 1
	secretary := e.Account(auth.OrgAdmin, b.branch, b.people[0])
	member := e.Account(auth.Member, b.branch, b.people[3])
	congress := fmt.Sprintf(`#compliance-grid tr[data-org="%d"] td[data-kind="congress"]`, b.branch)
	compliance := fmt.Sprintf("%s/life/compliance?org=%d&year=%d&quarter=%d", e.Srv.URL, b.branch, today.Year(), q)
	var before, after string
	p.Run(browsertest.Login(e.Srv.URL, secretary.Username(), apptest.Password),
		chromedp.Navigate(compliance), chromedp.WaitVisible(congress), chromedp.AttributeValue(congress, "class", &before, nil))
	if !strings.Contains(before, "due") {
		t.Fatalf("before the meeting the 党员大会 cell is %q, want due", before)
	}
	att := func(i int, status string) chromedp.Action {
		return chromedp.Click(fmt.Sprintf(`input[name="att_%d"][value="%s"]`, b.people[i], status))
	}
	p.Run(chromedp.Navigate(fmt.Sprintf("%s/life/new?org=%d&kind=congress&date=%s", e.Srv.URL, b.branch, today)),
		chromedp.WaitVisible("#meeting-form"),
		chromedp.SendKeys("#m-topic", "讨论确定发展对象"), chromedp.SendKeys("#m-host", "甲"),
		att(0, "present"), att(1, "present"), att(2, "present"), att(3, "pending"), att(4, "present"),
		chromedp.SendKeys("#what-0", "报上级党委预审"), chromedp.SetValue("#owner-0", fmt.Sprint(b.people[0])),
		chromedp.SetValue("#due-0", today.AddDays(14).String()), chromedp.Click("#todo-0"))
	p.Shot("form")
	photo := filepath.Join(t.TempDir(), "现场.png")
	if err := os.WriteFile(photo, tinyPNG, 0o600); err != nil {
		t.Fatal(err)
	}
	var shown int
	p.Run(browsertest.Follow("#meeting-submit"), chromedp.WaitVisible("#quorum"),
		chromedp.SetUploadFiles("#f-file", []string{photo}), browsertest.Follow("#file-submit"), chromedp.WaitVisible("#files img"),
		chromedp.Evaluate(`document.querySelectorAll('#files img').length`, &shown))
	p.Shot("meeting")
	if shown != 1 {
		t.Errorf("%d photos shown on the meeting page, want 1", shown)
	}
	var id int64
	var heldOn string
	if err := e.DB.QueryRowContext(ctx, "SELECT id, held_on FROM life_meetings WHERE org_id = ?", b.branch).Scan(&id, &heldOn); err != nil {
		t.Fatal(err)
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE person_id = ? AND title LIKE '%报上级党委预审%'", b.people[0]); n != 1 {
		t.Errorf("the decision made %d 待办 for its owner, want 1", n)
	}

	var qr struct{ URL string }
	if st := secretary.Do("GET", fmt.Sprintf("/api/v1/meetings/%d/qr", id), nil, &qr); st != 200 || qr.URL == "" {
		t.Fatalf("qr: %d %s", st, secretary.Body())
	}
	phone := browsertest.Browser(t, 390, 844)
	var named, result, again string
	if err := chromedp.Run(phone, browsertest.Login(e.Srv.URL, member.Username(), apptest.Password),
		chromedp.Navigate(qr.URL), chromedp.WaitVisible("#checkin-submit"), chromedp.Text("#checkin-meeting", &named)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, phone, "phone-checkin-before")
	if !strings.Contains(named, "支部党员大会") || !strings.Contains(named, heldOn) {
		t.Errorf("before check-in the page names %q, want the 支部党员大会 of today", named)
	}
	if err := chromedp.Run(phone, browsertest.Follow("#checkin-submit"), chromedp.WaitVisible("#checkin-result"), chromedp.Text("#checkin-result", &result)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, phone, "phone-checkin")
	if result != "签到成功" {
		t.Errorf("check-in said %q", result)
	}
	// The same code again: the meeting is named beside the refusal, and no button.
	if err := chromedp.Run(phone, chromedp.Navigate(qr.URL), chromedp.WaitVisible("#checkin-meeting"), chromedp.Text("main", &again)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again, "无需重复签到") || strings.Contains(again, "确认参会签到") {
		t.Errorf("the code opened again shows %q", again)
	}
	if n := e.Count("SELECT COUNT(*) FROM life_attendees WHERE meeting_id = ? AND person_id = ? AND status = 'present'", id, b.people[3]); n != 1 {
		t.Errorf("the member who checked in is not present (%d)", n)
	}

	p.Run(chromedp.Navigate(compliance), chromedp.WaitVisible(congress), chromedp.AttributeValue(congress, "class", &after, nil))
	p.Shot("compliance")
	if !strings.Contains(after, "done") {
		t.Errorf("after the meeting the 党员大会 cell is %q, want done", after)
	}
}
