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

// The boards name units briefly, leave out units without members and show
// the time used; once a contest has closed, the member's list says so and
// shows their result instead of a start button.
func TestBoardsAndClosedContestPages(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		e.Exec("UPDATE orgs SET name = '中共西安市公安局甲分局委员会' WHERE id = ?", w.a)
		e.Org(w.root, "安保临时党支部", "temporary") // a unit without members
		city := e.Account(auth.OrgAdmin, w.root, 0)
		alice, carol := e.Account(auth.Member, 0, w.alice), e.Account(auth.Member, 0, w.carol)

		var ids []int64
		for _, stem := range []string{"预备党员的预备期为一年", "党员有权参加党的有关会议"} {
			var q struct{ ID int64 }
			city.Expect(201, "POST", "/api/v1/exams/bank/questions", map[string]any{"org_id": w.root, "kind": "judge", "stem": stem, "answer": "对",
				"tag": "党章", "difficulty": 1}, &q)
			ids = append(ids, q.ID)
		}
		var ex struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/exams", map[string]any{"org_id": w.root, "mode": "contest", "title": "党章知识竞赛", "opens_at": w.now.Add(-time.Hour).UnixMilli(),
			"closes_at": w.now.Add(time.Hour).UnixMilli(), "duration_min": 30, "max_attempts": 1, "score_each": 10, "paper": ids}, &ex)
		var started exam.Started
		alice.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", ex.ID), nil, &started)
		w.now = w.now.Add(95 * time.Second)
		req, _ := http.NewRequest("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/answers", started.AttemptID), jsonBody(map[string]any{"question_id": ids[0], "answer": "对"}))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(exam.DeviceHeader, started.DeviceToken)
		if st := alice.Send(req, nil); st != 200 {
			t.Fatalf("answer: %d %s", st, alice.Body())
		}
		alice.Do("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/submit", started.AttemptID), nil, nil)

		var board exam.Board
		city.Do("GET", fmt.Sprintf("/api/v1/exams/%d/leaderboard", ex.ID), nil, &board)
		var units []string
		for _, u := range board.ByParticipation {
			units = append(units, u.Name)
		}
		if strings.Join(units, ",") != "甲分局,乙分局党委" || board.Individuals[0].Unit != "甲分局" || board.Individuals[0].UsedMs != 95000 {
			t.Fatalf("boards: units %v, individuals %+v", units, board.Individuals)
		}
		if st := city.Do("GET", fmt.Sprintf("/exams/%d/board", ex.ID), nil, nil); st != 200 || !strings.Contains(city.Body(), "<th class=\"num\" title=\"同分时用时少者在前\">用时</th>") ||
			!strings.Contains(city.Body(), "1分35秒") || strings.Contains(city.Body(), "安保临时党支部") {
			t.Fatalf("board page: %d %s", st, city.Body())
		}

		open := fmt.Sprintf(`id="start-%d"`, ex.ID)
		if alice.Do("GET", "/m/exams", nil, nil); !strings.Contains(alice.Body(), open) || !strings.Contains(alice.Body(), "我的最好成绩 10 / 20 分") {
			t.Fatalf("open contest: %s", alice.Body())
		}
		w.now = w.now.Add(2 * time.Hour)
		ended := fmt.Sprintf(`id="ended-%d"`, ex.ID)
		if alice.Do("GET", "/m/exams", nil, nil); strings.Contains(alice.Body(), open) || !strings.Contains(alice.Body(), ended) || !strings.Contains(alice.Body(), "我的最好成绩 10 / 20 分") {
			t.Fatalf("closed contest, alice: %s", alice.Body())
		}
		if carol.Do("GET", "/m/exams", nil, nil); strings.Contains(carol.Body(), open) || !strings.Contains(carol.Body(), ended) || !strings.Contains(carol.Body(), "未参加") {
			t.Fatalf("closed contest, carol: %s", carol.Body())
		}
	})
}

func TestUsed(t *testing.T) {
	t.Parallel()
	for ms, want := range map[int64]string{0: "0秒", 48_400: "48秒", 95_000: "1分35秒", 3_725_000: "62分05秒"} {
		if got := exam.Used(ms); got != want {
			t.Errorf("Used(%d) = %q, want %q", ms, got, want)
		}
	}
}
