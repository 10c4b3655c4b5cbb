package member

import (
	"context"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// LastJoined returns, per organisation of sub, the latest 入党 date of its
// current party members: when the organisation last developed a member.
func LastJoined(ctx context.Context, q db.Querier, sub scope.Subtree) (map[int64]string, error) {
	w, args := sub.HasOrg("org_id")
	rows, err := q.QueryContext(ctx, "SELECT org_id, MAX(join_date) FROM persons WHERE join_date IS NOT NULL AND "+PartyMember("status")+
		" AND "+w+" GROUP BY org_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var on string
		if err := rows.Scan(&id, &on); err != nil {
			return nil, err
		}
		out[id] = on
	}
	return out, rows.Err()
}
