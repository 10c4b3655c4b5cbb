package develop

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Pipeline counts the open cases of one organisation's people and those
// past their next deadline.
type Pipeline struct {
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
}

// OnTime is the share of open cases within their deadlines; 1 when there
// is none (nothing is late).
func (p Pipeline) OnTime() float64 {
	if p.Open == 0 {
		return 1
	}
	return float64(p.Open-p.Overdue) / float64(p.Open)
}

// Pipelines counts, per organisation of sub (by each person's current
// organisation, as deadlines follow people), the open cases and the
// overdue ones on today: what branch assessment reads of development.
// A case carries its person's organisation (migration 00710 keeps it), so
// the count reads the index of open cases by organisation, no person.
func Pipelines(ctx context.Context, q db.Querier, sub scope.Subtree, today civil.Date) (map[int64]Pipeline, error) {
	w, args, err := org.HasOrg(ctx, q, sub, "org_id")
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT org_id, COUNT(*), COALESCE(SUM(CASE WHEN next_due < ? THEN 1 ELSE 0 END), 0)
		FROM dev_cases WHERE status = 'open' AND `+w+` GROUP BY org_id`,
		append([]any{today.String()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Pipeline{}
	for rows.Next() {
		var id int64
		var pl Pipeline
		if err := rows.Scan(&id, &pl.Open, &pl.Overdue); err != nil {
			return nil, err
		}
		out[id] = pl
	}
	return out, rows.Err()
}
