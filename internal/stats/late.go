package stats

import (
	"context"
	"time"

	"hongdun/internal/platform/db"
)

// A view reads the rows stamped since its last look, and on a sweep those
// stamped up to overlap before the last sweep, for transactions that
// committed a little after their stamps. An import's transaction runs for
// minutes at a million people: as it commits, it announces here when its
// stamps began (stats_late_writes, migration 00024), and the next view
// reads the rows stamped since then, once.

// lateKeep is how long an announcement is kept: longer than any snapshot
// goes unsaved while the server runs (an hour), and a restored one older
// than reloadEvery is loaded afresh anyway.
const lateKeep = 7 * 24 * time.Hour

// LateWrite announces, inside a write transaction about to commit, that
// the rows it wrote are stamped from since (unix ms), which may be long
// before its commit.
func LateWrite(ctx context.Context, tx *db.Tx, since int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM stats_late_writes WHERE at < ?", now.Add(-lateKeep).UnixMilli()); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO stats_late_writes (since, at) VALUES (?, ?)", since, now.UnixMilli())
	return err
}

// lateWrites reads the announcements made from `from` (unix ms) that the
// snapshot has not taken into account: the earliest stamp they name (0 when
// none), their ids, and the latest time they were made.
func lateWrites(ctx context.Context, q db.Querier, from int64, taken map[int64]bool) (since int64, ids []int64, at int64, err error) {
	rows, err := q.QueryContext(ctx, "SELECT id, since, at FROM stats_late_writes WHERE at >= ?", from)
	if err != nil {
		return 0, nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, s, a int64
		if err := rows.Scan(&id, &s, &a); err != nil {
			return 0, nil, 0, err
		}
		at = max(at, a)
		if taken[id] {
			continue
		}
		ids = append(ids, id)
		if since == 0 || s < since {
			since = s
		}
	}
	return since, ids, at, rows.Err()
}
