package stats

import (
	"context"
	"sync"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// A full scan costs seconds per million people on SQLite, so the dashboard
// keeps a compact copy of every person (8 bytes each) and refreshes it from
// the rows changed since its last look. Beside it, the figures are kept
// summed per organisation path (a tally), so that a view adds up the
// tallies of its subtree (about 19,000 at a million people) instead of
// counting a million people.

// person is one person as the dashboard counts them.
type person struct {
	place int32  // index of the organisation's path in table.places; 0: no person has this id
	birth uint16 // dayNumber of the birth date, 0 when unknown
	codes uint16 // status | category<<4 | gender<<7 | education<<9 | minority<<12
}

// Codes are 1 + the index in member's lists, 0 for empty or unknown; each
// must fit its bits in person.codes and its row of a tally.
const (
	statusBits, categoryBits, genderBits, educationBits = 4, 3, 2, 3
	categoryShift                                       = statusBits
	genderShift                                         = categoryShift + categoryBits
	educationShift                                      = genderShift + genderBits
	minorityShift                                       = educationShift + educationBits
)

var codes = func() [4]map[string]uint16 {
	var out [4]map[string]uint16
	for i, list := range [][]string{member.Statuses, member.Categories, member.Genders, member.Educations} {
		if len(list) >= 1<<[]int{statusBits, categoryBits, genderBits, educationBits}[i] {
			panic("stats: a code list outgrew its bits in person.codes")
		}
		out[i] = map[string]uint16{}
		for j, v := range list {
			out[i][v] = uint16(j + 1)
		}
	}
	return out
}()

func pack(status, category, gender, education, ethnicity string) uint16 {
	c := codes[0][status] | codes[1][category]<<categoryShift | codes[2][gender]<<genderShift | codes[3][education]<<educationShift
	if ethnicity != "" && ethnicity != "汉族" {
		c |= 1 << minorityShift
	}
	return c
}

func (p person) status() uint16 { return p.codes & (1<<statusBits - 1) }
func (p person) field(shift, bits int) uint16 {
	return p.codes >> shift & (1<<bits - 1)
}

// dayNumber reads YYYY-MM-DD as days since 1899-12-31 (a uint16 reaches
// 2079; earlier dates count as 1900-01-01, which only the oldest age band
// sees), 0 for empty or unreadable.
func dayNumber(s string) uint16 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0
	}
	return uint16(min(max(t.Unix()/86400+25568, 1), 1<<16-1))
}

// tally is the figures of the people of one organisation path.
type tally struct {
	status [1 << statusBits]int32
	party  [2]partyTally // 0 正式党员, 1 预备党员
}

type partyTally struct {
	category [1 << categoryBits]int32
	gender   [1 << genderBits]int32
	edu      [1 << educationBits]int32
	age      [8]int32 // by AgeBands
	minority int32
}

var fullCode, probCode = codes[0]["full"], codes[0]["probationary"]

// add counts p n times (1 or -1), with the age bands that start at starts.
func (t *tally) add(p person, starts *[7]uint16, n int32) {
	st := p.status()
	t.status[st] += n
	if st != fullCode && st != probCode {
		return
	}
	pt := &t.party[0]
	if st == probCode {
		pt = &t.party[1]
	}
	pt.category[p.field(categoryShift, categoryBits)] += n
	pt.gender[p.field(genderShift, genderBits)] += n
	pt.edu[p.field(educationShift, educationBits)] += n
	if p.birth != 0 {
		pt.age[band(p.birth, starts)] += n
	}
	pt.minority += n * int32(p.codes>>minorityShift&1)
}

func (t *tally) plus(o *tally) {
	for i := range t.status {
		t.status[i] += o.status[i]
	}
	for k := range t.party {
		a, b := &t.party[k], &o.party[k]
		for i := range a.category {
			a.category[i] += b.category[i]
		}
		for i := range a.gender {
			a.gender[i] += b.gender[i]
		}
		for i := range a.edu {
			a.edu[i] += b.edu[i]
		}
		for i := range a.age {
			a.age[i] += b.age[i]
		}
		a.minority += b.minority
	}
}

// table is everyone, by id, with the tallies of their organisation paths.
type table struct {
	people  []person
	places  []string // organisation paths; places[0] is unused
	placeOf map[string]int32
	// tallies[i] counts the people at places[i] as of day (the age bands
	// move with it); nil until the first count.
	tallies []tally
	day     civil.Date
	starts  [7]uint16
}

func newTable(size int64) *table {
	return &table{people: make([]person, 0, size+1), places: []string{""}, placeOf: map[string]int32{}}
}

