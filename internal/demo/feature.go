package demo

import (
	"context"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
)

// Seeded says whether a feature's table already holds rows: its SeedDemo
// then does nothing, so a restarted demo keeps what users changed.
func Seeded(ctx context.Context, q db.Querier, table string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n)
	return n > 0, err
}

// RootAdmin is the 党务管理员 of the whole bureau (shown as 市局党委) who
// records a feature's demo rows; nil when there is no organisation yet.
func RootAdmin(ctx context.Context, q db.Querier) (*auth.Principal, error) {
	p := &auth.Principal{Username: Recorder, DisplayName: "市局党委", Role: auth.OrgAdmin}
	err := q.QueryRowContext(ctx, "SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").Scan(&p.OrgID, &p.OrgPath)
	if db.IsNoRows(err) {
		return nil, nil
	}
	return p, err
}
