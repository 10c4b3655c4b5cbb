package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

func TestQuestionForms(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		city, adminA := e.Account(auth.OrgAdmin, w.root, 0), e.Account(auth.OrgAdmin, w.a, 0)
		org := fmt.Sprint(w.a)
		if st := adminA.Do("GET", "/exams/bank/new", nil, nil); st != 200 || !strings.Contains(adminA.Body(), "甲分局党委") || strings.Contains(adminA.Body(), "乙分局党委") {
			t.Fatalf("new question form: %d", st)
		}
		for _, q := range []url.Values{
			{"kind": {"single"}, "stem": {"党的最高领导机关是"}, "options": {"全国代表大会和中央委员会\n中央政治局\n"}, "answer": {"a"}},
			{"kind": {"multi"}, "stem": {"三会一课包括"}, "options": {"支部党员大会\n支委会\n党课"}, "answer": {"A, C"}},
			{"kind": {"judge"}, "stem": {"预备期为一年"}, "answer": {"对"}},
			{"kind": {"fill"}, "stem": {"中国共产党成立于（　）年"}, "answer": {"1921"}},
		} {
			q.Set("org_id", org)
			q.Set("tag", "党章")
			q.Set("difficulty", "2")
			if st := adminA.PostForm("/exams/bank", q); st != 303 {
				t.Fatalf("%s: %d %s", q.Get("kind"), st, adminA.Body())
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM exam_questions WHERE org_id = ?", w.a); n != 4 {
			t.Fatalf("%d questions stored", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.question.create'"); n != 4 {
			t.Fatalf("%d audit records", n)
		}

		// Bad input is shown again, filled in, with the reason; nothing stored.
		bad := url.Values{"org_id": {org}, "kind": {"single"}, "stem": {"错误答案的题<b>"}, "options": {"甲\n乙"}, "answer": {"Z"}, "tag": {"党章"}, "difficulty": {"1"}}
		if st := adminA.PostForm("/exams/bank", bad); st != 400 || !strings.Contains(adminA.Body(), "不是有效的选项字母") || !strings.Contains(adminA.Body(), "错误答案的题&lt;b&gt;") {
			t.Fatalf("bad answer: %d %s", st, adminA.Body())
		}
		bad.Set("answer", "A")
		bad.Set("kind", "essay")
		if st := adminA.PostForm("/exams/bank", bad); st != 400 || !strings.Contains(adminA.Body(), "题型应为") {
			t.Fatalf("bad kind: %d", st)
		}
		bad.Set("kind", "single")
		bad.Set("org_id", fmt.Sprint(w.b))
		if st := adminA.PostForm("/exams/bank", bad); st != 404 {
			t.Fatalf("another county's bank: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM exam_questions"); n != 4 {
			t.Fatalf("refused forms stored questions: %d", n)
		}

		// Editing: the form carries the version; a stale one is a 409.
		var id int64
		e.DB.QueryRowContext(context.Background(), "SELECT id FROM exam_questions WHERE kind = 'judge'").Scan(&id)
		edit := fmt.Sprintf("/exams/bank/%d", id)
		if st := adminA.Do("GET", edit+"/edit", nil, nil); st != 200 || !strings.Contains(adminA.Body(), `name="version" value="1"`) {
			t.Fatalf("edit form: %d", st)
		}
		upd := url.Values{"kind": {"judge"}, "stem": {"预备党员的预备期为一年"}, "answer": {"错"}, "tag": {"党章"}, "difficulty": {"1"}, "version": {"1"}}
		if st := adminA.PostForm(edit, upd); st != 303 {
			t.Fatalf("update: %d %s", st, adminA.Body())
		}
		if st := adminA.PostForm(edit, upd); st != 409 || !strings.Contains(adminA.Body(), "已被他人修改") {
			t.Fatalf("stale version: %d", st)
		}
		// The city sees A's question in its subtree; A cannot edit the city's.
		cq := url.Values{"org_id": {fmt.Sprint(w.root)}, "kind": {"judge"}, "stem": {"市局的题"}, "answer": {"对"}, "tag": {"党史"}, "difficulty": {"1"}}
		city.PostForm("/exams/bank", cq)
		e.DB.QueryRowContext(context.Background(), "SELECT id FROM exam_questions WHERE stem = '市局的题'").Scan(&id)
		adminA.Expect(404, "GET", fmt.Sprintf("/exams/bank/%d/edit", id), nil, nil) // A editing the city's question
		if st := adminA.Do("GET", "/exams/bank?tag=%E5%85%9A%E5%8F%B2", nil, nil); st != 200 || !strings.Contains(adminA.Body(), "市局的题") || !strings.Contains(adminA.Body(), "上级题库") {
			t.Fatalf("bank page: %d", st)
		}
	})
}

func TestExamForms(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		org := fmt.Sprint(w.a)
		var ids []string
		for i := range 3 {
			id := e.Exec(`INSERT INTO exam_questions (org_id, kind, stem, options, answer, tag, difficulty, stem_key, created_at, updated_at)
				VALUES (?, 'judge', ?, '[]', 'T', '党章', 1, ?, 0, 0)`, w.a, fmt.Sprintf("判断%d", i), fmt.Sprintf("k%d", i))
			ids = append(ids, fmt.Sprint(id))
		}
		for _, kind := range []string{"", "contest", "daily", "periodic"} {
			if st := adminA.Do("GET", "/exams/new?kind="+kind, nil, nil); st != 200 || !strings.Contains(adminA.Body(), "判断0") {
				t.Fatalf("new exam form %q: %d", kind, st)
			}
		}
		local := func(t time.Time) string { return t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04") }
		base := func() url.Values {
			return url.Values{"org_id": {org}, "mode": {"exam"}, "title": {"党章考试"}, "opens_at": {local(w.now.Add(-time.Hour))}, "closes_at": {local(w.now.Add(48 * time.Hour))},
				"duration_min": {"30"}, "score_each": {"10"}, "pass_score": {"20"}, "max_attempts": {"1"}, "min_seconds": {"0"}, "daily_cap": {"0"}}
		}
		fixed := base()
		fixed.Set("paper_kind", "paper")
		fixed["paper"] = []string{ids[2], ids[0]}
		if st := adminA.PostForm("/exams", fixed); st != 303 {
			t.Fatalf("fixed paper: %d %s", st, adminA.Body())
		}
		var paper string
		e.DB.QueryRowContext(context.Background(), "SELECT question_id FROM exam_paper ORDER BY seq LIMIT 1").Scan(&paper)
		if paper != ids[2] {
			t.Fatalf("paper order: first %s", paper)
		}
		drawn := base()
		drawn.Set("mode", "contest")
		drawn.Set("pass_score", "0")
		drawn.Set("paper_kind", "rules")
		drawn["rule_tag"], drawn["rule_difficulty"], drawn["rule_count"] = []string{"党章", ""}, []string{"1", "0"}, []string{"2", ""}
		if st := adminA.PostForm("/exams", drawn); st != 303 {
			t.Fatalf("drawn contest: %d %s", st, adminA.Body())
		}

		for _, c := range []struct {
			field, value, want string
		}{
			{"closes_at", local(w.now.Add(-2 * time.Hour)), "结束时间应晚于开始时间"},
			{"opens_at", "明天", "请填写开始时间"},
			{"duration_min", "半小时", "答题时长应为整数"},
			{"rule_count", "9", "题库中只有 3 道"},
			{"recurrence", "weekly", "重复方式应为"},
			{"audience", "群众", "参加对象应为"},
		} {
			f := base()
			f.Set("paper_kind", "rules")
			f["rule_tag"], f["rule_difficulty"], f["rule_count"] = []string{"党章"}, []string{"0"}, []string{"1"}
			f.Set(c.field, c.value)
			if st := adminA.PostForm("/exams", f); st != 400 || !strings.Contains(adminA.Body(), c.want) || !strings.Contains(adminA.Body(), `value="党章考试"`) {
				t.Fatalf("%s=%s: %d, want %q", c.field, c.value, st, c.want)
			}
		}
		other := base()
		other.Set("org_id", fmt.Sprint(w.b))
		other.Set("pass_score", "0")
		other["paper"], other["paper_kind"] = []string{ids[0]}, []string{"paper"}
		if st := adminA.PostForm("/exams", other); st != 404 {
			t.Fatalf("exam for another county: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM exams"); n != 2 {
			t.Fatalf("%d exams stored, want 2", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.create'"); n != 2 {
			t.Fatalf("%d audit records", n)
		}
	})
}

// A periodic exam for 党务工作者 opens a new round every month: one attempt
// per round, seen only by its audience.
func TestPeriodicExam(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		// alice is on the party-worker roster; bob's free-text post no longer counts.
		e.Exec(`INSERT INTO corps_workers (person_id, org_id, post, duty, category, appointed_on, created_at, updated_at)
			VALUES (?, ?, 'clerk', 'part', '民警', '2024-01-01', 0, 0)`, w.alice, w.a)
		e.Exec("UPDATE persons SET post = '党务工作者' WHERE id = ?", w.bob)
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		alice, bob := e.Account(auth.Member, 0, w.alice), e.Account(auth.Member, 0, w.bob)
		q := e.Exec(`INSERT INTO exam_questions (org_id, kind, stem, options, answer, tag, difficulty, stem_key, created_at, updated_at)
			VALUES (?, 'judge', '党务题', '[]', 'T', '党章', 1, 'k', 0, 0)`, w.a)
		f := url.Values{"org_id": {fmt.Sprint(w.a)}, "mode": {"exam"}, "title": {"党务工作者月度考试"}, "opens_at": {"2026-01-01T00:00"}, "closes_at": {"2027-01-01T00:00"},
			"duration_min": {"30"}, "score_each": {"10"}, "pass_score": {"10"}, "max_attempts": {"1"}, "recurrence": {"monthly"}, "audience": {"党务工作者"},
			"paper_kind": {"paper"}, "paper": {fmt.Sprint(q)}}
		if st := adminA.PostForm("/exams", f); st != 303 {
			t.Fatalf("periodic exam: %d %s", st, adminA.Body())
		}
		var id int64
		e.DB.QueryRowContext(context.Background(), "SELECT id FROM exams").Scan(&id)
		var list struct{ Total int }
		if bob.Do("GET", "/api/v1/exams", nil, &list); list.Total != 0 {
			t.Fatalf("bob (not 党务工作者) sees %d exams", list.Total)
		}
		bob.Expect(404, "POST", fmt.Sprintf("/api/v1/exams/%d/start", id), nil, nil) // bob starting
		if st := alice.Do("GET", "/m/exams", nil, nil); st != 200 || !strings.Contains(alice.Body(), "第 5 轮（2026-05-01 至 2026-05-31）") {
			t.Fatalf("round label: %s", alice.Body())
		}
		start := func() int { return alice.Do("POST", fmt.Sprintf("/api/v1/exams/%d/start", id), nil, nil) }
		if st := start(); st != 200 {
			t.Fatalf("round 5: %d %s", st, alice.Body())
		}
		w.now = w.now.Add(time.Hour) // the attempt ran out; the round's one attempt is used
		if st := start(); st != 422 || !strings.Contains(alice.Body(), "本轮作答次数已用完") {
			t.Fatalf("second attempt in a round: %d %s", st, alice.Body())
		}
		w.now = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) // June: a new round
		if st := start(); st != 200 {
			t.Fatalf("round 6: %d %s", st, alice.Body())
		}
	})
}
