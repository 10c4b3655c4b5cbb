package exam

import (
	"context"

	"hongdun/internal/platform/db"
)

// Standing is a member's own result in one exam: the best attempt of an
// exam or contest, the points summed over the days of a daily challenge.
type Standing struct {
	Score  int  `json:"score"`
	Total  int  `json:"total"` // full marks of one attempt
	Passed bool `json:"passed"`
}

// standings returns the member's results in the listed exams, by exam;
// an exam they never answered has none.
func (s *Service) standings(ctx context.Context, personID int64, es []*Exam) (map[int64]*Standing, error) {
	out := map[int64]*Standing{}
	if len(es) == 0 {
		return out, nil
	}
	byID := map[int64]*Exam{}
	ids := make([]int64, 0, len(es))
	for _, e := range es {
		byID[e.ID] = e
		ids = append(ids, e.ID)
	}
	in, args := db.In(ids)
	rows, err := s.DB.QueryContext(ctx, "SELECT exam_id, score FROM exam_attempts WHERE person_id = ? AND answered > 0 AND exam_id IN ("+in+")",
		append([]any{personID}, args...)...)
	if err != nil {
		return nil, err
	}
	type attempt struct {
		exam  int64
		score int
	}
	var as []attempt
	for rows.Next() {
		var a attempt
		if err := rows.Scan(&a.exam, &a.score); err != nil {
			rows.Close()
			return nil, err
		}
		as = append(as, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, a := range as {
		e, st := byID[a.exam], out[a.exam]
		if st == nil {
			if len(e.Rules) == 0 && len(e.Paper) == 0 { // a fixed paper: its size gives the full marks
				if err := s.loadPaper(ctx, s.DB, e); err != nil {
					return nil, err
				}
			}
			st = &Standing{Total: e.Total()}
			out[a.exam] = st
		}
		if e.Mode == ModeDaily {
			st.Score += a.score
			continue
		}
		st.Score = max(st.Score, a.score)
		st.Passed = e.Mode == ModeExam && st.Score >= e.PassScore
	}
	return out, nil
}
