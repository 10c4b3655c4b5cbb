package org

import (
	"context"
	"math"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// HasOrg is the condition that keeps the rows of s by their organisation
// column col: none when s is the whole tree, so that a grouped count of
// the whole bureau reads its index in one range instead of seeking once
// per organisation (19,000 at a million people); else s.HasOrg(col).
func HasOrg(ctx context.Context, q db.Querier, s scope.Subtree, col string) (string, []any, error) {
	whole, _, err := Share(ctx, q, s, math.MaxInt32) // wideness is not asked
	if err != nil || whole {
		return "1 = 1", nil, err
	}
	w, args := s.HasOrg(col)
	return w, args, nil
}
