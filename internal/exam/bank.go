package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// visibleQ is the condition on a question's owner (o) for a subtree: the
// owner is in it or above it, since the 市局 bank is shared downwards.
func visibleQ(s scope.Subtree) (string, []any) {
	below, args := s.Where("o.path")
	above, aboveArgs := s.Lineage("o.path")
	return "(" + below + " OR " + above + ")", append(args, aboveArgs...)
}

const questionCols = "q.id, q.org_id, q.kind, q.stem, q.options, q.answer, q.tag, q.difficulty, q.explanation, q.version"

func scanQuestion(sc interface{ Scan(...any) error }) (*Question, error) {
	var q Question
	var opts string
	if err := sc.Scan(&q.ID, &q.OrgID, &q.Kind, &q.Stem, &opts, &q.Answer, &q.Tag, &q.Difficulty, &q.Explanation, &q.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(opts), &q.Options); err != nil {
		return nil, fmt.Errorf("exam_questions %d: options: %w", q.ID, err)
	}
	if q.Kind == Fill {
		if err := json.Unmarshal([]byte(q.Answer), new([][]string)); err != nil {
			return nil, fmt.Errorf("exam_questions %d: answer: %w", q.ID, err)
		}
	}
	return &q, nil
}

// Filter narrows a question list.
type Filter struct {
	Tag        string
	Kind       string
	Difficulty int
	Q          string
	OrgID      int64 // only this organisation's subtree; outside scope → 404
	Page, Per  int
}

// ListQuestions lists the questions visible to an organiser.
func (s *Service) ListQuestions(ctx context.Context, p *auth.Principal, f Filter) ([]*Question, int, error) {
	if !p.ReadsMembers() {
		return nil, 0, fail.Forbidden()
	}
	visible, args := visibleQ(scope.Of(p))
	where := " FROM exam_questions q JOIN orgs o ON o.id = q.org_id WHERE " + visible
	if f.OrgID != 0 {
		sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		w, subArgs := sub.Where("o.path")
		where += " AND " + w
		args = append(args, subArgs...)
	}
	if f.Tag != "" {
		where += " AND q.tag = ?"
		args = append(args, f.Tag)
	}
	if f.Kind != "" {
		where += " AND q.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Difficulty != 0 {
		where += " AND q.difficulty = ?"
		args = append(args, f.Difficulty)
	}
	if f.Q != "" {
		where += " AND q.stem LIKE ?"
		args = append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(f.Q)+"%")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Per <= 0 || f.Per > 1000 {
		f.Per = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+questionCols+where+" ORDER BY q.id DESC LIMIT ? OFFSET ?",
		append(args, f.Per, (f.Page-1)*f.Per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, q)
	}
	return out, total, rows.Err()
}

// GetQuestion returns a question visible to the caller, or 404.
func (s *Service) GetQuestion(ctx context.Context, p *auth.Principal, id int64) (*Question, error) {
	if !p.ReadsMembers() {
		return nil, fail.NotFound()
	}
	visible, args := visibleQ(scope.Of(p))
	q, err := scanQuestion(s.DB.QueryRowContext(ctx, "SELECT "+questionCols+" FROM exam_questions q JOIN orgs o ON o.id = q.org_id WHERE q.id = ? AND "+visible,
		append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return q, err
}

// duplicateOf finds a question of the same kind and normalised stem in the
// owner's bank.
func duplicateOf(ctx context.Context, q db.Querier, orgID int64, kind Kind, key string, except int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM exam_questions WHERE org_id = ? AND kind = ? AND stem_key = ? AND id <> ?", orgID, kind, key, except).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return id, err
}

func insertQuestion(ctx context.Context, tx *db.Tx, q *Question, now int64) (int64, error) {
	opts, _ := json.Marshal(q.Options)
	if q.Options == nil {
		opts = []byte("[]")
	}
	return db.InsertID(ctx, tx, `INSERT INTO exam_questions (org_id, kind, stem, options, answer, tag, difficulty, explanation, stem_key, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, q.OrgID, q.Kind, q.Stem, string(opts), q.Answer, q.Tag, q.Difficulty, q.Explanation, StemKey(q.Stem), now, now)
}

// CreateQuestion adds a question to the bank of an organisation the caller
// administers. A duplicate stem is refused with 409.
func (s *Service) CreateQuestion(ctx context.Context, p *auth.Principal, q Question) (int64, error) {
	if err := q.Normalize(); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, q.OrgID); err != nil {
			return err
		}
		dup, err := duplicateOf(ctx, tx, q.OrgID, q.Kind, StemKey(q.Stem), 0)
		if err != nil {
			return err
		}
		if dup != 0 {
			return fail.Conflict(fmt.Sprintf("题库中已有相同题干的%s（编号 %d），未重复添加", q.Kind.Label(), dup))
		}
		if id, err = insertQuestion(ctx, tx, &q, s.Now().UnixMilli()); err != nil {
			return err
		}
		q.ID = id
		return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.question.create", ObjectType: "exam_question", ObjectID: strconv.FormatInt(id, 10), Detail: audit.Change{After: q}})
	})
	return id, err
}

// UpdateQuestion replaces a question; version must match (else 409).
func (s *Service) UpdateQuestion(ctx context.Context, p *auth.Principal, q Question) error {
	if err := q.Normalize(); err != nil {
		return err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := scanQuestion(tx.QueryRowContext(ctx, "SELECT "+questionCols+" FROM exam_questions q WHERE q.id = ?", q.ID))
		if db.IsNoRows(err) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, old.OrgID); err != nil {
			return err
		}
		q.OrgID = old.OrgID
		if dup, err := duplicateOf(ctx, tx, q.OrgID, q.Kind, StemKey(q.Stem), q.ID); err != nil || dup != 0 {
			if err == nil {
				err = fail.Conflict(fmt.Sprintf("题库中已有相同题干的%s（编号 %d）", q.Kind.Label(), dup))
			}
			return err
		}
		opts, _ := json.Marshal(q.Options)
		if q.Options == nil {
			opts = []byte("[]")
		}
		res, err := tx.ExecContext(ctx, `UPDATE exam_questions SET kind = ?, stem = ?, options = ?, answer = ?, tag = ?, difficulty = ?, explanation = ?,
			stem_key = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			q.Kind, q.Stem, string(opts), q.Answer, q.Tag, q.Difficulty, q.Explanation, StemKey(q.Stem), s.Now().UnixMilli(), q.ID, q.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("该题已被他人修改，请刷新后重试")
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.question.update", ObjectType: "exam_question", ObjectID: strconv.FormatInt(q.ID, 10), Detail: audit.Change{Before: old, After: q}})
	})
	if err == nil {
		s.forgetQuestion(q.ID)
	}
	return err
}
