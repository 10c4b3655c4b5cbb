package task

import (
	"context"
	"maps"
	"slices"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// The standings' sums are kept per year and organisation in task_results
// as of the day task_results_years names for the year (migration 00741).
// Writes leave them alone and only note the (year, organisation) they may
// change in task_results_dirty; a read sums the noted organisations
// directly, and Keep recounts them.

// keepLock serialises Keep's recounts.
const keepLock = 741

// notedMax is how many noted organisations a read sums one by one; beyond
// them (writes of many organisations since Keep ran) it sums the whole
// subtree directly.
const notedMax = 500

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
	ts := map[int64]*tally{}
	add := func(id int64, v []int64) {
		if o := tree.ByID[id]; o != nil && contests(o.Kind, kind) {
			ts[id] = &tally{due: int(v[0]), dueW: int(v[1]), done: int(v[2]), onTime: int(v[3]), doneW: int(v[4]), score2: int(v[5])}
		}
	}
	err := db.Consistent(ctx, q, func(q db.Querier) error {
		in, args, err := org.HasOrg(ctx, q, tree.Scope, "org_id")
		if err != nil {
			return err
		}
		var keptAsOf string
		if err := q.QueryRowContext(ctx, "SELECT as_of FROM task_results_years WHERE year = ?", year).Scan(&keptAsOf); err != nil && !db.IsNoRows(err) {
			return err
		}
		noted, err := db.Pairs[int64](ctx, q, "SELECT DISTINCT org_id, org_id FROM task_results_dirty WHERE year = ?", year)
		if err != nil {
			return err
		}
		if keptAsOf != asOf || len(noted) > notedMax {
			return db.Packed(ctx, q, 6, summed(in), summedArgs(year, asOf, args), add)
		}
		if err := db.Packed(ctx, q, 6, `SELECT org_id AS c0, due AS c1, due_w AS c2, done AS c3, on_time AS c4, done_w AS c5, score2 AS c6
			FROM task_results WHERE year = ? AND `+in, append([]any{year}, args...), func(id int64, v []int64) {
			if _, ok := noted[id]; !ok {
				add(id, v)
			}
		}); err != nil || len(noted) == 0 {
			return err
		}
		list, ids := db.In(slices.Collect(maps.Keys(noted)))
		return db.Packed(ctx, q, 6, summed(in+" AND org_id IN ("+list+")"), summedArgs(year, asOf, append(args, ids...)), add)
	})
	if err != nil {
		return nil, err
	}
	return standingsOf(ts), nil
}

// summed is the query of a year's tallies as of a day per organisation
// among the copies cond keeps; summedArgs are its arguments.
func summed(cond string) string {
	return `SELECT org_id AS c0, COUNT(*) AS c1, SUM(weight) AS c2,
		COALESCE(SUM(CASE WHEN done_on <= ? THEN 1 ELSE 0 END), 0) AS c3,
		COALESCE(SUM(CASE WHEN done_on <= ? AND done_on <= due_on THEN 1 ELSE 0 END), 0) AS c4,
		COALESCE(SUM(CASE WHEN done_on <= ? THEN weight ELSE 0 END), 0) AS c5,
		COALESCE(SUM(CASE WHEN done_on > ? OR done_on IS NULL THEN 0 WHEN done_on <= due_on THEN 2 * weight ELSE weight END), 0) AS c6
		FROM task_copies WHERE year = ? AND ` + cond + ` AND (due_on <= ? OR done_on <= ?) GROUP BY org_id`
}

func summedArgs(year int, asOf string, condArgs []any) []any {
	return slices.Concat([]any{asOf, asOf, asOf, asOf, year}, condArgs, []any{asOf, asOf})
}

// Keep recounts the kept sums (a periodic job): those of the organisations
// writes noted since it last ran, and every year whose day of judgement
// (civil.YearAsOf) is not the one it was counted on.
func Keep(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	return d.DB.KeepNoted(ctx, keepLock, "task_results_dirty", func(tx *db.Tx, noted map[int][]int64) error {
		kept, err := db.Pairs[string](ctx, tx, "SELECT year, as_of FROM task_results_years")
		if err != nil {
			return err
		}
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
			if kept[int64(year)] != asOf {
				if err := recount(ctx, tx, year, asOf); err != nil {
					return err
				}
				continue
			}
			for chunk := range slices.Chunk(ids, 500) {
				list, args := db.In(chunk)
				if _, err := tx.ExecContext(ctx, "DELETE FROM task_results WHERE year = ? AND org_id IN ("+list+")", append([]any{year}, args...)...); err != nil {
					return err
				}
				if err := store(ctx, tx, year, asOf, "org_id IN ("+list+")", args); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// recount sums a year's copies afresh as of a day.
func recount(ctx context.Context, tx *db.Tx, year int, asOf string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM task_results WHERE year = ?", year); err != nil {
		return err
	}
	if err := store(ctx, tx, year, asOf, "1 = 1", nil); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO task_results_years (year, as_of) VALUES (?,?)
		ON CONFLICT (year) DO UPDATE SET as_of = excluded.as_of`, year, asOf)
	return err
}

// store adds to task_results the sums of the copies cond keeps.
func store(ctx context.Context, tx *db.Tx, year int, asOf, cond string, args []any) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO task_results (year, org_id, due, due_w, done, on_time, done_w, score2) SELECT CAST(? AS INTEGER), s.* FROM ("+summed(cond)+") s",
		append([]any{year}, summedArgs(year, asOf, args)...)...)
	return err
}
