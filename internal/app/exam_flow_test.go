package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

type world struct {
	e                 *apptest.Env
	root, a, b        int64
	alice, bob, carol int64 // alice and bob under A, carol under B
	now               time.Time
}

func newWorld(t *testing.T, e *apptest.Env) *world {
	w := &world{e: e, now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	e.App.Now = func() time.Time { return w.now }
	w.root = e.Org(0, "市局党委", "committee")
	w.a, w.b = e.Org(w.root, "甲分局党委", "committee"), e.Org(w.root, "乙分局党委", "committee")
	person := func(orgID int64, name string) int64 {
		return e.Person(dbtest.Person{Org: orgID, Name: name, Pinyin: name})
	}
	w.alice, w.bob, w.carol = person(w.a, "甲一"), person(w.a, "甲二"), person(w.b, "乙一")
	return w
}

// shownLetter finds the letter under which an option text is shown.
func shownLetter(t *testing.T, q exam.Shown, text string) string {
	for i, o := range q.Options {
		if o == text {
			return string(rune('A' + i))
		}
	}
	t.Fatalf("option %q not shown in %+v", text, q)
	return ""
}

func TestExamEndToEnd(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		alice, bob, carol := e.Account(auth.Member, 0, w.alice), e.Account(auth.Member, 0, w.bob), e.Account(auth.Member, 0, w.carol)

		questions := []map[string]any{
			{"kind": "single", "stem": "党的最高领导机关是", "options": []string{"全国代表大会和中央委员会", "中央政治局", "中央书记处"}, "answer": "A"},
			{"kind": "multi", "stem": "三会一课包括", "options": []string{"支部党员大会", "支委会", "茶话会", "党课"}, "answer": "ABD"},
			{"kind": "judge", "stem": "预备党员的预备期为一年", "answer": "对"},
			{"kind": "fill", "stem": "中国共产党成立于（　）年", "answer": "1921"},
		}
		var ids []int64
		for _, q := range questions {
			q["org_id"], q["tag"], q["difficulty"] = w.root, "党章", 1
			var out struct{ ID int64 }
			city.Expect(201, "POST", "/api/v1/exams/bank/questions", q, &out)
			ids = append(ids, out.ID)
		}
		dup := map[string]any{"org_id": w.root, "kind": "judge", "stem": " 预备党员的预备期为一年。", "answer": "错", "tag": "党章", "difficulty": 2}
		if st := city.Do("POST", "/api/v1/exams/bank/questions", dup, nil); st != 409 || !strings.Contains(city.Body(), "相同题干") {
			t.Fatalf("duplicate stem: %d %s", st, city.Body())
		}
		// A county sees the city's shared bank but cannot edit it.
		var list struct{ Total int }
		if adminA.Do("GET", "/api/v1/exams/bank/questions", nil, &list); list.Total != 4 {
			t.Fatalf("A sees %d shared questions", list.Total)
		}
		adminA.Expect(404, "PUT", fmt.Sprintf("/api/v1/exams/bank/questions/%d", ids[2]), map[string]any{"kind": "judge", "stem": "改", "answer": "错", "tag": "党章", "difficulty": 1, "version": 1}, nil) // A editing the city's question

		opens := w.now.Add(-time.Hour).UnixMilli()
		var ex struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/exams", map[string]any{"org_id": w.root, "mode": "contest", "title": "全市党章知识竞赛", "opens_at": opens,
			"closes_at": w.now.Add(24 * time.Hour).UnixMilli(), "duration_min": 30, "pass_score": 20, "max_attempts": 1, "min_seconds": 2, "score_each": 10, "paper": ids}, &ex)

		var st1 exam.Started
		alice.Expect(200, "POST", fmt.Sprintf("/api/v1/exams/%d/start", ex.ID), nil, &st1)
		var sheet exam.Sheet
		alice.Do("GET", fmt.Sprintf("/api/v1/exams/attempts/%d/sheet", st1.AttemptID), nil, &sheet)
		if len(sheet.Questions) != 4 {
			t.Fatalf("sheet %s", alice.Body())
		}
		answer := func(c *apptest.Client, attempt int64, device string, body map[string]any) (int, string) {
			req, _ := http.NewRequest("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/answers", attempt), jsonBody(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(exam.DeviceHeader, device)
			st := c.Send(req, nil)
			return st, c.Body()
		}
		answers := func() int {
			var n int
			e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM exam_answers").Scan(&n)
			return n
		}
		single, multi := sheet.Questions[0], sheet.Questions[1]
		w.now = w.now.Add(3 * time.Second)
		if st, body := answer(alice, st1.AttemptID, st1.DeviceToken, map[string]any{"question_id": single.ID, "answer": shownLetter(t, single, "全国代表大会和中央委员会")}); st != 200 {
			t.Fatalf("answer: %d %s", st, body)
		}
		// A retry of the same answer is acknowledged and counted once.
		if st, body := answer(alice, st1.AttemptID, st1.DeviceToken, map[string]any{"question_id": single.ID, "answer": "B"}); st != 200 || !strings.Contains(body, `"duplicate":true`) {
			t.Fatalf("retry: %d %s", st, body)
		}
		// Too fast: the minimum time per question.
		w.now = w.now.Add(time.Second)
		if st, body := answer(alice, st1.AttemptID, st1.DeviceToken, map[string]any{"question_id": multi.ID, "answer": "A"}); st != 422 || !strings.Contains(body, "答得太快") {
			t.Fatalf("too fast: %d %s", st, body)
		}
		w.now = w.now.Add(5 * time.Second)
		// Someone else's attempt is not found; a forged device token is refused.
		if st, _ := answer(bob, st1.AttemptID, st1.DeviceToken, map[string]any{"question_id": multi.ID, "answer": "A"}); st != 404 {
			t.Fatalf("bob answering alice's attempt: %d", st)
		}
		if st, body := answer(alice, st1.AttemptID, "other-device", map[string]any{"question_id": multi.ID, "answer": "A"}); st != 409 || !strings.Contains(body, "其他设备") {
			t.Fatalf("other device: %d %s", st, body)
		}
		if st, body := answer(alice, st1.AttemptID, st1.DeviceToken, map[string]any{"question_id": 999999, "answer": "A"}); st != 400 || !strings.Contains(body, "不属于本次作答") {
			t.Fatalf("foreign question: %d %s", st, body)
		}
		if answers() != 1 {
			t.Fatalf("refused answers were stored: %d", answers())
		}
		// Resuming on a second device voids the first device's token.
		var st2 exam.Started
		alice.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", ex.ID), nil, &st2)
		if !st2.Resumed || st2.AttemptID != st1.AttemptID {
			t.Fatalf("resume: %+v", st2)
		}
		if st, _ := answer(alice, st1.AttemptID, st1.DeviceToken, map[string]any{"question_id": multi.ID, "answer": "A"}); st != 409 {
			t.Fatalf("old device after takeover: %d", st)
		}
		var letters string
		for _, o := range []string{"支部党员大会", "支委会", "党课"} {
			letters += shownLetter(t, multi, o)
		}
		if st, body := answer(alice, st1.AttemptID, st2.DeviceToken, map[string]any{"question_id": multi.ID, "answer": letters}); st != 200 {
			t.Fatalf("multi: %d %s", st, body)
		}
		var res exam.Result
		if st := alice.Do("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/submit", st1.AttemptID), nil, &res); st != 200 || res.Score != 20 || res.Correct != 2 || res.Total != 40 {
			t.Fatalf("submit: %d %s", st, alice.Body())
		}
		w.now = w.now.Add(5 * time.Second)
		if st, body := answer(alice, st1.AttemptID, st2.DeviceToken, map[string]any{"question_id": sheet.Questions[2].ID, "answer": "对"}); st != 409 || !strings.Contains(body, "已交卷") {
			t.Fatalf("answer after submit: %d %s", st, body)
		}
		if st := alice.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", ex.ID), nil, nil); st != 422 || !strings.Contains(alice.Body(), "次数已用完") {
			t.Fatalf("second attempt: %d %s", st, alice.Body())
		}

		// Bob: the deadline is the server's. 31 minutes later nothing is accepted.
		var sb exam.Started
		bob.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", ex.ID), nil, &sb)
		var bs exam.Sheet
		bob.Do("GET", fmt.Sprintf("/api/v1/exams/attempts/%d/sheet", sb.AttemptID), nil, &bs)
		w.now = w.now.Add(10 * time.Second)
		for _, q := range bs.Questions {
			if q.Kind == exam.Judge {
				answer(bob, sb.AttemptID, sb.DeviceToken, map[string]any{"question_id": q.ID, "answer": "对"})
			}
		}
		w.now = w.now.Add(31 * time.Minute)
		before := answers()
		for _, q := range bs.Questions {
			if q.Kind == exam.Fill {
				if st, body := answer(bob, sb.AttemptID, sb.DeviceToken, map[string]any{"question_id": q.ID, "blanks": []string{"1921"}}); st != 422 || !strings.Contains(body, "作答时间已到") {
					t.Fatalf("after the deadline: %d %s", st, body)
				}
			}
		}
		if answers() != before {
			t.Fatal("a late answer was stored")
		}
		// Carol (B) takes part too with the same score as Bob but more time.
		var sc exam.Started
		carol.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", ex.ID), nil, &sc)
		var cs exam.Sheet
		carol.Do("GET", fmt.Sprintf("/api/v1/exams/attempts/%d/sheet", sc.AttemptID), nil, &cs)
		w.now = w.now.Add(20 * time.Second)
		for _, q := range cs.Questions {
			if q.Kind == exam.Judge {
				answer(carol, sc.AttemptID, sc.DeviceToken, map[string]any{"question_id": q.ID, "answer": "√"})
			}
		}

		var board exam.Board
		carol.Expect(200, "GET", fmt.Sprintf("/api/v1/exams/%d/leaderboard", ex.ID), nil, &board)
		got := []string{}
		for _, en := range board.Individuals {
			got = append(got, fmt.Sprintf("%d:%s:%d", en.Rank, en.Name, en.Score))
		}
		if strings.Join(got, ",") != "1:甲一:20,2:甲二:10,3:乙一:10" {
			t.Fatalf("individual board %v", got)
		}
		if board.ByAverage[0].Name != "甲分局党委" || board.ByAverage[0].AverageScore != 15 || board.ByParticipation[0].Participation != 1 {
			t.Fatalf("unit boards %+v %+v", board.ByAverage, board.ByParticipation)
		}
		// The phone pages: Carol submits through them and sees her result.
		for _, path := range []string{"/m/exams", fmt.Sprintf("/exams/%d/board", ex.ID), fmt.Sprintf("/m/attempts/%d", sc.AttemptID)} {
			carol.Expect(200, "GET", path, nil, nil)
		}
		if st := carol.Form(fmt.Sprintf("/m/attempts/%d/submit", sc.AttemptID), nil); st != 200 || !strings.Contains(carol.Body(), `id="result"`) {
			t.Fatalf("submit page: %d %s", st, carol.Body())
		}
		var stats struct{ Items []exam.QuestionStat }
		city.Do("GET", fmt.Sprintf("/api/v1/exams/%d/stats", ex.ID), nil, &stats)
		if len(stats.Items) != 3 {
			t.Fatalf("stats %s", city.Body())
		}
		adminA.Expect(404, "GET", fmt.Sprintf("/api/v1/exams/%d/stats", ex.ID), nil, nil) // A reading the city's statistics
		if st := city.Do("GET", fmt.Sprintf("/exams/%d/stats", ex.ID), nil, nil); st != 200 || !strings.Contains(city.Body(), "三会一课包括") || !strings.Contains(city.Body(), "%</td>") {
			t.Fatalf("statistics page: %d", st)
		}
	})
}

