package stats

import (
	"context"
	"sync"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/db"
)

// A full scan with GROUP BY costs about a second per million people on
// SQLite, so the dashboard keeps a compact snapshot of every person (about
// 20 bytes each) and refreshes it from the rows changed since its last look;
// each view then counts its subtree in memory in a few milliseconds.

// person is one person as the dashboard counts them. Codes are 1 + the
// index in member's lists, 0 for empty or unknown.
type person struct {
	id                                  int64
	org                                 int32
	birth                               int32 // days since 1970-01-01; noBirth when unknown
	status, category, gender, education uint8
	minority                            bool
}

const noBirth = -1 << 31

// snapshot holds everyone, sorted by id.
type snapshot struct {
	mu       sync.Mutex
	people   []person
	maxID    int64
	seen     int64     // the largest updated_at read
	swept    int64     // when the last re-read of the overlap began (unix ms)
	loadedAt time.Time // of the last full load
	loading  bool
	// first is held by the first full load: the views that arrive while
	// it runs wait for it rather than each load everyone again (a second
	// per million people, and the memory of one more copy, each).
	first sync.Mutex
	loads int // full loads run, which the tests of that sharing count
}

// overlap re-reads rows stamped up to this long before the last sweep, for
// writes whose transaction began before it and committed after. A sweep
// runs at most every sweepEvery: between sweeps a view reads only rows
// stamped after the newest one seen, so that the minute after an import of
// a million rows does not re-read them on every view.
const (
	overlap    = int64(time.Minute / time.Millisecond)
	sweepEvery = int64(5 * time.Second / time.Millisecond)
)

// reloadEvery bounds how stale a missed change (a transaction longer than
// overlap) can stay: a full reload runs in the background this often.
const reloadEvery = 10 * time.Minute

var codes = func() [4]map[string]uint8 {
	var out [4]map[string]uint8
	for i, list := range [][]string{member.Statuses, member.Categories, member.Genders, member.Educations} {
		out[i] = map[string]uint8{}
		for j, v := range list {
			out[i][v] = uint8(j + 1)
		}
	}
	return out
}()

const cols = "id, org_id, status, category, gender, education, ethnicity, COALESCE(birth_date, ''), updated_at"

func scan(ctx context.Context, q db.Querier, where string, args ...any) ([]person, int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+cols+" FROM persons "+where, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []person
	var seen int64
	var status, category, gender, education, ethnicity, birth string
	for rows.Next() {
		var p person
		var org, updated int64
		if err := rows.Scan(&p.id, &org, &status, &category, &gender, &education, &ethnicity, &birth, &updated); err != nil {
			return nil, 0, err
		}
		p.org, p.birth = int32(org), dayNumber(birth)
		p.status, p.category, p.gender, p.education = codes[0][status], codes[1][category], codes[2][gender], codes[3][education]
		p.minority = ethnicity != "" && ethnicity != "汉族"
		seen = max(seen, updated)
		out = append(out, p)
	}
	return out, seen, rows.Err()
}

// dayNumber reads YYYY-MM-DD as days since 1970-01-01.
func dayNumber(s string) int32 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return noBirth
	}
	return int32(t.Unix() / 86400)
}

// refresh brings the snapshot up to date: a full load the first time, then
// the rows added or changed since the last look.
func (s *snapshot) refresh(ctx context.Context, q db.Querier, now int64) error {
	if s.empty() {
		return s.loadFirst(ctx, q)
	}
	s.mu.Lock()
	// Anything committed since the last look is newer than what was seen,
	// or (a transaction that ran across a look) stamped at most overlap
	// before the last sweep, which the next sweep reads.
	since, maxID := s.seen+1, s.maxID
	if now-s.swept >= sweepEvery {
		since = min(since, s.swept-overlap)
		s.swept = now
	}
	stale := time.Since(s.loadedAt) > reloadEvery && !s.loading
	if stale {
		s.loading = true
	}
	s.mu.Unlock()
	if stale {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			_ = s.reload(ctx, q) // a failed reload keeps the current snapshot until the next look
		}()
	}
	// No ORDER BY: sorting by id would make SQLite walk the table instead
	// of the updated_at index; put keeps the order.
	changed, seen, err := scan(ctx, q, "WHERE updated_at >= ?", since)
	if err != nil {
		return err
	}
	added, seen2, err := scan(ctx, q, "WHERE id > ?", maxID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range append(changed, added...) {
		s.put(p)
	}
	s.seen = max(s.seen, seen, seen2)
	return nil
}

func (s *snapshot) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.people == nil
}

// loadFirst runs the first full load once for all the views waiting for
// it. When it fails, the next one in line tries again.
func (s *snapshot) loadFirst(ctx context.Context, q db.Querier) error {
	s.first.Lock()
	defer s.first.Unlock()
	if !s.empty() {
		return nil // loaded while this view waited
	}
	return s.reload(ctx, q)
}

// put inserts or replaces p, keeping people sorted by id.
func (s *snapshot) put(p person) {
	if p.id > s.maxID {
		s.people, s.maxID = append(s.people, p), p.id
		return
	}
	lo, hi := 0, len(s.people)
	for lo < hi {
		m := (lo + hi) / 2
		if s.people[m].id < p.id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s.people) && s.people[lo].id == p.id {
		s.people[lo] = p
		return
	}
	s.people = append(s.people, person{})
	copy(s.people[lo+1:], s.people[lo:])
	s.people[lo] = p
}

func (s *snapshot) reload(ctx context.Context, q db.Querier) error {
	started := time.Now()
	people, seen, err := scan(ctx, q, "ORDER BY id")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loading = false
	s.loads++
	if err != nil {
		return err
	}
	if people == nil {
		people = []person{}
	}
	s.people, s.seen, s.loadedAt, s.swept = people, seen, started, started.UnixMilli()
	s.maxID = 0
	if n := len(people); n > 0 {
		s.maxID = people[n-1].id
	}
	return nil
}
