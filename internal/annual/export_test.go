package annual

import (
	"context"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
)

// ComputeFresh is Compute from the history read for this report alone,
// never the snapshot's.
func ComputeFresh(ctx context.Context, q db.Querier, s *Subject, year int, today civil.Date) (*Report, []Issue, error) {
	return compute(ctx, q, s, year, today, true)
}