func TestImportReportsRowsAndChangesNothing(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		upload := func(rows [][]any) (int, string) {
			f := excelize.NewFile()
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				f.SetSheetRow("Sheet1", cell, &r)
			}
			var x bytes.Buffer
			f.WriteTo(&x)
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("org_id", fmt.Sprint(w.a))
			fw, _ := mw.CreateFormFile("file", "bank.xlsx")
			fw.Write(x.Bytes())
			mw.Close()
			req, _ := http.NewRequest("POST", "/api/v1/exams/bank/import", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			st := adminA.Send(req, nil)
			return st, adminA.Body()
		}
		head := []any{"题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H", "答案", "标签", "难度", "解析"}
		good := []any{"判断题", "党员必须履行党员义务", "", "", "", "", "", "", "", "", "对", "党章", "易", ""}
		bad := []any{"单选题", "缺少选项的题", "甲", "", "", "", "", "", "", "", "A", "党章", "易", ""}
		st, body := upload([][]any{head, good, bad})
		if st != 422 || !strings.Contains(body, `"row":3`) || !strings.Contains(body, "2 至 8 个选项") {
			t.Fatalf("bad row: %d %s", st, body)
		}
		var n int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM exam_questions").Scan(&n)
		if n != 0 {
			t.Fatal("a refused import stored questions")
		}
		if st, body := upload([][]any{head, good}); st != 200 || !strings.Contains(body, `"imported":1`) {
			t.Fatalf("good import: %d %s", st, body)
		}
		if st, body := upload([][]any{head, good}); st != 422 || !strings.Contains(body, "题库中已有") {
			t.Fatalf("re-import: %d %s", st, body)
		}
	})
}

func jsonBody(v any) *bytes.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}
