package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// examInsert runs an INSERT on the writer and returns the new id.
func examInsert(t *testing.T, f *Fixture, q string, args ...any) int64 {
	var id int64
	err := f.E.DB.InTx(context.Background(), func(tx *db.Tx) (err error) {
		id, err = db.InsertID(context.Background(), tx, q, args...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bQuestion puts a true/false question into B's bank.
func bQuestion(t *testing.T, f *Fixture) int64 {
	return examInsert(t, f, `INSERT INTO exam_questions (org_id, kind, stem, options, answer, tag, difficulty, stem_key, created_at, updated_at)
		VALUES (?, 'judge', '乙分局的题', '[]', 'T', '党章', 1, ?, 0, 0)`, f.B, fmt.Sprintf("b%d", f.B))
}

// bExam publishes a running contest of B with one question.
func bExam(t *testing.T, f *Fixture) int64 {
	q := bQuestion(t, f)
	id := examInsert(t, f, `INSERT INTO exams (org_id, mode, title, opens_at, closes_at, duration_min, pass_score, max_attempts, score_each, created_at, updated_at)
		VALUES (?, 'contest', '乙分局竞赛', 0, 9999999999999, 30, 0, 1, 10, 0, 0)`, f.B)
	if _, err := f.E.DB.ExecContext(context.Background(), "INSERT INTO exam_paper (exam_id, seq, question_id) VALUES (?, 1, ?)", id, q); err != nil {
		t.Fatal(err)
	}
	return id
}

// bAttempt starts an attempt of B's person at B's contest.
func bAttempt(t *testing.T, f *Fixture) int64 {
	e := bExam(t, f)
	var q int64
	f.E.DB.QueryRowContext(context.Background(), "SELECT question_id FROM exam_paper WHERE exam_id = ?", e).Scan(&q)
	return examInsert(t, f, `INSERT INTO exam_attempts (exam_id, person_id, org_id, day, questions, seed, device_hash, started_at, deadline_at)
		VALUES (?, ?, ?, '2026-01-01', ?, 1, 'x', 0, 9999999999999)`, e, f.BPerson, f.BBranch, fmt.Sprintf("[%d]", q))
}

func examProbe(method, format string, body any, id func(*testing.T, *Fixture) int64) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return method, fmt.Sprintf(format, id(t, f)), body
	}
}

func fBt(t *testing.T, f *Fixture) int64 { return f.B }

func init() {
	exempt("GET /api/v1/exams/bank/template", "空白导入模板，不含数据")

	scoped("GET /api/v1/exams/bank/questions", examProbe("GET", "/api/v1/exams/bank/questions?org=%d", nil, fBt))
	scoped("POST /api/v1/exams/bank/questions", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/exams/bank/questions", map[string]any{"org_id": f.B, "kind": "judge", "stem": "越权新题", "answer": "对", "tag": "党章", "difficulty": 1}
	})
	scoped("GET /api/v1/exams/bank/questions/{id}", examProbe("GET", "/api/v1/exams/bank/questions/%d", nil, bQuestion))
	scoped("PUT /api/v1/exams/bank/questions/{id}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PUT", fmt.Sprintf("/api/v1/exams/bank/questions/%d", bQuestion(t, f)),
			map[string]any{"kind": "judge", "stem": "改题", "answer": "错", "tag": "党章", "difficulty": 1, "version": 1}
	})
	scoped("POST /api/v1/exams/bank/import", examProbe("POST", "/api/v1/exams/bank/import?org_id=%d", nil, fBt))
	scoped("GET /api/v1/exams/bank/export", examProbe("GET", "/api/v1/exams/bank/export?org=%d", nil, fBt))
	scoped("GET /api/v1/exams", examProbe("GET", "/api/v1/exams?org=%d", nil, fBt))
	scoped("POST /api/v1/exams", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/exams", map[string]any{"org_id": f.B, "mode": "exam", "title": "越权考试", "opens_at": 1, "closes_at": 2,
			"duration_min": 10, "pass_score": 0, "max_attempts": 1, "score_each": 1, "paper": []int64{bQuestion(t, f)}}
	})
	scoped("GET /api/v1/exams/{id}", examProbe("GET", "/api/v1/exams/%d", nil, bExam))
	scoped("GET /api/v1/exams/{id}/leaderboard", examProbe("GET", "/api/v1/exams/%d/leaderboard", nil, bExam))
	scoped("GET /api/v1/exams/{id}/stats", examProbe("GET", "/api/v1/exams/%d/stats", nil, bExam))
	scoped("POST /api/v1/exams/{id}/start", examProbe("POST", "/api/v1/exams/%d/start", nil, bExam))
	scoped("GET /api/v1/exams/attempts/{id}/sheet", examProbe("GET", "/api/v1/exams/attempts/%d/sheet", nil, bAttempt))
	scoped("POST /api/v1/exams/attempts/{id}/answers", examProbe("POST", "/api/v1/exams/attempts/%d/answers", map[string]any{"question_id": 1, "answer": "对"}, bAttempt))
	scoped("POST /api/v1/exams/attempts/{id}/submit", examProbe("POST", "/api/v1/exams/attempts/%d/submit", nil, bAttempt))
}

func init() {
	exempt("GET /m/exams", "党员看到本组织及上级发布的考试；组织者的列表按范围过滤")
	scoped("GET /exams", examProbe("GET", "/exams?org=%d", nil, fBt))
	scoped("GET /exams/{id}/board", examProbe("GET", "/exams/%d/board", nil, bExam))
	scoped("GET /exams/{id}/stats", examProbe("GET", "/exams/%d/stats", nil, bExam))
	scoped("POST /m/exams/{id}/start", examProbe("POST", "/m/exams/%d/start", nil, bExam))
	scoped("GET /m/attempts/{id}", examProbe("GET", "/m/attempts/%d", nil, bAttempt))
	scoped("GET /m/attempts/{id}/review", examProbe("GET", "/m/attempts/%d/review", nil, bAttempt))
	scoped("POST /m/attempts/{id}/answer", examProbe("POST", "/m/attempts/%d/answer?question_id=1&answer=A", nil, bAttempt))
	scoped("POST /m/attempts/{id}/submit", examProbe("POST", "/m/attempts/%d/submit", nil, bAttempt))

	exempt("GET /exams/new", "空白表单，只列出本人管理范围内的组织和可用题目")
	exempt("GET /exams/bank/new", "空白表单，只列出本人管理范围内的组织")
	scoped("POST /exams", examProbe("POST", "/exams?org_id=%d&mode=exam&title=x&opens_at=2026-01-01T08:00&closes_at=2026-01-02T08:00&duration_min=10&score_each=1&max_attempts=1&paper_kind=rules&rule_tag=%%E5%%85%%9A%%E7%%AB%%A0&rule_difficulty=0&rule_count=1", nil, fBt))
	scoped("GET /exams/bank", examProbe("GET", "/exams/bank?org=%d", nil, fBt))
	scoped("POST /exams/bank/import", examProbe("POST", "/exams/bank/import?org_id=%d", nil, fBt))
	scoped("POST /exams/bank", examProbe("POST", "/exams/bank?org_id=%d&kind=judge&stem=x&answer=T&tag=x&difficulty=1", nil, fBt))
	scoped("GET /exams/bank/{id}/edit", examProbe("GET", "/exams/bank/%d/edit", nil, bQuestion))
	scoped("POST /exams/bank/{id}", examProbe("POST", "/exams/bank/%d?kind=judge&stem=x&answer=T&tag=x&difficulty=1&version=1", nil, bQuestion))
}
