package org

import (
	"context"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Secretaries names the 书记 of every organisation of a subtree on day
// (YYYY-MM-DD), for lists that put a person to each organisation (the 擂台
// ranks 书记 and their branches).
func Secretaries(ctx context.Context, q db.Querier, s scope.Subtree, day string) (map[int64]string, error) {
	w, args := s.HasOrg("c.org_id")
	return db.Pairs[string](ctx, q, `SELECT c.org_id, p.name FROM committee_members c JOIN persons p ON p.id = c.person_id
		WHERE c.post = ? AND c.term_start <= ? AND (c.ended_on IS NULL OR c.ended_on > ?) AND `+w+` ORDER BY c.term_start`,
		append([]any{Secretary, day, day}, args...)...) // the latest appointed wins
}
