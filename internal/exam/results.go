package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Results sums the handed-in attempts of 考试 (mode exam, not contests or
// daily answering) of a year: how many, their average in percent of the
// full score, and how many passed.
type Results struct {
	Attempts int     `json:"attempts"`
	Passed   int     `json:"passed"`
	Average  float64 `json:"average"` // percent, one decimal
	sum      float64
}

func (r *Results) add(pct float64, passed bool) {
	r.Attempts++
	r.sum += pct
	r.Average = math.Round(10*r.sum/float64(r.Attempts)) / 10
	if passed {
		r.Passed++
	}
}

// ResultsIn sums a year's exam attempts by the organisation each was taken
// in, for the organisations of a subtree (the yearly assessment).
func ResultsIn(ctx context.Context, q db.Querier, s scope.Subtree, year int) (map[int64]*Results, error) {
	w, args := s.HasOrg("a.org_id")
	return results(ctx, q, "a.org_id", w, args, year)
}

// ResultsOf sums a year's exam attempts of each of some people (a party
// worker's 活字典、政策通 record).
func ResultsOf(ctx context.Context, q db.Querier, people []int64, year int) (map[int64]*Results, error) {
	if len(people) == 0 {
		return map[int64]*Results{}, nil
	}
	in, args := db.In(people)
	return results(ctx, q, "a.person_id", "a.person_id IN ("+in+")", args, year)
}

func results(ctx context.Context, q db.Querier, key, where string, args []any, year int) (map[int64]*Results, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, shanghai).UnixMilli()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, shanghai).UnixMilli()
	rows, err := q.QueryContext(ctx, `SELECT `+key+`, a.questions, a.score, e.score_each, e.pass_score FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
		WHERE e.mode = 'exam' AND a.active = 0 AND a.submitted_at >= ? AND a.submitted_at < ? AND `+where, append([]any{from, to}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*Results{}
	for rows.Next() {
		var id int64
		var qs string
		var score, each, pass int
		if err := rows.Scan(&id, &qs, &score, &each, &pass); err != nil {
			return nil, err
		}
		var ids []int64
		if err := json.Unmarshal([]byte(qs), &ids); err != nil {
			return nil, fmt.Errorf("exam attempt questions: %w", err)
		}
		total := len(ids) * each
		if total == 0 {
			continue
		}
		if out[id] == nil {
			out[id] = &Results{}
		}
		out[id].add(100*float64(score)/float64(total), score >= pass)
	}
	return out, rows.Err()
}
