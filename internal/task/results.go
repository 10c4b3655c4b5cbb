package task

import (
	"context"
	"slices"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// The standings' sums are kept per year in task_results_kept as of its day
// (migration 00741). Writes leave them alone and only note the (year,
// organisation) they may change in task_results_dirty; a read sums the
// noted organisations directly, and Keep recounts them.

// keepLock serialises Keep's recounts.
const keepLock = 741

// Results are the task standings of the branches (or the 党委) of a
// subtree for a year as of a day, by organisation, for features that
// judge organisations by their tasks (the yearly assessment, the leader's
// comparison): unranked (Rank 0), as those read the figures only (ranking
// 19,000 branches cost a comparison 16 ms at a million people). The copies
// carry their item's year and weight (migration 00711), so their sums are
// kept per organisation: those of the organisations noted since Keep ran
// are summed from the index of the year's copies by organisation, as is
// the whole subtree as of a day other than the one they were kept for.
func Results(ctx context.Context, q db.Querier, tree *org.Orgs, year int, kind string, asOf string) (map[int64]*Standing, error) {
	out := make(map[int64]*Standing, len(tree.ByID))
	add := func(id int64, v []int64) {
		if o := tree.ByID[id]; o != nil && contests(o.Kind, kind) {
			t := tally{due: int(v[0]), dueW: int(v[1]), done: int(v[2]), onTime: int(v[3]), doneW: int(v[4]), score2: int(v[5])}
			out[id] = t.standing(id)
		}
	}
	err := db.Consistent(ctx, q, func(q db.Querier) error {
		keptAsOf, kept, err := keptSums(ctx, q, year)
		if err != nil {
			return err
		}
		noted, err := db.Pairs[bool](ctx, q, "SELECT DISTINCT org_id, TRUE FROM task_results_dirty WHERE year = ?", year)
		if err != nil {
			return err
		}
		in, args, err := org.HasOrg(ctx, q, tree.Scope, "org_id")
		if err != nil {
			return err
		}
		return db.ReadKept(kept, keptAsOf == asOf, 6, noted, in, args, summer(ctx, q, year, asOf), add)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// keptSums reads a year's kept sums and their day ("" when none).
func keptSums(ctx context.Context, q db.Querier, year int) (asOf string, kept []byte, err error) {
	err = q.QueryRowContext(ctx, "SELECT as_of, sums FROM task_results_kept WHERE year = ?", year).Scan(&asOf, &kept)
	if db.IsNoRows(err) {
		err = nil
	}
	return asOf, kept, err
}

// summer sums a year's copies as of a day per organisation: the tally's
// figures in the order Results reads them.
func summer(ctx context.Context, q db.Querier, year int, asOf string) db.Counter {
	return func(cond string, args []any) (map[int64][]int64, error) {
		return db.Figures(ctx, q, 6, `SELECT org_id, COUNT(*), SUM(weight),
			COALESCE(SUM(CASE WHEN done_on <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN done_on <= ? AND done_on <= due_on THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN done_on <= ? THEN weight ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN done_on > ? OR done_on IS NULL THEN 0 WHEN done_on <= due_on THEN 2 * weight ELSE weight END), 0)
			FROM task_copies WHERE year = ? AND `+cond+` AND (due_on <= ? OR done_on <= ?) GROUP BY org_id`,
			slices.Concat([]any{asOf, asOf, asOf, asOf, year}, args, []any{asOf, asOf})...)
	}
}

// Keep recounts the kept sums (a periodic job): those of the organisations
// writes noted since it last ran, and every year whose day of judgement
// (civil.YearAsOf) is not the one it was counted on.
func Keep(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	return d.DB.KeepNoted(ctx, keepLock, "task_results_dirty", func(tx *db.Tx, noted map[int][]int64) error {
		years, err := db.Pairs[int](ctx, tx, "SELECT DISTINCT year, year FROM task_items")
		if err != nil {
			return err
		}
		for y := range years {
			if _, ok := noted[int(y)]; !ok {
				noted[int(y)] = nil
			}
		}
		for year, ids := range noted {
			asOf := civil.YearAsOf(year, today).String()
			keptAsOf, kept, err := keptSums(ctx, tx, year)
			if err != nil {
				return err
			}
			if kept, err = db.Refresh(kept, keptAsOf == asOf, 6, ids, summer(ctx, tx, year, asOf)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_results_kept (year, as_of, sums) VALUES (?, ?, ?)
				ON CONFLICT (year) DO UPDATE SET as_of = excluded.as_of, sums = excluded.sums`, year, asOf, kept); err != nil {
				return err
			}
		}
		return nil
	})
}
