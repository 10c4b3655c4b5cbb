package life

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
)

// Tally is a branch's calendar for a year on a day: periods held, missed
// (ended with nothing counting) and still open.
type Tally struct {
	Done    int `json:"done"`
	Overdue int `json:"overdue"`
	Due     int `json:"due"`
}

// Rate is the share of ended periods that were held; 1 when none has
// ended yet (nothing was missed).
func (t Tally) Rate() float64 {
	if t.Done+t.Overdue == 0 {
		return 1
	}
	return float64(t.Done) / float64(t.Done+t.Overdue)
}

// Tallies computes the calendar of every branch of tree for a year under
// its bureau's frequencies, keyed by branch: what other features (branch
// assessment, 软弱涣散 checks) read of organisational life.
func Tallies(ctx context.Context, q db.Querier, tree *org.Orgs, year int, today civil.Date) (map[int64]Tally, error) {
	cols, err := yearColumns(ctx, q, bureauOf(tree.Scope.Root()), year)
	if err != nil {
		return nil, err
	}
	rows, err := grid(ctx, q, tree, cols, today, false)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Tally, len(rows))
	for _, r := range rows {
		out[r.OrgID] = Tally{Done: r.Done, Overdue: r.Overdue, Due: r.Due}
	}
	return out, nil
}
