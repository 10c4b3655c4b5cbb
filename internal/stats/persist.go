package stats

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"strings"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/db"
)

// The snapshot is saved in the database (stats_snapshot, migration 00042)
// by the hourly jobs, so that a restarted server counts from it and
// the rows changed since (a few milliseconds) instead of waiting for a full
// load (seconds at a million people). A backup holds the snapshot of its own
// rows. The saved rows carry no name and no ID number: a person is an id, an
// organisation path, codes and a birth day number.

// signature names the meaning of the codes: a version whose lists differ
// (a status added, reordered) ignores a snapshot saved by another.
var signature = func() uint64 {
	h := fnv.New64a()
	var kinds []string
	for _, k := range orgKinds {
		kinds = append(kinds, k.Key)
	}
	for _, list := range [][]string{{"hongdun-stats-2"}, member.Statuses, member.Categories, member.Genders, member.Educations, kinds} {
		_, _ = h.Write([]byte(strings.Join(list, "\x00") + "\x01")) // a hash's Write never fails
	}
	return h.Sum64()
}()

var errBadSnapshot = errors.New("统计快照格式不符")

// encode writes the table and its marks: the signature, the marks, the
// last sweep and the last full load, the paths, then each person (8 bytes)
// and organisation (5), and the ids of the announcements of late writes
// taken into account. It is nil while there is no table.
func (s *snapshot) encode() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tab
	if t == nil {
		return nil
	}
	b := binary.LittleEndian.AppendUint64(nil, signature)
	for _, m := range s.marks {
		b = binary.LittleEndian.AppendUint64(b, uint64(m.maxID))
		b = binary.LittleEndian.AppendUint64(b, uint64(m.seen))
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(s.swept))
	b = binary.LittleEndian.AppendUint64(b, uint64(s.loadedAt.UnixMilli()))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.places)))
	for _, p := range t.places {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.people)))
	for _, p := range t.people {
		b = binary.LittleEndian.AppendUint32(b, uint32(p.place))
		b = binary.LittleEndian.AppendUint16(b, p.birth)
		b = binary.LittleEndian.AppendUint16(b, p.codes)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.orgs)))
	for _, o := range t.orgs {
		b = binary.LittleEndian.AppendUint32(b, uint32(o.place))
		b = append(b, o.kind)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.late)))
	for id := range s.late {
		b = binary.LittleEndian.AppendUint64(b, uint64(id))
	}
	return b
}

// decoder reads what encode wrote, failing once on a short or foreign input.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.err = errBadSnapshot
		return make([]byte, max(n, 0))
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.take(8)) }
func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.take(4)) }
func (d *decoder) u16() uint16 { return binary.LittleEndian.Uint16(d.take(2)) }

// count reads a length of items of size bytes each, refusing one the rest
// of the input cannot hold (before allocating for it).
func (d *decoder) count(size int) int {
	n := int(d.u32())
	if n*size > len(d.b) {
		d.err = errBadSnapshot
		return 0
	}
	return n
}

