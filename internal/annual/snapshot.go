package annual

import (
	"cmp"
	"context"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"hongdun/internal/platform/db"
)

// The snapshot keeps everyone's history between reports, as the dashboard
// keeps its counts (internal/stats/snapshot.go): read whole on first use,
// then brought up to date before each report by reading again the persons
// whose rows changed. A person's history changes with their row (stamped
// updated_at), a new event or a new transfer (new ids), so those say whom
// to read again. It is dropped when no report asked for it for idleAfter,
// so an idle server holds none of it; a copy stored in the database
// (persist.go) makes the next first use quick. A report never writes that
// copy: a history read whole is stored when it is dropped, or by the hourly
// jobs (Save), whichever comes first.

const (
	idleAfter = 5 * time.Minute
	// overlap re-reads rows up to this old at a sweep (at most every
	// sweepEvery), for a transaction that took its ids or stamp before a
	// look and committed after it.
	overlap    = int64(time.Minute / time.Millisecond)
	sweepEvery = int64(5 * time.Second / time.Millisecond)
	// reloadEvery bounds how long a change missed by the overlap (a
	// transaction longer than it) stays: a full reload runs in the
	// background this often while the snapshot is in use.
	reloadEvery = 30 * time.Minute
	// A refresh that would read again more than this share of everyone
	// reads everyone.
	rereadShare = 4
	chunk       = 500
)

// marks are the newest rows a look has read.
type marks struct{ person, updated, event, transfer int64 }

type stamp struct {
	at int64 // unix ms
	marks
}

type snapshot struct {
	d          *db.DB
	refreshing sync.Mutex   // one load, refresh or drop at a time
	mu         sync.RWMutex // reports read h under its read lock; a refresh changes it under the write lock
	h          *history
	seen       marks
	stamps     []stamp // earlier looks, oldest first, back to overlap ago
	swept      int64
	loadedAt   time.Time
	reloading  bool
	unsaved    *stamp // the marks and time of a whole read not stored yet
	used       time.Time
	idle       *time.Timer
}

var snapshots = struct {
	sync.Mutex
	of map[*db.DB]*snapshot
}{of: map[*db.DB]*snapshot{}}

func snapshotOf(d *db.DB) *snapshot {
	snapshots.Lock()
	defer snapshots.Unlock()
	s := snapshots.of[d]
	if s == nil {
		s = &snapshot{d: d}
		snapshots.of[d] = s
	}
	return s
}

// acquire brings the snapshot up to date and returns its history, to be
// released when the report is done with it.
func (s *snapshot) acquire(ctx context.Context, d *db.DB) (*history, func(), error) {
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	if err := s.refresh(ctx, d, time.Now()); err != nil {
		return nil, nil, err
	}
	s.used = time.Now()
	if s.idle == nil {
		s.idle = time.AfterFunc(idleAfter, s.dropIfIdle)
	} else {
		s.idle.Reset(idleAfter)
	}
	s.mu.RLock()
	return s.h, s.mu.RUnlock, nil
}

