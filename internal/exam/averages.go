package exam

import (
	"context"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Average is the handed-in attempts of one organisation's people at the
// formal exams (考试) of a year: how many, and the sum of their scores as
// a share of the full score.
type Average struct {
	Attempts int     `json:"attempts"`
	Sum      float64 `json:"sum"`
}

// Rate is the average share of the full score; 0 without attempts.
func (a Average) Rate() float64 {
	if a.Attempts == 0 {
		return 0
	}
	return a.Sum / float64(a.Attempts)
}

// Averages returns, per organisation of sub (where each attempt was taken),
// the average of the attempts handed in during a year in Shanghai at
// formal exams: what branch assessment reads of exams.
func Averages(ctx context.Context, q db.Querier, sub scope.Subtree, year int) (map[int64]Average, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, shanghai).UnixMilli()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, shanghai).UnixMilli()
	w, args := sub.HasOrg("a.org_id")
	rows, err := q.QueryContext(ctx, `SELECT a.exam_id, a.org_id, COUNT(*), SUM(a.score) FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
		WHERE e.mode = ? AND a.submitted_at >= ? AND a.submitted_at < ? AND `+w+` GROUP BY a.exam_id, a.org_id`,
		append([]any{string(ModeExam), from, to}, args...)...)
	if err != nil {
		return nil, err
	}
	type group struct {
		exam, org int64
		n, sum    int
	}
	var gs []group
	for rows.Next() {
		var g group
		if err := rows.Scan(&g.exam, &g.org, &g.n, &g.sum); err != nil {
			rows.Close()
			return nil, err
		}
		gs = append(gs, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	totals := map[int64]int{} // exam → full score of an attempt
	out := map[int64]Average{}
	for _, g := range gs {
		total, ok := totals[g.exam]
		if !ok {
			e, err := scanExam(q.QueryRowContext(ctx, "SELECT "+examCols+" FROM exams e JOIN orgs o ON o.id = e.org_id WHERE e.id = ?", g.exam))
			if err != nil {
				return nil, err
			}
			if err := (&Service{}).loadPaper(ctx, q, e); err != nil { // reads only through q
				return nil, err
			}
			total = e.Total()
			totals[g.exam] = total
		}
		if total <= 0 {
			continue
		}
		a := out[g.org]
		a.Attempts += g.n
		a.Sum += float64(g.sum) / float64(total)
		out[g.org] = a
	}
	return out, nil
}
