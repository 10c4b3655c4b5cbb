package db

import (
	"context"
	"maps"
	"slices"
)

// A Yearly is a table of each bureau's settings by year, its rows
// (bureau_id, year, Key, Value): a year without rows of its own has those
// of the latest earlier year, else the defaults.
type Yearly[V any] struct{ Table, Key, Value string }

// Of returns the bureau's settings in force in year, over defaults (which
// it fills in and returns; a stored key not among them is passed over),
// and whether the year has its own.
func (y Yearly[V]) Of(ctx context.Context, q Querier, bureau int64, year int, defaults map[string]V) (map[string]V, bool, error) {
	var from int
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(year), 0) FROM "+y.Table+" WHERE bureau_id = ? AND year <= ?", bureau, year).Scan(&from)
	if err != nil || from == 0 {
		return defaults, false, err
	}
	rows, err := q.QueryContext(ctx, "SELECT "+y.Key+", "+y.Value+" FROM "+y.Table+" WHERE bureau_id = ? AND year = ?", bureau, from)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return nil, false, err
		}
		if _, ok := defaults[k]; ok {
			defaults[k] = v
		}
	}
	return defaults, from == year, rows.Err()
}

// Set gives the year its own rows: the settings in force with in laid
// over them. It returns the settings before and after, for the caller's
// audit entry.
func (y Yearly[V]) Set(ctx context.Context, tx *Tx, bureau int64, year int, defaults, in map[string]V) (before, after map[string]V, err error) {
	if before, _, err = y.Of(ctx, tx, bureau, year, defaults); err != nil {
		return nil, nil, err
	}
	after = maps.Clone(before)
	maps.Copy(after, in)
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+y.Table+" WHERE bureau_id = ? AND year = ?", bureau, year); err != nil {
		return nil, nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+y.Table+" (bureau_id, year, "+y.Key+", "+y.Value+") VALUES (?,?,?,?)", bureau, year, k, after[k]); err != nil {
			return nil, nil, err
		}
	}
	return before, after, nil
}