// dropIfIdle lets the history go when no report used it for idleAfter,
// storing it first if it was read whole since the last store.
func (s *snapshot) dropIfIdle() {
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	if s.h == nil || time.Since(s.used) < idleAfter {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s.save(ctx)
	s.mu.Lock()
	s.h, s.stamps = nil, nil
	s.mu.Unlock()
	debug.FreeOSMemory() // give the memory back now rather than over minutes
}

func (s *snapshot) refresh(ctx context.Context, d *db.DB, now time.Time) error {
	if s.h == nil {
		h, m, at, ok, err := stored(ctx, d)
		if err != nil { // the full read below serves, and is stored over it
			slog.WarnContext(ctx, "读取年报历史快照失败", "err", err)
		}
		if !ok {
			h, m, err := readAll(ctx, d)
			if err != nil {
				return err
			}
			s.install(h, m, now)
			return nil
		}
		// Brought up to date below from its marks, looking back the overlap
		// from when it was read. What a refresh could miss is no more
		// likely for an old copy than for a fresh one (only a transaction
		// open across its reading), so the next full reload is reloadEvery
		// from now, as after a full read.
		s.install(h, m, at)
		s.loadedAt, s.unsaved = now, nil
	}
	if now.Sub(s.loadedAt) > reloadEvery && !s.reloading {
		s.reloading = true
		go s.reload(d, now)
	}
	ms := now.UnixMilli()
	from := s.seen
	from.updated++
	if ms-s.swept >= sweepEvery {
		for len(s.stamps) > 1 && s.stamps[1].at <= ms-overlap {
			s.stamps = s.stamps[1:]
		}
		from = s.stamps[0].marks
		from.updated = min(from.updated+1, s.swept-overlap)
		s.swept = ms
	}
	ids, m, err := changed(ctx, d, from)
	if err != nil {
		return err
	}
	s.seen = marks{max(s.seen.person, m.person), max(s.seen.updated, m.updated), max(s.seen.event, m.event), max(s.seen.transfer, m.transfer)}
	s.stamps = append(s.stamps, stamp{ms, s.seen})
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > len(s.h.people)/rereadShare+chunk {
		h, m, err := readAll(ctx, d)
		if err != nil {
			return err
		}
		s.install(h, m, now)
		return nil
	}
	b := newHistory()
	for c := range slices.Chunk(ids, chunk) {
		if err := b.read(ctx, d, byID(c)); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h.merge(b, ids)
	return nil
}

// install puts a history read whole in place, to be stored.
func (s *snapshot) install(h *history, m marks, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h, s.seen, s.loadedAt, s.swept = h, m, at, at.UnixMilli()
	s.stamps = []stamp{{at.UnixMilli(), m}}
	s.unsaved = &stamp{at.UnixMilli(), m}
}

// save stores the history if it was read whole since the last store. The
// changes merged into it since are newer than the marks it is stored with,
// so the first refresh after it is restored reads those persons again: no
// harm, as a merge replaces a person whole.
func (s *snapshot) save(ctx context.Context) {
	if s.h == nil || s.unsaved == nil {
		return
	}
	store(ctx, s.d, s.h, s.unsaved.marks, time.UnixMilli(s.unsaved.at))
	s.unsaved = nil
}

// Keep stores the history for the first report of the next start (the
// hourly jobs, and `hongdun demo`): the one read whole since the last store
// if one is held; else, when the database holds no copy of the current
// format (a new database, or an upgrade that changed the format), everyone
// read now and stored, without holding it afterwards. Without it the first
// report ever, or after such an upgrade, would read everyone while its
// reader waited (10 s at a million people).
func Keep(ctx context.Context, d *db.DB) error {
	s := snapshotOf(d)
	s.refreshing.Lock() // a report meanwhile waits, then takes the copy
	defer s.refreshing.Unlock()
	s.save(ctx)
	if current, err := storedCurrent(ctx, d); err != nil || current {
		return err
	}
	at := time.Now()
	h, m, err := readAll(ctx, d)
	if err != nil {
		return err
	}
	store(ctx, d, h, m, at)
	return nil
}

// reload reads everyone again in the background; the refreshes after it
// read again what changed since its marks.
func (s *snapshot) reload(d *db.DB, at time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	h, m, err := readAll(ctx, d)
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	s.reloading = false
	if err != nil || s.h == nil { // failed (the old one serves until the next try), or dropped meanwhile
		s.loadedAt = time.Now()
		return
	}
	s.install(h, m, at)
}

// readAll reads everyone's history, and the marks it is up to date with.
func readAll(ctx context.Context, q db.Querier) (*history, marks, error) {
	var m marks
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0), COALESCE(MAX(updated_at), 0) FROM persons`).Scan(&m.person, &m.updated); err != nil {
		return nil, m, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM person_events`).Scan(&m.event); err != nil {
		return nil, m, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM transfers`).Scan(&m.transfer); err != nil {
		return nil, m, err
	}
	h := newHistory()
	if err := h.read(ctx, q, func(string) (string, []any) { return "1 = 1", nil }); err != nil {
		return nil, m, err
	}
	h.markTwins()
	return h, m, nil
}

func byID(ids []int64) pick {
	return func(col string) (string, []any) {
		w, args := db.In(ids)
		return col + " IN (" + w + ")", args
	}
}

// changed returns, sorted, the persons whose row, events or transfers
// changed after from, and the newest rows it read.
func changed(ctx context.Context, q db.Querier, from marks) ([]int64, marks, error) {
	m := from
	var ids []int64
	collect := func(query string, arg int64, mark *int64) error {
		rows, err := q.QueryContext(ctx, query, arg)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
			*mark = max(*mark, n)
		}
		return rows.Err()
	}
	// No ORDER BY: each reads its index range.
	if err := collect("SELECT id, updated_at FROM persons WHERE updated_at >= ?", from.updated, &m.updated); err != nil {
		return nil, m, err
	}
	if err := collect("SELECT id, id FROM persons WHERE id > ?", from.person, &m.person); err != nil {
		return nil, m, err
	}
	if err := collect("SELECT person_id, id FROM person_events WHERE id > ?", from.event, &m.event); err != nil {
		return nil, m, err
	}
	if err := collect("SELECT COALESCE(person_id, 0), id FROM transfers WHERE id > ?", from.transfer, &m.transfer); err != nil {
		return nil, m, err
	}
	slices.Sort(ids)
	return slices.Compact(ids), m, nil
}

// merge puts the persons of b (read again) in place of theirs; a person
// of ids that b does not hold is gone.
func (h *history) merge(b *history, ids []int64) {
	codes := make([]code, len(b.vocab.words))
	for c, w := range b.vocab.words {
		codes[c] = h.vocab.code([]byte(w))
	}
	for _, id := range ids {
		old := h.find(id)
		if old >= 0 {
			h.garbage += h.people[old].size()
			delete(h.from, id)
			delete(h.undated, id)
		}
		i := b.find(id)
		if i < 0 {
			if old >= 0 {
				h.people = slices.Delete(h.people, old, old+1)
			}
			continue
		}
		p := b.people[i]
		p.gender, p.ethnicity, p.education, p.category, p.status = codes[p.gender], codes[p.ethnicity], codes[p.education], codes[p.category], codes[p.status]
		evs := b.eventsOf(&p)
		p.ev = uint32(len(h.events))
		for _, e := range evs {
			e.kind = codes[e.kind]
			h.events = append(h.events, e)
		}
		name := b.nameOf(&p)
		p.name = uint32(len(h.names))
		h.names = append(h.names, name...)
		if f := b.from[id]; f != nil {
			h.from[id] = f
		}
		if u := b.undated[id]; u != nil {
			h.undated[id] = u
		}
		switch {
		case old >= 0:
			h.people[old] = p
		case len(h.people) == 0 || h.people[len(h.people)-1].id < id:
			h.people = append(h.people, p)
		default:
			at, _ := slices.BinarySearchFunc(h.people, id, func(p person, id int64) int { return cmp.Compare(p.id, id) })
			h.people = slices.Insert(h.people, at, p)
		}
	}
	if h.garbage > (len(h.events)*eventSize+len(h.names))/2 {
		h.compact()
	}
	h.markTwins()
}

// compact copies the events and names still in use into new arrays.
func (h *history) compact() {
	events := make([]event, 0, len(h.events))
	names := make([]byte, 0, len(h.names))
	for i := range h.people {
		p := &h.people[i]
		evs, name := h.eventsOf(p), h.nameOf(p)
		p.ev, p.name = uint32(len(events)), uint32(len(names))
		events, names = append(events, evs...), append(names, name...)
	}
	h.events, h.names, h.garbage = events, names, 0
}
