package develop

import (
	"context"
	"maps"
	"slices"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
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

// The pipelines are kept per organisation in dev_pipelines as of the day
// dev_pipelines_day names (migration 00740). Writes leave them alone and
// only note the organisations they may change in dev_pipelines_dirty; a
// read counts the noted organisations directly, and Keep recounts them.

// keepLock serialises Keep's recounts.
const keepLock = 740

// notedMax is how many noted organisations a read counts one by one;
// beyond them (writes of many organisations since Keep ran) it counts the
// whole subtree directly.
const notedMax = 500

// Pipelines counts, per organisation of sub (by each person's current
// organisation, as deadlines follow people), the open cases and the
// overdue ones on today: what branch assessment reads of development.
// A case carries its person's organisation (migration 00710), so the
// counts are kept per organisation; those of the organisations noted since
// Keep ran are counted from the index of open cases by organisation, as is
// the whole subtree on a day other than the one they were kept for.
func Pipelines(ctx context.Context, q db.Querier, sub scope.Subtree, today civil.Date) (map[int64]Pipeline, error) {
	out := map[int64]Pipeline{}
	add := func(id int64, v []int64) { out[id] = Pipeline{Open: int(v[0]), Overdue: int(v[1])} }
	err := db.Consistent(ctx, q, func(q db.Querier) error {
		in, args, err := org.HasOrg(ctx, q, sub, "org_id")
		if err != nil {
			return err
		}
		var day string
		if err := q.QueryRowContext(ctx, "SELECT day FROM dev_pipelines_day").Scan(&day); err != nil && !db.IsNoRows(err) {
			return err
		}
		noted, err := db.Pairs[int64](ctx, q, "SELECT DISTINCT org_id, org_id FROM dev_pipelines_dirty")
		if err != nil {
			return err
		}
		if day != today.String() || len(noted) > notedMax {
			return db.Packed(ctx, q, 2, counted(in), append([]any{today.String()}, args...), add)
		}
		if err := db.Packed(ctx, q, 2, "SELECT org_id AS c0, cases AS c1, overdue AS c2 FROM dev_pipelines WHERE "+in, args, func(id int64, v []int64) {
			if _, ok := noted[id]; !ok {
				add(id, v)
			}
		}); err != nil || len(noted) == 0 {
			return err
		}
		list, ids := db.In(slices.Collect(maps.Keys(noted)))
		return db.Packed(ctx, q, 2, counted(in+" AND org_id IN ("+list+")"), slices.Concat([]any{today.String()}, args, ids), add)
	})
	return out, err
}

// counted is the query of the open and overdue cases (on its first
// argument) per organisation among those cond keeps.
func counted(cond string) string {
	return `SELECT org_id AS c0, COUNT(*) AS c1, COALESCE(SUM(CASE WHEN next_due < ? THEN 1 ELSE 0 END), 0) AS c2
		FROM dev_cases WHERE status = 'open' AND ` + cond + ` GROUP BY org_id`
}

// Keep recounts the kept pipelines (a periodic job): those of the
// organisations writes noted since it last ran, and all of them on a new
// day.
func Keep(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now()).String()
	return d.DB.KeepNoted(ctx, keepLock, "dev_pipelines_dirty", func(tx *db.Tx, noted map[int][]int64) error {
		var day string
		if err := tx.QueryRowContext(ctx, "SELECT day FROM dev_pipelines_day").Scan(&day); err != nil && !db.IsNoRows(err) {
			return err
		}
		if day != today {
			for _, q := range []string{"DELETE FROM dev_pipelines", "DELETE FROM dev_pipelines_day"} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO dev_pipelines_day (day) VALUES (?)", today); err != nil {
				return err
			}
			return store(ctx, tx, today, "1 = 1", nil)
		}
		for chunk := range slices.Chunk(noted[0], 500) {
			list, args := db.In(chunk)
			if _, err := tx.ExecContext(ctx, "DELETE FROM dev_pipelines WHERE org_id IN ("+list+")", args...); err != nil {
				return err
			}
			if err := store(ctx, tx, today, "org_id IN ("+list+")", args); err != nil {
				return err
			}
		}
		return nil
	})
}

// store adds to dev_pipelines the counts of the cases cond keeps.
func store(ctx context.Context, tx *db.Tx, today, cond string, args []any) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO dev_pipelines (org_id, cases, overdue) "+counted(cond), append([]any{today}, args...)...)
	return err
}
