package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/exam"
)

const demoPassword = "Demo-Pass-2026!"

// TestExamSeedDemo seeds the demo bureau's exams: a bank of every tag and
// type whose answers grade as right, an exam dangyuan1 can take, a contest
// open now with a few hundred finished attempts on both leaderboards, a
// daily challenge; consistent counters, idempotent; the pages show
// it.
func TestExamSeedDemo(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.Demo(demo.Options{Seed: 1, Password: demoPassword}, exam.SeedDemo)
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := e.DB.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		attempts, answers := count("SELECT COUNT(*) FROM exam_attempts"), count("SELECT COUNT(*) FROM exam_answers")
		t.Logf("SeedDemo: %d attempts, %d answers", attempts, answers)
		if n := count("SELECT COUNT(*) FROM exam_questions"); n < 60 {
			t.Errorf("%d questions", n)
		}
		for _, tag := range []string{"党章", "准则条例", "党史", "理论", "公安业务"} {
			if n := count("SELECT COUNT(*) FROM exam_questions WHERE tag = ? AND difficulty BETWEEN 1 AND 3", tag); n < 10 {
				t.Errorf("%d %s questions", n, tag)
			}
		}
		for _, kind := range exam.Kinds {
			if n := count("SELECT COUNT(*) FROM exam_questions WHERE kind = ?", kind); n < 8 {
				t.Errorf("%d %s", n, kind.Label())
			}
		}
		// Every stored answer marked right grades as right, and every
		// attempt's counters add up its answers.
		rows, err := e.DB.QueryContext(ctx, `SELECT q.id, q.kind, q.options, q.answer, an.answer, an.correct FROM exam_answers an JOIN exam_questions q ON q.id = an.question_id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var q exam.Question
			var opts, resp string
			var right int
			rows.Scan(&q.ID, &q.Kind, &opts, &q.Answer, &resp, &right)
			json.Unmarshal([]byte(opts), &q.Options)
			if q.Grade(resp) != (right == 1) {
				t.Errorf("question %d: answer %q marked %d", q.ID, resp, right)
				break
			}
		}
		rows.Close()
		if n := count(`SELECT COUNT(*) FROM exam_attempts a WHERE a.answered <> (SELECT COUNT(*) FROM exam_answers an WHERE an.attempt_id = a.id)
			OR a.score <> (SELECT COALESCE(SUM(score), 0) FROM exam_answers an WHERE an.attempt_id = a.id) OR a.active <> 0 OR a.submitted_at > a.deadline_at`); n != 0 {
			t.Errorf("%d attempts whose counters do not match their answers", n)
		}
		var contest int64
		e.DB.QueryRowContext(ctx, "SELECT id FROM exams WHERE mode = 'contest' AND opens_at < ? AND closes_at > ?", e.App.Now().UnixMilli(), e.App.Now().UnixMilli()).Scan(&contest)
		if n := count("SELECT COUNT(DISTINCT person_id) FROM exam_attempts WHERE exam_id = ?", contest); n < 200 {
			t.Errorf("%d people in the open contest", n)
		}
		if n := count("SELECT COUNT(DISTINCT score) FROM exam_attempts WHERE exam_id = ?", contest); n < 8 {
			t.Errorf("%d distinct scores in the contest", n)
		}

		// The leaderboards, as the 市局 sees them.
		shiju := e.Login("shiju", demoPassword)
		var board exam.Board
		shiju.Expect(200, "GET", fmt.Sprintf("/api/v1/exams/%d/leaderboard", contest), nil, &board)
		if len(board.Individuals) < 50 || board.Individuals[0].Score <= board.Individuals[49].Score && board.Individuals[0].UsedMs >= board.Individuals[49].UsedMs {
			t.Errorf("individual board: %d entries", len(board.Individuals))
		}
		active := 0
		for _, u := range board.ByAverage {
			if u.Participants > 0 && strings.Contains(u.Name, "分局") {
				active++
			}
		}
		if active < 8 {
			t.Errorf("%d 分局 on the unit board", active)
		}

		// Idempotent.
		if err := exam.SeedDemo(ctx, e.App.Deps); err != nil || count("SELECT COUNT(*) FROM exam_attempts") != attempts {
			t.Fatalf("second SeedDemo: %v", err)
		}

		// dangyuan1 sees every exam open and starts the monthly test, the contest and today's challenge.
		member := e.Login("dangyuan1", demoPassword)
		var list struct{ Items []exam.Exam }
		if st := member.Do("GET", "/api/v1/exams", nil, &list); st != 200 || len(list.Items) < 4 {
			t.Fatalf("dangyuan1's exams: %d, %d", st, len(list.Items))
		}
		for _, x := range list.Items {
			if !x.Open(e.App.Now()) {
				continue
			}
			if st := member.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", x.ID), nil, nil); st != 200 {
				t.Errorf("dangyuan1 starts %s: %d %s", x.Title, st, member.Body())
			}
		}

		for path, want := range map[string]string{"/exams": "知识竞赛", fmt.Sprintf("/exams/%d/board", contest): "分局",
			"/exams/bank": "党章", fmt.Sprintf("/exams/%d/stats", contest): "错误率"} {
			if st := shiju.Do("GET", path, nil, nil); st != 200 || !strings.Contains(shiju.Body(), want) {
				t.Errorf("GET %s: %d, want %q", path, st, want)
			}
		}
		if st := member.Do("GET", "/m/exams", nil, nil); st != 200 || !strings.Contains(member.Body(), "每日一练") {
			t.Errorf("GET /m/exams: %d", st)
		}
	})
}
