package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Service is the exam feature: stores, the answer writer and its caches.
type Service struct {
	*core.Deps
	writer *Writer

	mu        sync.Mutex
	questions map[int64]*Question // immutable snapshots; dropped on edit
	// questionAt is when each cached question was read (unix ms): another
	// instance's edit reaches this one's grading within questionTTL.
	questionAt map[int64]int64
	attempts   map[int64]*live // the unchanging part of attempts being answered
}

// New builds the service and starts its answer writer; Close stops it.
func New(d *core.Deps) *Service {
	s := &Service{Deps: d, questions: map[int64]*Question{}, attempts: map[int64]*live{}}
	s.writer = newWriter(d.DB, d.Audit)
	return s
}

// Close stops the answer writer once every answer queued has committed.
func (s *Service) Close() error { return s.writer.Close() }

const examCols = "e.id, e.org_id, o.name, e.mode, e.title, e.opens_at, e.closes_at, e.duration_min, e.pass_score, e.max_attempts, e.min_seconds, e.daily_cap, e.score_each, e.rules, e.recurrence, e.audience, e.review, e.version"

func scanExam(sc interface{ Scan(...any) error }) (*Exam, error) {
	var e Exam
	var rules string
	var review int
	if err := sc.Scan(&e.ID, &e.OrgID, &e.OrgName, &e.Mode, &e.Title, &e.OpensAt, &e.ClosesAt, &e.DurationMin, &e.PassScore, &e.MaxAttempts,
		&e.MinSeconds, &e.DailyCap, &e.ScoreEach, &rules, &e.Recurrence, &e.Audience, &review, &e.Version); err != nil {
		return nil, err
	}
	e.Review = review == 1
	if err := json.Unmarshal([]byte(rules), &e.Rules); err != nil {
		return nil, fmt.Errorf("exams %d: rules: %w", e.ID, err)
	}
	return &e, nil
}

func (s *Service) loadPaper(ctx context.Context, q db.Querier, e *Exam) error {
	rows, err := q.QueryContext(ctx, "SELECT question_id FROM exam_paper WHERE exam_id = ? ORDER BY seq", e.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		e.Paper = append(e.Paper, id)
	}
	return rows.Err()
}

// examVisible is the SQL condition for the caller: organisers see exams of
// their subtree; members see exams of their organisation and above.
func examVisible(ctx context.Context, q db.Querier, p *auth.Principal) (string, []any, error) {
	if p.ReadsMembers() {
		w, args := scope.Of(p).Where("o.path")
		return w, args, nil
	}
	if p.Role == auth.Member && p.PersonID != 0 {
		_, path, err := personOrg(ctx, q, p.PersonID)
		if err != nil {
			return "", nil, err
		}
		cats, err := member.AudienceCategories(ctx, q, p.PersonID)
		if err != nil {
			return "", nil, err
		}
		above, args := scope.Under(path).Lineage("o.path")
		for _, c := range cats {
			args = append(args, c)
		}
		return above + " AND e.audience IN (''" + strings.Repeat(", ?", len(cats)) + ")", args, nil
	}
	return "1 = 0", nil, nil
}

