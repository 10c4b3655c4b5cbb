package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/auth"
)

// A member makes the year's commitment public on a phone and records a
// deed; the branch's display board then shows the post, its photo and the
// commitment.
func TestCommitOnAPhoneAndTheBoard(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 375, 812)
	e := p.E
	b := pioneerSetup(t, e)
	e.At("2026-03-10")
	admin := e.Account(auth.OrgAdmin, b.id, 0)
	var post pioneer.Post
	admin.Expect(201, "POST", "/api/v1/pioneer/posts", map[string]any{"org_id": b.id, "kind": "model", "name": "户籍窗口党员示范岗",
		"duty": "推行一窗通办、延时服务和上门办证", "place": "办证大厅", "set_on": "2026-01-05"}, &post)
	admin.Do("POST", fmt.Sprintf("/api/v1/pioneer/posts/%d/members", post.ID), map[string]any{"version": post.Version, "person_id": b.people[1], "role": "岗长", "joined_on": "2026-01-05"}, nil)
	if st := photo(t, admin, fmt.Sprintf("/api/v1/pioneer/posts/%d/photos", post.ID), pngBytes(t, 320)); st != 201 {
		t.Fatal(admin.Body())
	}
	member := e.Account(auth.Member, 0, b.people[0])
	var flash string
	p.Run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		browsertest.Login(e.Srv.URL, member.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/m/commitments"),
		chromedp.WaitVisible("#my-commit"),
		chromedp.SetValue("#m-tasks", "每月至少上门服务一次行动不便的群众"),
		chromedp.SetValue("#m-goals", "全年群众满意率 100%"),
		browsertest.Follow("#m-commit-submit"),
		chromedp.WaitVisible("#my-deed"),
		chromedp.SetValue("#d-what", "为独居老人上门办理身份证"),
		browsertest.Follow("#m-deed-submit"),
		chromedp.WaitVisible(".flash"), chromedp.Text(".flash", &flash))
	if !strings.Contains(flash, "已登记践诺情况") {
		t.Fatalf("flash %q", flash)
	}
	p.Shot("phone")
	var board string
	p.Run(chromedp.EmulateViewport(1280, 900),
		browsertest.Login(e.Srv.URL, admin.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/pioneer/board?org=%d", e.Srv.URL, b.id)),
		chromedp.WaitVisible("#board"), chromedp.Text("#board", &board))
	if !strings.Contains(board, "户籍窗口党员示范岗") || !strings.Contains(board, "全年群众满意率") || !strings.Contains(board, "乙") {
		t.Fatalf("board: %s", board)
	}
	p.Shot("board")
}
