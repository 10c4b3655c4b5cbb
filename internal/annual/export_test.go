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

// Held reports whether the snapshot of d holds a history.
func Held(d *db.DB) bool {
	s := snapshotOf(d)
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	return s.h != nil
}

// Idle makes the snapshot of d look unused for idleAfter and runs the
// idle timer's check.
func Idle(d *db.DB) {
	s := snapshotOf(d)
	s.refreshing.Lock()
	s.used = s.used.Add(-idleAfter)
	s.refreshing.Unlock()
	s.dropIfIdle()
}