// GetExam returns an exam visible to the caller, or 404.
func (s *Service) GetExam(ctx context.Context, p *auth.Principal, id int64) (*Exam, error) {
	cond, args, err := examVisible(ctx, s.DB, p)
	if err != nil {
		return nil, err
	}
	e, err := scanExam(s.DB.QueryRowContext(ctx, "SELECT "+examCols+" FROM exams e JOIN orgs o ON o.id = e.org_id WHERE e.id = ? AND "+cond, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return e, s.loadPaper(ctx, s.DB, e)
}

// ListExams lists the exams visible to the caller, newest first; mode may
// be empty, orgID (0 for all) narrows an organiser's list to a subtree.
func (s *Service) ListExams(ctx context.Context, p *auth.Principal, mode string, orgID int64) ([]*Exam, error) {
	cond, args, err := examVisible(ctx, s.DB, p)
	if err != nil {
		return nil, err
	}
	q := "SELECT " + examCols + " FROM exams e JOIN orgs o ON o.id = e.org_id WHERE " + cond
	if orgID != 0 {
		sub, err := org.Narrow(ctx, s.DB, p, orgID)
		if err != nil {
			return nil, err
		}
		w, subArgs := sub.Where("o.path")
		q += " AND " + w
		args = append(args, subArgs...)
	}
	if mode != "" {
		q += " AND e.mode = ?"
		args = append(args, mode)
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY e.opens_at DESC, e.id DESC LIMIT 200", args...)
	return db.Collect(rows, err, scanExam)
}

// CreateExam stores an exam after checking that its paper can be built
// from the questions its organisation can see.
func (s *Service) CreateExam(ctx context.Context, p *auth.Principal, e Exam) (int64, error) {
	if err := e.Check(); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		path, err := org.WritablePath(ctx, tx, p, e.OrgID)
		if err != nil {
			return err
		}
		visible, args := visibleQ(scope.Under(path))
		for i, qid := range e.Paper {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM exam_questions q JOIN orgs o ON o.id = q.org_id WHERE q.id = ? AND "+visible,
				append([]any{qid}, args...)...).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return ferr("paper", "固定试卷第 %d 题（编号 %d）不存在或不在本单位可用题库中", i+1, qid)
			}
		}
		for i, d := range e.Rules {
			n, err := countPool(ctx, tx, path, d)
			if err != nil {
				return err
			}
			if n < d.Count {
				return ferr("rules", "第 %d 条抽题规则需要 %d 道“%s”题，题库中只有 %d 道", i+1, d.Count, d.Tag, n)
			}
		}
		now := s.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO exams (org_id, mode, title, opens_at, closes_at, duration_min, pass_score, max_attempts, min_seconds, daily_cap, score_each, rules, recurrence, audience, review, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, e.OrgID, e.Mode, e.Title, e.OpensAt, e.ClosesAt, e.DurationMin, e.PassScore, e.MaxAttempts, e.MinSeconds, e.DailyCap,
			e.ScoreEach, e.rulesJSON(), e.Recurrence, e.Audience, db.Int(e.Review), now, now)
		if err != nil {
			return err
		}
		for i, qid := range e.Paper {
			if _, err := tx.ExecContext(ctx, "INSERT INTO exam_paper (exam_id, seq, question_id) VALUES (?,?,?)", id, i+1, qid); err != nil {
				return err
			}
		}
		e.ID = id
		return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.create", ObjectType: "exam", ObjectID: strconv.FormatInt(id, 10), Detail: audit.Change{After: e}})
	})
	return id, err
}

func poolWhere(path string, d Draw) (string, []any) {
	visible, args := visibleQ(scope.Under(path))
	q := "FROM exam_questions q JOIN orgs o ON o.id = q.org_id WHERE " + visible + " AND q.tag = ?"
	args = append(args, d.Tag)
	if d.Difficulty != 0 {
		q += " AND q.difficulty = ?"
		args = append(args, d.Difficulty)
	}
	return q, args
}

func countPool(ctx context.Context, q db.Querier, path string, d Draw) (int, error) {
	where, args := poolWhere(path, d)
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) "+where, args...).Scan(&n)
	return n, err
}

// questionTTL is how long a cached question is used before it is read
// again. An edit drops the question from its own instance's cache at once;
// other instances on the same database grade with the new version after
// at most this long, as if the answer had come a little earlier.
const questionTTL = 10 * time.Second

// question returns a question by id from the cache, reading it when it is
// missing or older than questionTTL.
func (s *Service) question(ctx context.Context, id int64) (*Question, error) {
	now := s.Now().UnixMilli()
	s.mu.Lock()
	q, at := s.questions[id], s.questionAt[id]
	s.mu.Unlock()
	if q != nil && now >= at && now-at < questionTTL.Milliseconds() {
		return q, nil
	}
	q, err := scanQuestion(s.DB.QueryRowContext(ctx, "SELECT "+questionCols+" FROM exam_questions q WHERE q.id = ?", id))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.questions) > 100000 || s.questionAt == nil {
		s.questions, s.questionAt = map[int64]*Question{}, map[int64]int64{}
	}
	s.questions[id], s.questionAt[id] = q, now
	s.mu.Unlock()
	return q, nil
}

func (s *Service) forgetQuestion(id int64) {
	s.mu.Lock()
	delete(s.questions, id)
	s.mu.Unlock()
}
