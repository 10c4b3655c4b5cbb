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
	return db.Pairs[string](ctx, q, "SELECT org_id, MAX(join_date) FROM persons WHERE join_date IS NOT NULL AND "+PartyMember("status")+
		" AND "+w+" GROUP BY org_id", args...)
}
