package life

import (
	"context"
	"fmt"

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
// assessment, 软弱涣散 checks) read of organisational life. On the pool a
// kept tree's tallies are kept while no meeting was written
// (life_held_version, migration 00750), nor the frequencies or the day
// changed: the leader's comparison reads them at every view. The map is
// shared by every caller and must not be changed.
func Tallies(ctx context.Context, q db.Querier, tree *org.Orgs, year int, today civil.Date) (map[int64]Tally, error) {
	_, pooled := q.(*db.DB)
	var held int64
	if pooled { // read before the meetings, so that what is kept under it is never older
		if err := q.QueryRowContext(ctx, "SELECT v FROM life_held_version WHERE id = 1").Scan(&held); err != nil {
			return nil, err
		}
	}
	f, _, err := FrequenciesOf(ctx, q, bureauOf(tree.Scope.Root()), year)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("life.Tallies %d", year)
	version := fmt.Sprint(held, today, f) // a map prints in key order
	if v, kept, ok := org.Recall(tree, name); pooled && ok && v == version {
		return kept.(map[int64]Tally), nil
	}
	rows, err := grid(ctx, q, tree, columns(f, year, civil.New(year, 1, 1), civil.New(year, 12, 31)), today, false)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Tally, len(rows))
	for _, r := range rows {
		out[r.OrgID] = Tally{Done: r.Done, Overdue: r.Overdue, Due: r.Due}
	}
	if pooled {
		org.Remember(tree, name, version, out)
	}
	return out, nil
}