func (t *table) place(path string) int32 {
	if i, ok := t.placeOf[path]; ok {
		return i
	}
	i := int32(len(t.places))
	t.places, t.placeOf[path] = append(t.places, path), i
	if t.tallies != nil {
		t.tallies = append(t.tallies, tally{})
	}
	return i
}

// put inserts or replaces a person, keeping the tallies.
func (t *table) put(r row) {
	if n := int(r.id) + 1; n > len(t.people) {
		t.people = append(t.people, make([]person, n-len(t.people))...)
	}
	old, p := t.people[r.id], person{place: t.place(r.path), birth: r.birth, codes: r.codes}
	if t.tallies != nil {
		if old.place != 0 {
			t.tallies[old.place].add(old, &t.starts, -1)
		}
		t.tallies[p.place].add(p, &t.starts, 1)
	}
	t.people[r.id] = p
}

// sum adds up the tallies of the paths in sc, counting everyone again
// first when the day (and so the age bands) changed.
func (t *table) sum(sc scope.Subtree, today civil.Date) tally {
	if t.tallies == nil || !t.day.Equal(today) {
		t.day, t.starts, t.tallies = today, bandStarts(today), make([]tally, len(t.places))
		for _, p := range t.people {
			if p.place != 0 {
				t.tallies[p.place].add(p, &t.starts, 1)
			}
		}
	}
	var out tally
	for i, path := range t.places {
		if sc.Contains(path) {
			out.plus(&t.tallies[i])
		}
	}
	return out
}

// snapshot holds the table and what its refreshes need.
type snapshot struct {
	mu       sync.Mutex
	tab      *table // nil until the first full load
	maxID    int64
	seen     int64     // the largest updated_at read
	swept    int64     // when the last re-read of the overlap began (unix ms)
	loadedAt time.Time // of the last full load
	loading  bool
	// first is held by the first full load: the views that arrive while
	// it runs wait for it rather than each load everyone again (seconds
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

// row is a person as read from the database.
type row struct {
	id           int64
	path         string
	codes, birth uint16
}

// cols ends with updated_at, or a constant in the full load: that reads
// the index persons_path_filters alone (migration 00041), which holds no
// updated_at.
const cols = "id, org_path, status, category, gender, education, ethnicity, COALESCE(birth_date, '')"

// scan calls fn for each row of query (cols and updated_at) and returns
// the largest updated_at.
func scan(ctx context.Context, q db.Querier, query string, fn func(row), args ...any) (int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var seen int64
	var path, status, category, gender, education, ethnicity, birth string
	for rows.Next() {
		var r row
		var updated int64
		if err := rows.Scan(&r.id, &path, &status, &category, &gender, &education, &ethnicity, &birth, &updated); err != nil {
			return 0, err
		}
		r.path, r.codes, r.birth = path, pack(status, category, gender, education, ethnicity), dayNumber(birth)
		seen = max(seen, updated)
		fn(r)
	}
	return seen, rows.Err()
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
	var changed []row
	collect := func(r row) { changed = append(changed, r) }
	seen, err := scan(ctx, q, "SELECT "+cols+", updated_at FROM persons WHERE updated_at >= ?", collect, since)
	if err != nil {
		return err
	}
	seen2, err := scan(ctx, q, "SELECT "+cols+", updated_at FROM persons WHERE id > ?", collect, maxID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range changed {
		s.tab.put(r)
		s.maxID = max(s.maxID, r.id)
	}
	s.seen = max(s.seen, seen, seen2)
	return nil
}

func (s *snapshot) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tab == nil
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

// reload reads everyone into a new table. The largest id and updated_at
// are read first: a row written during the scan is newer, and the next
// refresh reads it again.
func (s *snapshot) reload(ctx context.Context, q db.Querier) error {
	started := time.Now()
	var maxID, seen int64
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0), COALESCE(MAX(updated_at), 0) FROM persons").Scan(&maxID, &seen)
	var tab *table
	if err == nil {
		tab = newTable(maxID)
		// No ORDER BY: the table keeps people by id, and the index's own
		// order (by path) makes each path's rows follow each other.
		_, err = scan(ctx, q, "SELECT "+cols+", 0 FROM persons", tab.put)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loading = false
	s.loads++
	if err != nil {
		return err
	}
	s.tab, s.maxID, s.seen, s.loadedAt, s.swept = tab, maxID, seen, started, started.UnixMilli()
	return nil
}

// count adds up the people of the subtree sc.
func (s *snapshot) count(sc scope.Subtree, today civil.Date) tally {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tab.sum(sc, today)
}
