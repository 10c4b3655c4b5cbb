package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
)

// A 党员 reading a board sees their own result and rank; of an exam nothing
// else, of a contest the board without person ids; and no one gets more
// than exam.MaxTop people however large a top they ask for.
func TestBoardsAsMember(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		leader := e.Account(auth.Leader, w.root, 0)
		alice, bob, carol := e.Account(auth.Member, 0, w.alice), e.Account(auth.Member, 0, w.bob), e.Account(auth.Member, 0, w.carol)

		var ids []int64
		for _, stem := range []string{"预备党员的预备期为一年", "党员有权参加党的有关会议"} {
			var q struct{ ID int64 }
			city.Expect(201, "POST", "/api/v1/exams/bank/questions", map[string]any{"org_id": w.root, "kind": "judge", "stem": stem, "answer": "对",
				"tag": "党章", "difficulty": 1}, &q)
			ids = append(ids, q.ID)
		}
		publish := func(mode, title string) int64 {
			var ex struct{ ID int64 }
			city.Expect(201, "POST", "/api/v1/exams", map[string]any{"org_id": w.root, "mode": mode, "title": title, "opens_at": w.now.Add(-time.Hour).UnixMilli(),
				"closes_at": w.now.Add(time.Hour).UnixMilli(), "duration_min": 30, "max_attempts": 1, "pass_score": 10, "score_each": 10, "paper": ids}, &ex)
			return ex.ID
		}
		test, contest := publish("exam", "党章党规考试"), publish("contest", "党章知识竞赛")
		// Alice answers both questions right, Bob one, Carol one more slowly.
		take := func(c *apptest.Client, examID int64, right int, after time.Duration) {
			var st exam.Started
			if code := c.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", examID), nil, &st); code != 200 && code != 201 {
				t.Fatalf("start: %d %s", code, c.Body())
			}
			w.now = w.now.Add(after)
			for i, q := range ids {
				answer := "对"
				if i >= right {
					answer = "错"
				}
				req, _ := http.NewRequest("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/answers", st.AttemptID), jsonBody(map[string]any{"question_id": q, "answer": answer}))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(exam.DeviceHeader, st.DeviceToken)
				if code := c.Send(req, nil); code != 200 {
					t.Fatalf("answer: %d %s", code, c.Body())
				}
			}
			if code := c.Do("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/submit", st.AttemptID), nil, nil); code != 200 {
				t.Fatalf("submit: %d %s", code, c.Body())
			}
		}
		for _, ex := range []int64{test, contest} {
			take(alice, ex, 2, 10*time.Second)
			take(bob, ex, 1, 10*time.Second)
			take(carol, ex, 1, 40*time.Second)
		}

		board := func(c *apptest.Client, examID int64, query string) (exam.Board, string) {
			t.Helper()
			var b exam.Board
			c.Expect(200, "GET", fmt.Sprintf("/api/v1/exams/%d/leaderboard%s", examID, query), nil, &b) // board as
			return b, c.Body()
		}

		// An exam: Bob sees his own result and rank, and no one else's.
		b, raw := board(bob, test, "?top=1000")
		if b.Mine == nil || b.Mine.Rank != 2 || b.Mine.Score != 10 || b.Mine.Name != "甲二" || !b.OwnOnly {
			t.Errorf("bob's own exam result: %+v", b.Mine)
		}
		if len(b.Individuals) != 0 || len(b.ByAverage) != 0 || len(b.ByParticipation) != 0 {
			t.Errorf("bob sees the exam's boards: %s", raw)
		}
		for _, leak := range []string{"甲一", "乙一", "person_id", `"score":20`} {
			if strings.Contains(raw, leak) {
				t.Errorf("bob's exam board holds %s: %s", leak, raw)
			}
		}
		if bob.Do("GET", fmt.Sprintf("/exams/%d/board", test), nil, nil); !strings.Contains(bob.Body(), `id="board-mine"`) || !strings.Contains(bob.Body(), "第 <strong>2</strong> 名") ||
			strings.Contains(bob.Body(), "甲一") || strings.Contains(bob.Body(), "乙一") || strings.Contains(bob.Body(), `id="board-individual"`) {
			t.Errorf("bob's exam board page: %s", bob.Body())
		}

		// A contest: the board, without person ids, and Carol's own line.
		b, raw = board(carol, contest, "")
		got := []string{}
		for _, en := range b.Individuals {
			got = append(got, fmt.Sprintf("%d:%s:%d", en.Rank, en.Name, en.Score))
		}
		if strings.Join(got, ",") != "1:甲一:20,2:甲二:10,3:乙一:10" || strings.Contains(raw, "person_id") {
			t.Errorf("carol's contest board: %s", raw)
		}
		if b.Mine == nil || b.Mine.Rank != 3 || b.Mine.Name != "乙一" || b.OwnOnly || b.Ranked != 3 {
			t.Errorf("carol's own contest line: %+v (ranked %d)", b.Mine, b.Ranked)
		}
		if b.MyUnit == nil || b.MyUnit.Name != "乙分局党委" || b.MyUnit.Rank != 2 {
			t.Errorf("carol's unit on the contest board: %+v", b.MyUnit)
		}
		if carol.Do("GET", fmt.Sprintf("/exams/%d/board", contest), nil, nil); !strings.Contains(carol.Body(), "第 <strong>3</strong> 名（共 3 人）") ||
			!strings.Contains(carol.Body(), `id="board-my-unit"`) {
			t.Errorf("carol's contest board page: %s", carol.Body())
		}

		// The organiser and the 领导 still see the exam's whole board, with ids.
		for _, c := range []*apptest.Client{city, leader} {
			b, raw = board(c, test, "")
			if len(b.Individuals) != 3 || b.Individuals[0].PersonID != w.alice || b.Mine != nil || b.OwnOnly {
				t.Errorf("%s's exam board: %s", c.Username(), raw)
			}
		}

		// top is capped: 130 more people on the contest, asked for all of them.
		for i := 0; i < 130; i++ {
			pid := e.Exec("INSERT INTO persons (org_id, name, pinyin, initials, gender, status, created_at, updated_at) VALUES (?, ?, 'x', 'x', '男', 'full', 0, 0)",
				w.b, fmt.Sprintf("乙%03d", i))
			e.Exec(`INSERT INTO exam_attempts (exam_id, person_id, org_id, day, questions, seed, device_hash, started_at, deadline_at, submitted_at, answered, correct, score, last_answer_at, active)
				VALUES (?, ?, ?, '2026-05-04', '[]', 1, 'x', ?, ?, ?, 1, 0, 0, ?, 0)`, contest, pid, w.b, w.now.UnixMilli(), w.now.UnixMilli()+1, w.now.UnixMilli(), w.now.UnixMilli()+int64(i))
		}
		for _, c := range []struct {
			client *apptest.Client
			query  string
			want   int
		}{
			{carol, "?top=100000", exam.MaxTop},
			{city, "?top=100000", exam.MaxTop},
			{leader, "?top=101", exam.MaxTop},
			{city, "", exam.DefaultTop},
			{city, "?top=-5", exam.DefaultTop},
			{city, "?top=10", 10},
		} {
			if b, _ := board(c.client, contest, c.query); len(b.Individuals) != c.want || b.Ranked != 133 {
				t.Errorf("%s asks %q: %d people of %d, want %d", c.client.Username(), c.query, len(b.Individuals), b.Ranked, c.want)
			}
		}
		// Carol, now ranked below the board's end, still gets her own line.
		if b, _ := board(carol, contest, "?top=2"); b.Mine == nil || b.Mine.Rank != 3 || len(b.Individuals) != 2 {
			t.Errorf("carol beyond the board: %+v, %d shown", b.Mine, len(b.Individuals))
		}
	})
}
