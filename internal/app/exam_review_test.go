package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
)

// The answer pages: an answer refused for pace comes back chosen, with
// words to slow down, and nothing is stored; past the last question comes
// the hand-in page listing the unanswered ones; the result lists wrong and
// blank answers only when the exam allows it.
func TestAnswerPagesPaceAndReview(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		alice := e.Account(auth.Member, 0, w.alice)
		var paper []int64
		for _, q := range []map[string]any{
			{"kind": "single", "stem": "党的最高领导机关是", "options": []string{"全国代表大会和中央委员会", "中央政治局", "中央书记处"}, "answer": "A"},
			{"kind": "judge", "stem": "预备党员的预备期为一年", "answer": "对", "explanation": "党章第七条"},
		} {
			q["org_id"], q["tag"], q["difficulty"] = w.root, "党章", 1
			var out struct{ ID int64 }
			city.Do("POST", "/api/v1/exams/bank/questions", q, &out)
			paper = append(paper, out.ID)
		}
		newExam := func(title string, review bool) int64 {
			var ex struct{ ID int64 }
			city.Expect(201, "POST", "/api/v1/exams", map[string]any{"org_id": w.root, "mode": "exam", "title": title,
				"opens_at": w.now.Add(-time.Hour).UnixMilli(), "closes_at": w.now.Add(24 * time.Hour).UnixMilli(), "duration_min": 20,
				"pass_score": 10, "max_attempts": 1, "score_each": 10, "min_seconds": 5, "paper": paper, "review": review}, &ex)
			return ex.ID
		}
		quiet, open := newExam("不公布答案的考试", false), newExam("公布答案的考试", true)

		if st := alice.PostForm(fmt.Sprintf("/m/exams/%d/start", quiet), nil); st != 303 {
			t.Fatalf("start: %d %s", st, alice.Body())
		}
		attempt := int64(e.Count("SELECT id FROM exam_attempts WHERE exam_id = ?", quiet))
		answer := func(n int, qid int64, choice string) int {
			return alice.PostForm(fmt.Sprintf("/m/attempts/%d/answer", attempt), url.Values{"question_id": {fmt.Sprint(qid)}, "n": {fmt.Sprint(n)}, "answer": {choice}})
		}
		// Too fast: the page again, the choice kept, nothing stored.
		if st := answer(1, paper[0], "B"); st != 422 || !strings.Contains(alice.Body(), "答得太快") || !strings.Contains(alice.Body(), "请放慢速度") ||
			!strings.Contains(alice.Body(), `value="B" id="opt-B" checked`) || !strings.Contains(alice.Body(), "您选的答案已保留") {
			t.Fatalf("too fast: %d %s", st, alice.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM exam_answers"); n != 0 {
			t.Fatalf("a refused answer was stored: %d", n)
		}
		w.now = w.now.Add(10 * time.Second)
		if st := answer(1, paper[0], "B"); st != 303 {
			t.Fatalf("answer: %d %s", st, alice.Body())
		}
		// Past the last question: the hand-in page, which lists question 2.
		alice.Expect(303, "GET", fmt.Sprintf("/m/attempts/%d?n=3", attempt), nil, nil) // past the last question
		if st := alice.Do("GET", fmt.Sprintf("/m/attempts/%d/review", attempt), nil, nil); st != 200 || !strings.Contains(alice.Body(), "还有 <strong>1</strong> 题未作答") ||
			!strings.Contains(alice.Body(), "预备期") || strings.Contains(alice.Body(), "最高领导机关") {
			t.Fatalf("hand-in page: %d %s", st, alice.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM exam_attempts WHERE active = 1"); n != 1 {
			t.Fatalf("the hand-in page handed in: %d active", n)
		}
		if st := alice.PostForm(fmt.Sprintf("/m/attempts/%d/submit", attempt), nil); st != 200 || strings.Contains(alice.Body(), "错题回顾") || strings.Contains(alice.Body(), "我的名次") {
			t.Fatalf("result without review: %d %s", st, alice.Body())
		}

		// The exam that shows answers: one wrong, one blank, in order.
		var st exam.Started
		alice.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", open), nil, &st)
		w.now = w.now.Add(10 * time.Second)
		var sh exam.Sheet
		alice.Do("GET", fmt.Sprintf("/api/v1/exams/attempts/%d/sheet", st.AttemptID), nil, &sh)
		wrong := shownLetter(t, sh.Questions[0], "中央书记处")
		req := answerRequest(st.AttemptID, st.DeviceToken, map[string]any{"question_id": paper[0], "answer": wrong})
		if code := alice.Send(req, nil); code != 200 && code != 201 {
			t.Fatalf("answer: %d %s", code, alice.Body())
		}
		var res exam.Result
		alice.Do("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/submit", st.AttemptID), nil, &res)
		if len(res.Wrong) != 2 || res.Wrong[0].Mine != "中央书记处" || res.Wrong[0].Right != "全国代表大会和中央委员会" ||
			res.Wrong[1].Mine != "" || res.Wrong[1].Right != "对" || res.Wrong[1].Explanation != "党章第七条" {
			t.Fatalf("wrong answers: %+v", res.Wrong)
		}
	})
}

// answerRequest is an API answer carrying the attempt's device token.
func answerRequest(attempt int64, device string, body map[string]any) *http.Request {
	req, _ := http.NewRequest("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/answers", attempt), jsonBody(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(exam.DeviceHeader, device)
	return req
}
