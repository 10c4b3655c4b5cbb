package annual

import (
	"context"
	"time"

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

// Stored reads the copy of the snapshot stored in d: how many people it
// holds and when it was read, ok false when there is none that decodes.
func Stored(ctx context.Context, d *db.DB) (people int, at time.Time, ok bool, err error) {
	h, _, at, ok, err := stored(ctx, d)
	if !ok {
		return 0, at, false, err
	}
	return len(h.people), at, true, nil
}

// ReadAt is when the history the snapshot of d holds was read whole (for
// a stored copy, when it was read before storing), as long as the snapshot
// was swept less than the overlap ago.
func ReadAt(d *db.DB) time.Time {
	s := snapshotOf(d)
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	return time.UnixMilli(s.stamps[0].at)
}
