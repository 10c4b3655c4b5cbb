package exam_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/auth"
)

// A member at a phone viewport opens a venue's QR link, logs in, checks
// in, then takes an exam to the end and sees the result.
func TestPhoneCheckinAndExam(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 375, 812)
	e := p.E
	w := newWorld(t, e)
	e.App.Now = time.Now // real time: the browser's cookies expire by it
	city := e.Account(auth.OrgAdmin, w.root, 0)
	alice := e.Account(auth.Member, 0, w.alice)

	var prog, sess struct{ ID int64 }
	city.Do("POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": "市局机关党委示范培训", "year": time.Now().Year(), "title": "全市党支部书记示范培训"}, &prog)
	start := time.Now().Add(10 * time.Minute)
	if st := city.Do("POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": "第一讲 学习贯彻党章", "mode": "融合",
		"starts_at": start.UnixMilli(), "ends_at": start.Add(2 * time.Hour).UnixMilli(), "hours_x10": 30, "open_before_min": 30, "late_after_min": 10,
		"main_venue": "市局主会场"}, &sess); st != 201 {
		t.Fatalf("session: %d %s", st, city.Body())
	}
	var venue int64
	e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_venues WHERE session_id = ?", sess.ID).Scan(&venue)
	var qr struct{ URL string }
	if st := city.Do("GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venue), nil, &qr); st != 200 {
		t.Fatalf("qr: %d %s", st, city.Body())
	}

	var paper []int64
	for _, q := range []map[string]any{
		{"kind": "single", "stem": "党的最高领导机关是", "options": []string{"党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"}, "answer": "A"},
		{"kind": "multi", "stem": "“三会一课”包括", "options": []string{"支部党员大会", "支部委员会", "茶话会", "党课"}, "answer": "ABD"},
		{"kind": "judge", "stem": "预备党员的预备期为一年", "answer": "对"},
		{"kind": "fill", "stem": "中国共产党成立于（　）年", "answer": "1921"},
	} {
		q["org_id"], q["tag"], q["difficulty"] = w.root, "党章", 1
		var out struct{ ID int64 }
		city.Do("POST", "/api/v1/exams/bank/questions", q, &out)
		paper = append(paper, out.ID)
	}
	var ex struct{ ID int64 }
	if st := city.Do("POST", "/api/v1/exams", map[string]any{"org_id": w.root, "mode": "exam", "title": "党章党规应知应会考试",
		"opens_at": time.Now().Add(-time.Hour).UnixMilli(), "closes_at": time.Now().Add(24 * time.Hour).UnixMilli(), "duration_min": 20,
		"pass_score": 30, "max_attempts": 2, "score_each": 10, "paper": paper}, &ex); st != 201 {
		t.Fatalf("exam: %d %s", st, city.Body())
	}

	// The QR link: not logged in yet, so the login page comes first.
	var checked string
	p.Run(
		// Headless Chromium keeps windows at least 500 px wide; a phone's
		// viewport is emulated.
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		chromedp.Navigate(qr.URL),
		chromedp.WaitVisible("#username", chromedp.ByID),
	)
	p.Shot("1-login")
	p.Run(
		chromedp.SendKeys("#username", alice.Username(), chromedp.ByID),
		chromedp.SendKeys("#password", apptest.Password, chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.WaitVisible("#checkin-submit", chromedp.ByID),
	)
	p.Shot("2-checkin")
	p.Run(
		chromedp.Click("#checkin-submit", chromedp.ByID),
		chromedp.WaitVisible("#checkin-result", chromedp.ByID),
		chromedp.Text("main", &checked, chromedp.ByQuery),
	)
	p.Shot("3-checked-in")
	if !strings.Contains(checked, "签到成功") || !strings.Contains(checked, "市局主会场") {
		t.Fatalf("check-in page: %q", checked)
	}

	var hours string
	p.Run(chromedp.Click(`//a[contains(., "返回我的学习")]`, chromedp.BySearch), chromedp.WaitVisible("#my-hours", chromedp.ByID),
		chromedp.Text("#my-hours", &hours, chromedp.ByID))
	p.Shot("3b-my-learning")
	if !strings.HasPrefix(hours, "3 / 32") {
		t.Fatalf("my hours: %q", hours)
	}

	p.Run(chromedp.Click("#my-exams-link", chromedp.ByID), chromedp.WaitVisible(fmt.Sprintf("#start-%d", ex.ID), chromedp.ByID))
	p.Shot("4-exams")
	p.Run(chromedp.Click(fmt.Sprintf("#start-%d", ex.ID), chromedp.ByID), chromedp.WaitVisible("#answer-form", chromedp.ByID))
	p.Shot("5-question")
	option := func(text string) chromedp.Action {
		return chromedp.Click(fmt.Sprintf(`//label[contains(., %q)]/input`, text), chromedp.BySearch)
	}
	steps := [][]chromedp.Action{
		{option("全国代表大会")},
		{option("支部党员大会"), option("支部委员会"), option("党课")},
		{chromedp.Click("#opt-T", chromedp.ByID)},
		{chromedp.SendKeys("#blank-1", "1921", chromedp.ByID)},
	}
	for i, acts := range steps {
		var stem string
		p.Run(chromedp.Text("#stem", &stem, chromedp.ByID))
		if !strings.Contains(stem, fmt.Sprint([]string{"最高领导机关", "三会一课", "预备期", "成立于"}[i])) {
			t.Fatalf("question %d shows %q", i+1, stem)
		}
		p.Run(acts...)
		if i == 1 {
			p.Shot("6-multi-answered")
		}
		// The next page is the next question; after the last, the first again.
		next := fmt.Sprintf(`input[name="n"][value="%d"]`, (i+1)%len(steps)+1)
		p.Run(chromedp.Click("#answer-submit", chromedp.ByID), chromedp.WaitReady(next, chromedp.ByQuery))
	}
	var result string
	p.Run(
		chromedp.Click("#finish", chromedp.ByID),
		chromedp.WaitVisible("#result", chromedp.ByID),
		chromedp.Text("main", &result, chromedp.ByQuery),
	)
	p.Shot("7-result")
	if !strings.Contains(result, "得分 40 / 40") || !strings.Contains(result, "已通过") {
		t.Fatalf("result page: %q", result)
	}
}
