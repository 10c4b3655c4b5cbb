package task_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

type roundErr struct {
	Error struct{ Code, Message, Field string }
}

// Rounds end to end: a quarterly item done unevenly by three branches; a
// first-quarter round closed, a judged second-quarter round compared with
// it, judging and publishing under their rules, history that later work
// does not change, and what a branch sees.
func TestRoundFlow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		ctx := context.Background()
		item := b.item(t, b.rootAdm, b.root, map[string]any{"recurrence": "quarterly", "due_on": ""})
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"target": "branches", "confirm": true}, nil); st != 201 {
			t.Fatal(b.rootAdm.Body())
		}
		done := func(org int64, period, on string) {
			if _, err := e.DB.ExecContext(ctx, "UPDATE task_copies SET status = 'done', done_on = ? WHERE item_id = ? AND org_id = ? AND period = ?", on, item, org, period); err != nil {
				t.Fatal(err)
			}
		}
		done(b.a1, "2026-Q1", "2026-03-20")
		done(b.a2, "2026-Q1", "2026-04-05") // late: not done as of 03-31
		done(b.a2, "2026-Q2", "2026-06-01")
		done(b.b1, "2026-Q2", "2026-06-30")
		pid := e.Person(dbtestPerson(b.a1, "甲一书记"))
		if _, err := e.DB.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?, ?, '书记', '2025-01-01', 0)", b.a1, pid); err != nil {
			t.Fatal(err)
		}
		e.App.Now = func() time.Time { return time.Date(2026, 7, 10, 2, 0, 0, 0, time.UTC) }

		var eb roundErr
		for _, c := range []struct {
			body   map[string]any
			status int
			field  string
		}{
			{map[string]any{"org_id": b.root, "year": 2026, "period": "Q3"}, 422, "period"},
			{map[string]any{"org_id": b.root, "year": 2026, "period": "Q5"}, 400, "period"},
			{map[string]any{"org_id": b.root, "year": 2027, "period": "Q1"}, 400, "year"},
			{map[string]any{"org_id": b.root, "year": 2026, "period": "Q1", "judged": true, "judge_weight": 0}, 400, "judge_weight"},
			{map[string]any{"org_id": b.root, "year": 2026, "period": "Q1", "kind": "groups"}, 400, "kind"},
		} {
			if st := b.rootAdm.Do("POST", "/api/v1/arena-rounds", c.body, &eb); st != c.status || eb.Error.Field != c.field {
				t.Errorf("%v: %d %+v", c.body, st, eb)
			}
		}
		if st := b.aAdm.Do("POST", "/api/v1/arena-rounds", map[string]any{"org_id": b.root, "year": 2026, "period": "Q1"}, nil); st != 404 {
			t.Fatalf("A organising at the root: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM task_rounds"); n != 0 {
			t.Fatalf("refusals made %d rounds", n)
		}

		// Q1 as of 03-31: a1 100; a2 (late) and b1 0, tied second.
		var q1 task.Round
		if st := b.rootAdm.Do("POST", "/api/v1/arena-rounds", map[string]any{"org_id": b.root, "year": 2026, "period": "Q1"}, &q1); st != 201 {
			t.Fatal(b.rootAdm.Body())
		}
		if st := b.rootAdm.Do("POST", "/api/v1/arena-rounds", map[string]any{"org_id": b.root, "year": 2026, "period": "Q1"}, nil); st != 409 {
			t.Fatalf("the same round twice: %d", st)
		}
		board := func(c *apptest.Client, id int64) task.Leaderboard {
			t.Helper()
			var lb task.Leaderboard
			if st := c.Do("GET", fmt.Sprintf("/api/v1/arena-rounds/%d", id), nil, &lb); st != 200 {
				t.Fatalf("board %d: %d %s", id, st, c.Body())
			}
			return lb
		}
		places := func(lb task.Leaderboard) string {
			var out []string
			for _, s := range lb.Items {
				out = append(out, fmt.Sprintf("%d:%d:%.1f:%s", s.OrgID, s.Rank, s.Final, s.Arrow()))
			}
			return strings.Join(out, " ")
		}
		lb := board(b.rootAdm, q1.ID)
		if want := fmt.Sprintf("%d:1:100.0:— %d:2:0.0:— %d:2:0.0:—", b.a1, b.a2, b.b1); places(lb) != want || lb.Items[0].Secretary != "甲一书记" {
			t.Fatalf("Q1: %s, want %s; %+v", places(lb), want, lb.Items[0])
		}
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/arena-rounds/%d/marks", q1.ID), map[string]any{"marks": []map[string]any{{"org_id": b.a1, "score": 90}}}, &eb); st != 422 {
			t.Fatalf("marks in an unjudged round: %d", st)
		}
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/arena-rounds/%d/close", q1.ID), map[string]any{"version": q1.Version}, &q1); st != 200 || q1.State != task.RoundClosed {
			t.Fatal(b.rootAdm.Body())
		}

		// Q2, judged at 40 %: tasks a1 0, a2 100, b1 100; marks a1 90, a2 60,
		// b1 80 → finals 36, 84, 92: b1 first (↑1 from second), a2 second
		// (unchanged), a1 third (↓2).
		var q2 task.Round
		if st := b.rootAdm.Do("POST", "/api/v1/arena-rounds", map[string]any{"org_id": b.root, "year": 2026, "period": "Q2", "judged": true, "judge_weight": 40}, &q2); st != 201 || q2.PrevRoundID != q1.ID {
			t.Fatalf("Q2: %d %+v", st, q2)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.round' AND done_at IS NULL"); n != 1 {
			t.Fatalf("%d judging 待办", n)
		}
		mark := func(v int, marks ...map[string]any) int {
			return b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/arena-rounds/%d/marks", q2.ID), map[string]any{"marks": marks, "version": v}, &eb)
		}
		if st := mark(0, map[string]any{"org_id": b.a1, "score": 101}); st != 400 || eb.Error.Field != "marks[0]" {
			t.Fatalf("mark over 100: %d %+v", st, eb)
		}
		if st := mark(0, map[string]any{"org_id": b.a, "score": 80}); st != 422 {
			t.Fatalf("marking a non-contestant: %d %+v", st, eb)
		}
		if st := mark(0, map[string]any{"org_id": b.a1, "score": 80}, map[string]any{"org_id": b.a1, "score": 70}); st != 400 {
			t.Fatalf("the same contestant twice: %d", st)
		}
		if st := mark(9, map[string]any{"org_id": b.a1, "score": 80}); st != 409 {
			t.Fatalf("a stale version: %d", st)
		}
		if st := mark(0, map[string]any{"org_id": b.a1, "score": 90}); st != 200 {
			t.Fatal(b.rootAdm.Body())
		}
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/arena-rounds/%d/close", q2.ID), map[string]any{}, &eb); st != 422 || eb.Error.Code != "unjudged" {
			t.Fatalf("close with marks missing: %d %+v", st, eb)
		}
		if st := mark(0, map[string]any{"org_id": b.a2, "score": 60}, map[string]any{"org_id": b.b1, "score": 80, "comment": "成效明显"}); st != 200 {
			t.Fatal(b.rootAdm.Body())
		}
		lb = board(b.rootAdm, q2.ID)
		if want := fmt.Sprintf("%d:1:92.0:↑ %d:2:84.0:— %d:3:36.0:↓", b.b1, b.a2, b.a1); places(lb) != want {
			t.Fatalf("Q2: %s, want %s", places(lb), want)
		}
		if s := lb.Items[2]; s.ScoreDiff != -64 || s.ScoreArrow() != "↓" || s.Abs() != 2 || lb.MyMarks[b.b1].Comment != "成效明显" {
			t.Fatalf("a1's progress: %+v, my marks %+v", s, lb.MyMarks)
		}
		if len(lb.Top) != 3 || len(lb.Bottom) != 0 {
			t.Fatalf("podium of three: top %d, bottom %d", len(lb.Top), len(lb.Bottom))
		}
		if st := b.rootAdm.Do("GET", fmt.Sprintf("/tasks/rounds/%d/certificates", q2.ID), nil, nil); st != 200 || !strings.Contains(b.rootAdm.Body(), "结果发布后") {
			t.Fatalf("certificates before publishing: %d", st)
		}
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/arena-rounds/%d/close", q2.ID), map[string]any{}, &q2); st != 200 {
			t.Fatal(b.rootAdm.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'task.round' AND done_at IS NULL"); n != 0 {
			t.Fatalf("%d judging 待办 after publishing", n)
		}

		// Published: nothing changes it, not even work recorded later.
		done(b.a1, "2026-Q2", "2026-06-15")
		for _, path := range []string{"recompute", "close"} {
			if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/arena-rounds/%d/%s", q2.ID, path), map[string]any{}, nil); st != 409 {
				t.Errorf("%s after publishing: %d", path, st)
			}
		}
		if st := mark(0, map[string]any{"org_id": b.a1, "score": 100}); st != 409 {
			t.Fatalf("marks after publishing: %d", st)
		}
		if got := places(board(b.rootAdm, q2.ID)); got != fmt.Sprintf("%d:1:92.0:↑ %d:2:84.0:— %d:3:36.0:↓", b.b1, b.a2, b.a1) {
			t.Fatalf("history changed: %s", got)
		}

		// A branch sees its own place among all; nothing of the others.
		mine := board(b.a1Adm, q2.ID)
		if mine.Whole || mine.Total != 3 || len(mine.Items) != 1 || mine.Items[0].OrgID != b.a1 || mine.Top != nil {
			t.Fatalf("a1's view: %+v", mine)
		}
		if st := b.a1Adm.Do("GET", fmt.Sprintf("/tasks/rounds/%d", q2.ID), nil, nil); st != 200 || strings.Contains(b.a1Adm.Body(), "乙分局一所") {
			t.Fatalf("a1's page shows another branch: %d", st)
		}
		if st := b.rootAdm.Do("GET", fmt.Sprintf("/tasks/rounds/%d/certificates", q2.ID), nil, nil); st != 200 ||
			strings.Count(b.rootAdm.Body(), "荣誉证书") != 3 || !strings.Contains(b.rootAdm.Body(), "乙分局一所党支部") {
			t.Fatalf("certificates: %d", st)
		}
		if st := b.rootAdm.Do("GET", fmt.Sprintf("/tasks/rounds/%d/export", q2.ID), nil, nil); st != 200 {
			t.Fatalf("export: %d", st)
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(b.rootAdm.Last)); err != nil {
			t.Fatal(err)
		}
		var list struct {
			Total int
			Items []task.Round
		}
		if st := b.a2Adm.Do("GET", "/api/v1/arena-rounds?year=2026", nil, &list); st != 200 || list.Total != 2 {
			t.Fatalf("a2's rounds: %d %+v", st, list)
		}
		if st := b.rootAdm.Do("GET", fmt.Sprintf("/tasks/rounds/%d", q2.ID), nil, nil); st != 200 || !strings.Contains(b.rootAdm.Body(), "↑") {
			t.Fatalf("round page: %d", st)
		}
	})
}

func dbtestPerson(org int64, name string) dbtest.Person {
	return dbtest.Person{Org: org, Name: name, JoinDate: "2010-01-01", FullDate: "2011-01-01"}
}
