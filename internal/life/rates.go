package life

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
)

// Rates is each calendar branch of a subtree's compliance in a year up to
// today, in percent: the periods held of those that have ended or were
// held (100 while nothing has come due). It serves the yearly assessment.
func Rates(ctx context.Context, q db.Querier, tree *org.Orgs, year int, today civil.Date) (map[int64]float64, error) {
	f, _, err := FrequenciesOf(ctx, q, bureauOf(tree.Scope.Root()), year)
	if err != nil {
		return nil, err
	}
	rows, err := grid(ctx, q, tree, columns(f, year, civil.New(year, 1, 1), civil.New(year, 12, 31)), today, false)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]float64, len(rows))
	for _, r := range rows {
		out[r.OrgID] = 100
		if n := r.Done + r.Overdue; n > 0 {
			out[r.OrgID] = float64(int(1000*float64(r.Done)/float64(n)+0.5)) / 10
		}
	}
	return out, nil
}
