package develop

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
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

// The pipelines are kept per organisation in dev_pipelines_kept as of its
// day (migration 00740). Writes leave them alone and only note the
// organisations they may change in dev_pipelines_dirty; a read counts the
// noted organisations directly, and Keep recounts them.

// keepLock serialises Keep's recounts.
const keepLock = 740

// Pipelines counts, per organisation of tree (by each person's current
// organisation, as deadlines follow people), the open cases and the
// overdue ones on today: what branch assessment reads of development.
// A case carries its person's organisation (migration 00710), so the
// counts are kept per organisation; those of the organisations noted since
// Keep ran are counted from the index of open cases by organisation, as is
// the whole subtree on a day other than the one they were kept for.
func Pipelines(ctx context.Context, q db.Querier, tree *org.Orgs, today civil.Date) (map[int64]Pipeline, error) {
	out := make(map[int64]Pipeline, len(tree.ByID))
	add := func(id int64, v []int64) {
		if tree.ByID[id] != nil {
			out[id] = Pipeline{Open: int(v[0]), Overdue: int(v[1])}
		}
	}
	err := db.Consistent(ctx, q, func(q db.Querier) error {
		day, kept, err := keptCounts(ctx, q)
		if err != nil {
			return err
		}
		noted, err := db.Pairs[bool](ctx, q, "SELECT DISTINCT org_id, TRUE FROM dev_pipelines_dirty")
		if err != nil {
			return err
		}
		in, args, err := org.HasOrg(ctx, q, tree.Scope, "org_id")
		if err != nil {
			return err
		}
		return db.ReadKept(kept, day == today.String(), 2, noted, in, args, counter(ctx, q, today.String()), add)
	})
	return out, err
}

// keptCounts reads the kept counts and their day ("" when none).
func keptCounts(ctx context.Context, q db.Querier) (day string, kept []byte, err error) {
	err = q.QueryRowContext(ctx, "SELECT day, counts FROM dev_pipelines_kept").Scan(&day, &kept)
	if db.IsNoRows(err) {
		err = nil
	}
	return day, kept, err
}

// counter counts the open and overdue cases on a day per organisation.
func counter(ctx context.Context, q db.Querier, day string) db.Counter {
	return func(cond string, args []any) (map[int64][]int64, error) {
		return db.Figures(ctx, q, 2, `SELECT org_id, COUNT(*), COALESCE(SUM(CASE WHEN next_due < ? THEN 1 ELSE 0 END), 0)
			FROM dev_cases WHERE status = 'open' AND `+cond+` GROUP BY org_id`, append([]any{day}, args...)...)
	}
}

// Keep recounts the kept pipelines (a periodic job): those of the
// organisations writes noted since it last ran, and all of them on a new
// day.
func Keep(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now()).String()
	return d.DB.KeepNoted(ctx, keepLock, "dev_pipelines_dirty", func(tx *db.Tx, noted map[int][]int64) error {
		day, kept, err := keptCounts(ctx, tx)
		if err != nil {
			return err
		}
		if kept, err = db.Refresh(kept, day == today, 2, noted[0], counter(ctx, tx, today)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM dev_pipelines_kept"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO dev_pipelines_kept (day, counts) VALUES (?, ?)", today, kept)
		return err
	})
}