// decode reads what encode wrote into a snapshot's fields.
func decode(b []byte, s *snapshot) error {
	d := &decoder{b: b}
	if d.u64() != signature {
		return errBadSnapshot
	}
	for i := range s.marks {
		s.marks[i] = mark{int64(d.u64()), int64(d.u64())}
	}
	s.swept, s.loadedAt = int64(d.u64()), time.UnixMilli(int64(d.u64()))
	t := &table{placeOf: map[string]int32{}}
	t.places = make([]string, d.count(1))
	for i := range t.places {
		n, w := binary.Uvarint(d.b)
		if w <= 0 {
			return errBadSnapshot
		}
		d.b = d.b[w:]
		t.places[i] = string(d.take(int(n)))
		if i > 0 {
			t.placeOf[t.places[i]] = int32(i)
		}
	}
	t.people = make([]person, d.count(8))
	for i := range t.people {
		t.people[i] = person{place: int32(d.u32()), birth: d.u16(), codes: d.u16()}
	}
	t.orgs = make([]orgEntry, d.count(5))
	for i := range t.orgs {
		t.orgs[i] = orgEntry{place: int32(d.u32()), kind: d.take(1)[0]}
	}
	if len(d.b) > 0 { // a version before the announcements of late writes saved none
		s.late = map[int64]bool{}
		for range d.count(8) {
			s.late[int64(d.u64())] = true
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errBadSnapshot
	}
	if d.err == nil && len(t.places) == 0 {
		d.err = errBadSnapshot
	}
	for _, p := range t.people {
		if d.err == nil && (p.place < 0 || int(p.place) >= len(t.places)) {
			d.err = errBadSnapshot
		}
	}
	for _, o := range t.orgs {
		if d.err == nil && (o.place < 0 || int(o.place) >= len(t.places)) {
			d.err = errBadSnapshot
		}
	}
	if d.err != nil {
		return d.err
	}
	s.tab = t
	return nil
}

// partSize is the most of the snapshot one row holds. SQLite copies a
// value into memory of its own, which it keeps for reuse: a snapshot of 8 MB
// in one row left 8 MB more resident in an idle server.
const partSize = 64 << 10

// save replaces the saved snapshot by the current one (nothing before the
// first load), in rows of partSize in id order.
func (s *snapshot) save(ctx context.Context, d *db.DB, now time.Time) error {
	b := s.encode()
	if b == nil {
		return nil
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM stats_snapshot"); err != nil {
			return err
		}
		for len(b) > 0 {
			part := b[:min(partSize, len(b))]
			if _, err := tx.ExecContext(ctx, "INSERT INTO stats_snapshot (saved_at, data) VALUES (?, ?)", now.UnixMilli(), part); err != nil {
				return err
			}
			b = b[len(part):]
		}
		return nil
	})
}

// Keep brings the saved snapshot up to date with the rows written since
// it was saved (a full load when there is none) and saves it. A bulk writer
// (the demo generator, a large import) calls it once it has committed, so
// that the next start counts from a snapshot that holds its rows instead
// of reading them all again.
func Keep(ctx context.Context, d *db.DB, now time.Time) error {
	s := &snapshot{loading: true} // kept for one save: no reload in the background
	if err := s.refresh(ctx, d, now.UnixMilli()); err != nil {
		return err
	}
	return s.save(ctx, d, now)
}

// readSaved reads the saved snapshot's parts into one (empty when none).
func readSaved(ctx context.Context, q db.Querier) ([]byte, error) {
	rows, err := q.QueryContext(ctx, "SELECT data FROM stats_snapshot ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []byte
	for rows.Next() {
		var part []byte
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, rows.Err()
}

// restore takes the saved snapshot when the snapshot is empty, reporting
// whether there was one to take. The first refresh then sweeps: it reads
// everything stamped since a minute before the saved snapshot's last sweep;
// and when the saved snapshot's full load is older than reloadEvery, it
// loads everyone again in the background, as for a snapshot kept in memory.
func (s *snapshot) restore(ctx context.Context, q db.Querier) (bool, error) {
	b, err := readSaved(ctx, q)
	if err != nil || len(b) == 0 {
		return false, err
	}
	var saved snapshot
	if err := decode(b, &saved); err != nil {
		return false, nil // saved by a version that counted otherwise, or cut short: load afresh
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tab != nil {
		return false, nil
	}
	s.tab, s.marks, s.swept, s.loadedAt, s.late = saved.tab, saved.marks, saved.swept, saved.loadedAt, saved.late
	return true, nil
}

// warm takes the saved snapshot and the rows changed since, then (views
// meanwhile count from it) loads everyone afresh; with nothing saved, it
// runs the full load and saves it.
func (s *snapshot) warm(ctx context.Context, d *db.DB) error {
	restored, err := s.restore(ctx, d)
	if err != nil {
		return err
	}
	if !restored {
		// Nothing saved yet (the first start after an upgrade): save the
		// full load at once for the next start, not at the hourly jobs.
		if err := s.refresh(ctx, d, time.Now().UnixMilli()); err != nil {
			return err
		}
		return s.save(ctx, d, time.Now())
	}
	s.mu.Lock()
	s.loading = true // the reload below, not one more in the background
	s.mu.Unlock()
	if err := s.refresh(ctx, d, time.Now().UnixMilli()); err != nil {
		s.mu.Lock()
		s.loading = false
		s.mu.Unlock()
		return err
	}
	return s.reload(ctx, d)
}
