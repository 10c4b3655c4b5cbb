package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// Two instances on one database serve one attempt together: it is started
// on one, answered on both, taken over on the other and handed in on the
// first; repeats and a second hand-in change nothing, and nothing either
// instance remembers lets a stale device, a too-fast or a late answer in.
// On PostgreSQL the instances have pools of their own, as two servers
// would; on SQLite they share the file's one writer.
func TestAttemptAcrossInstances(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		d := dbtest.SQLite(t)
		attemptAcrossInstances(t, apptest.Start(t, d), apptest.Start(t, d))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := dbtest.PostgresDSN(t)
		open := func() *db.DB {
			d, err := db.Open(context.Background(), dsn, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			if err := d.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			return d
		}
		// apptest gives every instance the same keys, as HONGDUN_KEY would.
		attemptAcrossInstances(t, apptest.Start(t, open()), apptest.Start(t, open()))
	})
}

func attemptAcrossInstances(t *testing.T, one, two *apptest.Env) {
	w := newWorld(t, one)
	two.App.Now = one.App.Now
	city := one.Account(auth.OrgAdmin, w.root, 0)
	var ids []int64
	for i, answer := range []string{"对", "错", "对", "对"} {
		var out struct{ ID int64 }
		q := map[string]any{"org_id": w.root, "kind": "judge", "stem": fmt.Sprintf("判断题%d", i+1), "answer": answer, "tag": "党章", "difficulty": 1}
		city.Expect(201, "POST", "/api/v1/exams/bank/questions", q, &out)
		ids = append(ids, out.ID)
	}
	newExam := func(body map[string]any) int64 {
		base := map[string]any{"org_id": w.root, "opens_at": w.now.Add(-time.Hour).UnixMilli(), "closes_at": w.now.Add(24 * time.Hour).UnixMilli(),
			"duration_min": 30, "pass_score": 0, "max_attempts": 1, "score_each": 10, "paper": ids}
		for k, v := range body {
			base[k] = v
		}
		var ex struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/exams", base, &ex)
		return ex.ID
	}
	contest := newExam(map[string]any{"mode": "contest", "title": "两台服务器上的竞赛", "min_seconds": 2})

	// The same member's session on each instance.
	on := func(c *apptest.Client, e *apptest.Env) *apptest.Client {
		o := e.Anonymous()
		o.Token = c.Token
		return o
	}
	alice1 := one.Account(auth.Member, 0, w.alice)
	alice2 := on(alice1, two)
	answer := func(c *apptest.Client, attempt int64, device string, q int64, ans string) (int, exam.Recorded) {
		t.Helper()
		req, _ := http.NewRequest("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/answers", attempt), jsonBody(map[string]any{"question_id": q, "answer": ans}))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(exam.DeviceHeader, device)
		var rec exam.Recorded
		return c.Send(req, &rec), rec
	}
	tick := func() { w.now = w.now.Add(3 * time.Second) }

	var st exam.Started
	if code := alice1.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", contest), nil, &st); code != 200 {
		t.Fatalf("start on one: %d %s", code, alice1.Body())
	}
	var sheet exam.Sheet
	if code := alice2.Do("GET", fmt.Sprintf("/api/v1/exams/attempts/%d/sheet", st.AttemptID), nil, &sheet); code != 200 || len(sheet.Questions) != 4 {
		t.Fatalf("sheet on two: %d %s", code, alice2.Body())
	}
	tick()
	if code, rec := answer(alice2, st.AttemptID, st.DeviceToken, ids[0], "对"); code != 200 || rec.Duplicate || rec.Points != 10 {
		t.Fatalf("answer on two: %d %s", code, alice2.Body())
	}
	// One knows of two's answer: a retry is a repeat (not too fast), a
	// new answer right after it is too fast.
	if code, rec := answer(alice1, st.AttemptID, st.DeviceToken, ids[0], "错"); code != 200 || !rec.Duplicate || rec.Points != 10 {
		t.Fatalf("retry on one: %d %s", code, alice1.Body())
	}
	if code, _ := answer(alice1, st.AttemptID, st.DeviceToken, ids[1], "对"); code != 422 || !strings.Contains(alice1.Body(), "答得太快") {
		t.Fatalf("too fast on one after an answer on two: %d %s", code, alice1.Body())
	}
	tick()
	if code, rec := answer(alice1, st.AttemptID, st.DeviceToken, ids[1], "对"); code != 200 || rec.Points != 10 {
		t.Fatalf("wrong answer on one: %d %s", code, alice1.Body())
	}
	// A takeover through two voids the first device on one as well.
	var st2 exam.Started
	if code := alice2.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", contest), nil, &st2); code != 200 || !st2.Resumed || st2.AttemptID != st.AttemptID {
		t.Fatalf("resume on two: %d %+v", code, st2)
	}
	tick()
	if code, _ := answer(alice1, st.AttemptID, st.DeviceToken, ids[2], "对"); code != 409 || !strings.Contains(alice1.Body(), "其他设备") {
		t.Fatalf("old device on one after a takeover on two: %d %s", code, alice1.Body())
	}
	if code, rec := answer(alice1, st.AttemptID, st2.DeviceToken, ids[2], "对"); code != 200 || rec.Points != 20 {
		t.Fatalf("new device on one: %d %s", code, alice1.Body())
	}
	// The same answer sent eight times at once through both instances is
	// stored once.
	tick()
	var wg sync.WaitGroup
	recs := make([]exam.Recorded, 8)
	codes := make([]int, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := on(alice1, []*apptest.Env{one, two}[i%2])
			codes[i], recs[i] = answer(c, st.AttemptID, st2.DeviceToken, ids[3], "对")
		}()
	}
	wg.Wait()
	firsts := 0
	for i := range 8 {
		if codes[i] != 200 || recs[i].Points != 30 {
			t.Fatalf("concurrent copy %d: %d %+v", i, codes[i], recs[i])
		}
		if !recs[i].Duplicate {
			firsts++
		}
	}
	if firsts != 1 {
		t.Fatalf("%d of 8 copies recorded as new", firsts)
	}

	// Hand in on one; again on two and on one: the same result.
	type summary struct {
		AttemptID                              int64
		Score, Total, Correct, Questions, Rank int
		Mode                                   exam.Mode
	}
	want := summary{AttemptID: st.AttemptID, Score: 30, Total: 40, Correct: 3, Questions: 4, Rank: 1, Mode: exam.ModeContest}
	for i, c := range []*apptest.Client{alice1, alice2, alice1} {
		var res exam.Result
		code := c.Do("POST", fmt.Sprintf("/api/v1/exams/attempts/%d/submit", st.AttemptID), nil, &res)
		if code != 200 || res.Rank == nil || (summary{res.AttemptID, res.Score, res.Total, res.Correct, res.Questions, res.Rank.Rank, res.Mode}) != want {
			t.Fatalf("submit %d: %d %s", i+1, code, c.Body())
		}
	}
	// Two answered before the hand-in, so it has the attempt cached; the
	// database tells it that the attempt is handed in.
	if code, _ := answer(alice2, st.AttemptID, st2.DeviceToken, ids[1], "错"); code != 409 || !strings.Contains(alice2.Body(), "已交卷") {
		t.Fatalf("answer on two after a hand-in on one: %d %s", code, alice2.Body())
	}
	if n := one.Count("SELECT COUNT(*) FROM exam_answers WHERE attempt_id = ?", st.AttemptID); n != 4 {
		t.Fatalf("%d answers stored, want 4", n)
	}
	var answered, correct, score int
	one.DB.QueryRowContext(context.Background(), "SELECT answered, correct, score FROM exam_attempts WHERE id = ?", st.AttemptID).Scan(&answered, &correct, &score)
	if answered != 4 || correct != 3 || score != 30 {
		t.Fatalf("counters %d/%d/%d, want 4/3/30", answered, correct, score)
	}
	if n := one.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.submit' AND object_id = ?", fmt.Sprint(st.AttemptID)); n != 1 {
		t.Fatalf("%d hand-ins recorded, want 1", n)
	}

	// A daily challenge's cap counts the points earned through either instance.
	daily := newExam(map[string]any{"mode": "daily", "title": "每日答题", "daily_cap": 15, "max_attempts": 3})
	bob1 := one.Account(auth.Member, 0, w.bob)
	bob2 := on(bob1, two)
	var sd exam.Started
	if code := bob2.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", daily), nil, &sd); code != 200 {
		t.Fatalf("daily start on two: %d %s", code, bob2.Body())
	}
	for i, step := range []struct {
		c      *apptest.Client
		q      int64
		ans    string
		points int
	}{{bob1, ids[0], "对", 10}, {bob2, ids[2], "对", 15}, {bob1, ids[3], "对", 15}} {
		if code, rec := answer(step.c, sd.AttemptID, sd.DeviceToken, step.q, step.ans); code != 200 || rec.Points != step.points {
			t.Fatalf("daily answer %d: %d %s", i+1, code, step.c.Body())
		}
	}

	// An edit of a question on one reaches two's grading: two graded the
	// question above, so it has it cached.
	var q exam.Question
	city.Do("GET", fmt.Sprintf("/api/v1/exams/bank/questions/%d", ids[0]), nil, &q)
	edit := map[string]any{"kind": "judge", "stem": q.Stem, "answer": "错", "tag": "党章", "difficulty": 1, "version": q.Version}
	if code := city.Do("PUT", fmt.Sprintf("/api/v1/exams/bank/questions/%d", ids[0]), edit, nil); code != 200 {
		t.Fatalf("edit on one: %d %s", code, city.Body())
	}
	carol1 := one.Account(auth.Member, 0, w.carol)
	carol2 := on(carol1, two)
	var sc exam.Started
	if code := carol1.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", contest), nil, &sc); code != 200 {
		t.Fatalf("carol start: %d %s", code, carol1.Body())
	}
	w.now = w.now.Add(time.Minute)
	if code, rec := answer(carol2, sc.AttemptID, sc.DeviceToken, ids[0], "错"); code != 200 || rec.Points != 10 {
		t.Fatalf("graded on two with the question as it was before the edit on one: %d %s", code, carol2.Body())
	}
}
