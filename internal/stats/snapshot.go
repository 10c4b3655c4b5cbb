package stats

import (
	"context"
	"database/sql"
	"maps"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// A full scan costs seconds per million people on SQLite, so the dashboard
// keeps a compact copy of every person (8 bytes each) and organisation and
// refreshes it from the rows changed since its last look. Beside it, the
// figures are kept summed per organisation path (a tally), so that a view
// adds up the tallies of its subtree (about 19,000 at a million people)
// instead of counting a million people, and reads no table but for the
// changes.

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

// fields are the person's columns the dashboard counts, read as one
// string (a column costs the SQLite driver more than the text it holds),
// and cut apart by unpack.
const fields = "status || '|' || category || '|' || gender || '|' || education || '|' || ethnicity || '|' || COALESCE(birth_date, '')"

// unpack reads fields into codes and a birth day number.
func unpack(s string) (c, birth uint16) {
	var v [6]string
	for i := range 5 {
		v[i], s, _ = strings.Cut(s, "|")
	}
	v[5] = s
	c = codes[0][v[0]] | codes[1][v[1]]<<categoryShift | codes[2][v[2]]<<genderShift | codes[3][v[3]]<<educationShift
	if v[4] != "" && v[4] != "汉族" {
		c |= 1 << minorityShift
	}
	return c, dayNumber(v[5])
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

// orgEntry is an organisation as the dashboard counts them.
type orgEntry struct {
	place int32 // as person.place
	kind  uint8 // 1 + the index in orgKinds; 0 when dissolved or unknown, counted nowhere
}

var kindCodes = func() map[string]uint8 {
	out := map[string]uint8{}
	for i, k := range orgKinds {
		out[k.Key] = uint8(i + 1)
	}
	return out
}()

// tally is the figures of the people and the organisation at one
// organisation path.
type tally struct {
	status [1 << statusBits]int32
	party  [2]partyTally // 0 正式党员, 1 预备党员
	orgs   [8]int32      // by orgEntry.kind
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
	for i := range t.orgs {
		t.orgs[i] += o.orgs[i]
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

// table is everyone and every organisation, by id, with the tallies of
// their organisation paths.
type table struct {
	people  []person
	orgs    []orgEntry
	places  []string // organisation paths; places[0] is unused
	placeOf map[string]int32
	// tallies[i] counts the people and organisation at places[i] as of
	// day (the age bands move with it); nil until the first count.
	tallies []tally
	day     civil.Date
	starts  [7]uint16
	// version numbers the tallies for Census; 0 once they changed, until
	// Census numbers them again.
	version uint64
}

// versions numbers the tables' states, never twice in the process.
var versions atomic.Uint64

func newTable(people, orgs int64) *table {
	return &table{people: make([]person, 0, people+1), orgs: make([]orgEntry, 0, orgs+1), places: []string{""}, placeOf: map[string]int32{}}
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

// compact copies the paths into one string and rebuilds their map. Each
// path is read as a string of its own in the middle of a million others
// that are garbage at once; kept as read, the 19,000 paths of a million
// people hold on to most of the memory pages of those (measured: about 18
// MB resident beside a live heap of 22 MB).
func (t *table) compact() {
	all := strings.Join(t.places, "")
	t.placeOf = make(map[string]int32, len(t.places))
	for i, p := range t.places {
		t.places[i], all = all[:len(p)], all[len(p):]
		if i > 0 {
			t.placeOf[t.places[i]] = int32(i)
		}
	}
}

// grow makes xs at least n long.
func grow[T any](xs []T, n int64) []T {
	if int(n) > len(xs) {
		xs = append(xs, make([]T, int(n)-len(xs))...)
	}
	return xs
}

// put inserts or replaces a person, keeping the tallies.
func (t *table) put(r row) {
	t.people = grow(t.people, r.id+1)
	old, p := t.people[r.id], person{place: t.place(r.path), birth: r.birth, codes: r.codes}
	if old != p {
		t.version = 0
	}
	if t.tallies != nil {
		if old.place != 0 {
			t.tallies[old.place].add(old, &t.starts, -1)
		}
		t.tallies[p.place].add(p, &t.starts, 1)
	}
	t.people[r.id] = p
}

// putOrg inserts or replaces an organisation, keeping the tallies. A new
// id's old entry is place 0, kind 0: that row of tallies[0] is counted
// nowhere.
func (t *table) putOrg(r row) {
	t.orgs = grow(t.orgs, r.id+1)
	old, o := t.orgs[r.id], orgEntry{place: t.place(r.path), kind: uint8(r.codes)}
	if old != o {
		t.version = 0
	}
	if t.tallies != nil {
		t.tallies[old.place].orgs[old.kind]--
		t.tallies[o.place].orgs[o.kind]++
	}
	t.orgs[r.id] = o
}

// sum adds up the tallies of the paths in sc.
func (t *table) sum(sc scope.Subtree, today civil.Date) tally {
	t.tally(today)
	var out tally
	for i, path := range t.places {
		if sc.Contains(path) {
			out.plus(&t.tallies[i])
		}
	}
	return out
}

// tally counts everyone again when there are no tallies yet or the day
// (and so the age bands) changed.
func (t *table) tally(today civil.Date) {
	if t.tallies == nil || !t.day.Equal(today) {
		t.day, t.starts, t.tallies, t.version = today, bandStarts(today), make([]tally, len(t.places)), 0
		for _, p := range t.people {
			if p.place != 0 {
				t.tallies[p.place].add(p, &t.starts, 1)
			}
		}
		for _, o := range t.orgs {
			t.tallies[o.place].orgs[o.kind]++
		}
	}
}

// snapshot holds the table and what its refreshes need.
type snapshot struct {
	mu  sync.Mutex
	tab *table // nil until the first full load
	// marks of what was read, persons and orgs
	marks [2]mark
	// late holds the ids of the announcements of late writes taken into
	// account, lateSeen the latest time one was made.
	late     map[int64]bool
	lateSeen int64
	swept    int64     // when the last re-read of the overlap began (unix ms)
	loadedAt time.Time // of the last full load
	loading  bool
	// first is held by the first full load: the views that arrive while
	// it runs wait for it rather than each load everyone again (seconds
	// per million people, and the memory of one more copy, each).
	first sync.Mutex
	loads int // full loads run, which the tests of that sharing count

	users int         // views (and Warm) under way
	used  time.Time   // when the last one ended
	idle  *time.Timer // runs dropIfIdle
}

// idleAfter is how long the table stays without a view. An idle server
// then holds none of it (17 MB at a million people, of issue 16's 80 MB);
// the next view takes the saved snapshot again and the rows changed since
// (a tenth of a second at a million people) instead of a full load.
const idleAfter = time.Minute

// hold marks a view under way, during which the table is not dropped; the
// func it returns ends the view.
func (s *snapshot) hold() func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users++
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.users--
		s.used = time.Now()
		s.armLocked()
	}
}

func (s *snapshot) armLocked() {
	if s.idle == nil {
		s.idle = time.AfterFunc(idleAfter, s.dropIfIdle)
	} else {
		s.idle.Reset(idleAfter)
	}
}

// dropIfIdle lets the table go when no view used it for idleAfter.
func (s *snapshot) dropIfIdle() {
	s.mu.Lock()
	if s.tab == nil || s.users > 0 {
		s.mu.Unlock()
		return // the view under way arms the timer again when it ends
	}
	if s.loading || time.Since(s.used) < idleAfter {
		s.armLocked()
		s.mu.Unlock()
		return
	}
	s.tab, s.marks = nil, [2]mark{}
	s.mu.Unlock()
	debug.FreeOSMemory() // give the memory back now: an idle server runs no collection
}

// mark is how far a table was read: its largest id and updated_at.
type mark struct{ maxID, seen int64 }

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

// row is a person or an organisation as read from the database; an
// organisation's codes are its orgEntry.kind.
type row struct {
	id           int64
	path         string
	codes, birth uint16
}

// source is how the snapshot reads one table: the columns, then
// updated_at (which the full load replaces by a constant, so that persons
// are read from the index persons_path_filters alone, migration 00041),
// how a result row becomes a row, and where the table keeps it.
type source struct {
	from, cols string
	read       func(rows *sql.Rows) (row, int64, error)
	put        func(t *table, r row)
}

var sources = [2]source{
	{"FROM persons", "id, org_path, " + fields, func(rows *sql.Rows) (row, int64, error) {
		var r row
		var updated int64
		var f string
		err := rows.Scan(&r.id, &r.path, &f, &updated)
		r.codes, r.birth = unpack(f)
		return r, updated, err
	}, (*table).put},
	{"FROM orgs", "id, path, kind, COALESCE(dissolved_on, '')", func(rows *sql.Rows) (row, int64, error) {
		var r row
		var updated int64
		var kind, dissolved string
		err := rows.Scan(&r.id, &r.path, &kind, &dissolved, &updated)
		if dissolved == "" {
			r.codes = uint16(kindCodes[kind])
		}
		return r, updated, err
	}, (*table).putOrg},
}

// scan calls fn for each row of src's table after where (updated_at
// given as stamp) and returns the largest updated_at.
func (src *source) scan(ctx context.Context, q db.Querier, stamp, where string, fn func(row), args ...any) (int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+src.cols+", "+stamp+" "+src.from+" "+where, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var seen int64
	for rows.Next() {
		r, updated, err := src.read(rows)
		if err != nil {
			return 0, err
		}
		seen = max(seen, updated)
		fn(r)
	}
	return seen, rows.Err()
}

// refresh brings the snapshot up to date: a full load the first time, then
// the rows added or changed since the last look.
func (s *snapshot) refresh(ctx context.Context, q *db.DB, now int64) error {
	if s.empty() {
		if full, err := s.loadFirst(ctx, q); err != nil || full {
			return err
		}
	}
	s.mu.Lock()
	marks, swept, sweep := s.marks, s.swept, now-s.swept >= sweepEvery
	lateFrom, taken := s.lateSeen+1, maps.Clone(s.late)
	if sweep {
		s.swept = now
		lateFrom = min(lateFrom, swept-overlap)
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
			if s.reload(ctx, q) == nil { // a failed reload keeps the current snapshot until the next look
				_ = s.save(ctx, q, time.Now()) // else the saved one, and its stale load, serves the next start
			}
		}()
	}
	lateSince, lateIDs, lateAt, err := lateWrites(ctx, q, lateFrom, taken)
	if err != nil {
		return err
	}
	var changed [2][]row
	for i := range sources {
		src, m := &sources[i], &marks[i]
		// Anything committed since the last look is newer than what was
		// seen, or (a transaction that ran across a look) stamped at most
		// overlap before the last sweep, which the next sweep reads, or
		// stamped by a longer transaction since the time it announced.
		since := m.seen + 1
		if sweep {
			since = min(since, swept-overlap)
		}
		if lateSince != 0 {
			since = min(since, lateSince)
		}
		collect := func(r row) { changed[i] = append(changed[i], r) }
		seen, err := src.scan(ctx, q, "updated_at", "WHERE updated_at >= ?", collect, since)
		if err != nil {
			return err
		}
		seen2, err := src.scan(ctx, q, "updated_at", "WHERE id > ?", collect, m.maxID)
		if err != nil {
			return err
		}
		// A write stamped in this very millisecond may commit after the
		// reads: what was seen counts up to the millisecond before.
		m.seen = max(m.seen, min(max(seen, seen2), now-1))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, rs := range changed {
		for _, r := range rs {
			sources[i].put(s.tab, r)
			marks[i].maxID = max(marks[i].maxID, r.id)
		}
		s.marks[i] = mark{max(s.marks[i].maxID, marks[i].maxID), max(s.marks[i].seen, marks[i].seen)}
	}
	s.takeLate(lateIDs, lateAt)
	return nil
}

// takeLate records announcements of late writes as taken into account.
func (s *snapshot) takeLate(ids []int64, at int64) {
	if s.late == nil {
		s.late = map[int64]bool{}
	}
	for _, id := range ids {
		s.late[id] = true
	}
	s.lateSeen = max(s.lateSeen, at)
}

func (s *snapshot) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tab == nil
}

// loadFirst takes the saved snapshot, or else runs a full load, once for
// all the views waiting for it, and reports whether it ran the full load
// (else the caller reads the rows changed since). When it fails, the next
// one in line tries again.
func (s *snapshot) loadFirst(ctx context.Context, q *db.DB) (bool, error) {
	s.first.Lock()
	defer s.first.Unlock()
	if !s.empty() {
		return false, nil // taken while this view waited
	}
	if restored, err := s.restore(ctx, q); err != nil || restored {
		return false, err
	}
	return true, s.reload(ctx, q)
}

// reload reads everyone and every organisation into a new table. Each
// table's largest id and updated_at are read first: a row written during
// the scan is newer, and the next refresh reads it again.
func (s *snapshot) reload(ctx context.Context, q *db.DB) error {
	started := time.Now()
	var marks [2]mark
	var lateIDs []int64
	var lateAt int64
	tab, err := func() (_ *table, err error) {
		// Late writes announced before the load are in what it reads.
		if _, lateIDs, lateAt, err = lateWrites(ctx, q, 0, nil); err != nil {
			return nil, err
		}
		for i, src := range sources {
			if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0), COALESCE(MAX(updated_at), 0) "+src.from).Scan(&marks[i].maxID, &marks[i].seen); err != nil {
				return nil, err
			}
		}
		tab := newTable(marks[0].maxID, marks[1].maxID)
		for _, src := range sources {
			// No ORDER BY: the table keeps rows by id, and the index's
			// own order (by path) makes each path's rows follow each other.
			if _, err := src.scan(ctx, q, "0", "", func(r row) { src.put(tab, r) }); err != nil {
				return nil, err
			}
		}
		tab.compact()
		return tab, nil
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loading = false
	s.loads++
	if err != nil {
		return err
	}
	s.tab, s.marks, s.loadedAt, s.swept = tab, marks, started, started.UnixMilli()
	s.late, s.lateSeen = nil, 0
	s.takeLate(lateIDs, lateAt)
	return nil
}

// count adds up the people and organisations of the subtree sc.
func (s *snapshot) count(sc scope.Subtree, today civil.Date) tally {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tab.sum(sc, today)
}

// census calls each with the people of every path of sc by status, unless
// known is the tallies' version, which it returns.
func (s *snapshot) census(sc scope.Subtree, today civil.Date, known uint64, each func(path, status string, n int)) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tab
	t.tally(today)
	if t.version == 0 {
		t.version = versions.Add(1)
	}
	if t.version == known {
		return known
	}
	for i, path := range t.places {
		if !sc.Contains(path) {
			continue
		}
		for code, n := range t.tallies[i].status {
			if n != 0 && code > 0 {
				each(path, member.Statuses[code-1], int(n))
			}
		}
	}
	return t.version
}
