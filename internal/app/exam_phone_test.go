package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
)

// takeByAPI answers the judge and fill questions of a contest rightly
// through the API and hands in: the other people on the board.
func takeByAPI(t *testing.T, c *apptest.Client, examID int64) {
	t.Helper()
	var st exam.Started
	if code := c.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", examID), nil, &st); code != 201 && code != 200 {
		t.Fatalf("start: %d %s", code, c.Body())
	}
	var sh exam.Sheet
	c.Do("GET", fmt.Sprintf("/api/v1/exams/attempts/%d/sheet", st.AttemptID), nil, &sh)
	for _, q := range sh.Questions {
		body := map[string]any{"question_id": q.ID}
		switch q.Kind {
		case exam.Judge:
			body["answer"] = "对"
		case exam.Fill:
			body["blanks"] = []string{"1921"}
		default:
			continue
		}
		if code := c.Send(answerRequest(st.AttemptID, st.DeviceToken, body), nil); code != 200 && code != 201 {
			t.Fatalf("answer: %d %s", code, c.Body())
		}
	}
	if code := c.Do("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/submit", st.AttemptID), nil, nil); code != 200 {
		t.Fatalf("submit: %d %s", code, c.Body())
	}
}

// A member on a 390×844 phone logs in and lands on 我的学习, opens a
// venue's QR link and sees the session before and after checking in, then
// takes a contest: one answer wrong, the last question leads to the
// hand-in page, which asks first; the result shows 我的名次, the unit's
// rank and the wrong answer with the right one and its explanation.
func TestPhoneCheckinAndExam(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 390, 844)
	e := p.E
	w := newWorld(t, e)
	e.App.Now = time.Now // real time: the browser's cookies expire by it
	city := e.Account(auth.OrgAdmin, w.root, 0)
	alice := e.Account(auth.Member, 0, w.alice)

	var prog, sess struct{ ID int64 }
	city.Do("POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": "市局机关党委示范培训", "year": time.Now().Year(), "title": "全市党支部书记示范培训"}, &prog)
	start := time.Now().Add(10 * time.Minute)
	city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": "第一讲 学习贯彻党章", "mode": "融合",
		"starts_at": start.UnixMilli(), "ends_at": start.Add(2 * time.Hour).UnixMilli(), "hours_x10": 30, "open_before_min": 30, "late_after_min": 10,
		"main_venue": "市局主会场", "place": "市局三楼报告厅"}, &sess)
	var venue int64
	e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_venues WHERE session_id = ?", sess.ID).Scan(&venue)
	var qr struct{ URL string }
	city.Expect(200, "GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venue), nil, &qr)

	var paper []int64
	for _, q := range []map[string]any{
		{"kind": "single", "stem": "党的最高领导机关是", "options": []string{"党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"}, "answer": "A"},
		{"kind": "multi", "stem": "“三会一课”包括", "options": []string{"支部党员大会", "支部委员会", "茶话会", "党课"}, "answer": "ABD"},
		{"kind": "judge", "stem": "预备党员的预备期为一年", "answer": "对"},
		{"kind": "fill", "stem": "中国共产党成立于（　）年", "answer": "1921", "explanation": "1921年7月，中国共产党第一次全国代表大会召开"},
	} {
		q["org_id"], q["tag"], q["difficulty"] = w.root, "党章", 1
		var out struct{ ID int64 }
		city.Do("POST", "/api/v1/exams/bank/questions", q, &out)
		paper = append(paper, out.ID)
	}
	var ex struct{ ID int64 }
	city.Expect(201, "POST", "/api/v1/exams", map[string]any{"org_id": w.root, "mode": "contest", "title": "党章党规知识竞赛",
		"opens_at": time.Now().Add(-time.Hour).UnixMilli(), "closes_at": time.Now().Add(24 * time.Hour).UnixMilli(), "duration_min": 20,
		"max_attempts": 1, "score_each": 10, "paper": paper, "review": true}, &ex)
	takeByAPI(t, e.Account(auth.Member, 0, w.bob), ex.ID)   // 20 for 甲分局
	takeByAPI(t, e.Account(auth.Member, 0, w.carol), ex.ID) // 20 for 乙分局

	// Login lands on 我的学习.
	var home string
	p.Run(browsertest.Login(e.Srv.URL, alice.Username(), apptest.Password), chromedp.WaitVisible("#my-hours", chromedp.ByID), chromedp.Location(&home))
	p.Shot("1-home")
	if !strings.HasSuffix(home, "/m") {
		t.Fatalf("a member lands on %s", home)
	}

	// The QR link names the session before anything changes.
	var before, after string
	p.Run(chromedp.Navigate(qr.URL), chromedp.WaitVisible("#checkin-submit", chromedp.ByID), chromedp.Text("main", &before, chromedp.ByQuery))
	p.Shot("2-checkin")
	for _, want := range []string{"第一讲 学习贯彻党章", "市局主会场", "市局三楼报告厅", start.In(time.FixedZone("CST", 8*3600)).Format("15:04")} {
		if !strings.Contains(before, want) {
			t.Fatalf("check-in page lacks %q: %q", want, before)
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM training_checkins"); n != 0 {
		t.Fatalf("opening the link checked in: %d", n)
	}
	p.Run(browsertest.Follow("#checkin-submit", chromedp.ByID), chromedp.WaitVisible("#checkin-result", chromedp.ByID), chromedp.Text("main", &after, chromedp.ByQuery))
	p.Shot("3-checked-in")
	if !strings.Contains(after, "签到成功") || !strings.Contains(after, "第一讲 学习贯彻党章") || !strings.Contains(after, "市局主会场") {
		t.Fatalf("check-in page: %q", after)
	}

	var hours, pages string
	p.Run(browsertest.Follow(`//a[contains(., "返回我的学习")]`, chromedp.BySearch), chromedp.WaitVisible("#my-hours", chromedp.ByID),
		chromedp.Text("main", &hours, chromedp.ByQuery), chromedp.Text("#my-pages", &pages, chromedp.ByID))
	if !strings.Contains(hours, "已完成 3 学时，年度要求 32 学时") || !strings.Contains(hours, "还差 29 学时") {
		t.Fatalf("my hours: %q", hours)
	}
	// The member's home leads to each of their own pages on a phone, not
	// only through the menu.
	for _, want := range []string{"我的党费", "我的档案", "民主评议", "任务与擂台"} {
		if !strings.Contains(pages, want) {
			t.Errorf("the member's home offers %q, not %s", pages, want)
		}
	}

	p.Run(browsertest.Follow("#my-exams-link", chromedp.ByID), chromedp.WaitVisible(fmt.Sprintf("#start-%d", ex.ID), chromedp.ByID))
	p.Shot("4-exams")
	p.Run(browsertest.Follow(fmt.Sprintf("#start-%d", ex.ID), chromedp.ByID), chromedp.WaitVisible("#answer-form", chromedp.ByID))
	p.Shot("5-question")
	option := func(text string) chromedp.Action {
		return chromedp.Click(fmt.Sprintf(`//label[contains(., %q)]/input`, text), chromedp.BySearch)
	}
	steps := [][]chromedp.Action{
		{option("全国代表大会")},
		{option("支部党员大会"), option("支部委员会"), option("党课")},
		{chromedp.Click("#opt-T", chromedp.ByID)},
		{chromedp.SendKeys("#blank-1", "1927", chromedp.ByID)}, // wrong
	}
	for i, acts := range steps {
		var stem string
		p.Run(chromedp.Text("#stem", &stem, chromedp.ByID))
		if !strings.Contains(stem, []string{"最高领导机关", "三会一课", "预备期", "成立于"}[i]) {
			t.Fatalf("question %d shows %q", i+1, stem)
		}
		p.Run(acts...)
		if i == 1 {
			p.Shot("6-multi-answered")
		}
		p.Run(browsertest.Follow("#answer-submit", chromedp.ByID))
	}
	// After the last question: the hand-in page, not question 1.
	var review string
	p.Run(chromedp.WaitVisible("#confirm-submit", chromedp.ByID), chromedp.Text("#review-left", &review, chromedp.ByID))
	p.Shot("7-review")
	if !strings.Contains(review, "已全部作答") {
		t.Fatalf("review page: %q", review)
	}
	var result string
	p.Run(browsertest.Follow("#confirm-submit", chromedp.ByID), chromedp.WaitVisible("#result", chromedp.ByID), chromedp.Text("main", &result, chromedp.ByQuery))
	p.Shot("8-result")
	for _, want := range []string{"得分 30 / 40", "我的名次：第 1 名", "共 3 人", "甲分局", "平均分 25.0，第 1 名", "错题回顾",
		"中国共产党成立于", "我的答案：1927", "正确答案：1921", "第一次全国代表大会"} {
		if !strings.Contains(result, want) {
			t.Fatalf("result page lacks %q: %q", want, result)
		}
	}
	if strings.Contains(result, "最高领导机关") {
		t.Fatalf("a right answer is listed as wrong: %q", result)
	}
	p.Run(chromedp.ScrollIntoView("#wrong-review", chromedp.ByID))
	p.Shot("9-wrong-answers")
}
