package honour

import (
	"context"

	"hongdun/internal/platform/db"
)

// StatesOf is the progress of a year's medal ("已申领", "已颁发"…) of each of
// the people named who applied for it, for the care ledger that lists the
// year's 纪念章 list among the 老党员; people who did not apply are absent.
func StatesOf(ctx context.Context, q db.Querier, year int, personIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(personIDs) == 0 {
		return out, nil
	}
	in, args := db.In(personIDs)
	rows, err := q.QueryContext(ctx, "SELECT person_id, state FROM medals WHERE year = ? AND person_id IN ("+in+")", append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		out[id] = MedalStateLabel(st)
	}
	return out, rows.Err()
}
