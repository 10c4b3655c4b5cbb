package annual

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"log/slog"
	"time"

	"hongdun/internal/platform/db"
)

// The snapshot is kept in the database too (table annual_snapshot), written
// after each full read: at a million people the full read costs about 10 s
// of CPU (5.6 million rows through the driver), while the stored copy is
// 68.5 MB in 66 rows and reads and decodes in about 0.4 s. The first report
// after a start reads it and then, as every refresh does, the persons
// changed since its marks, so the memory is still held only while reports
// are asked for.

// storeFormat changes whenever the encoding or the history's meaning does;
// a stored copy of another format is ignored (and replaced by the next
// full read).
const storeFormat = 1

const storePart = 1 << 20 // bytes of one row of annual_snapshot

// encode writes h, its marks and when it was read, compactly: numbers as
// varints, each person's events after them with their days as differences.
func (h *history) encode(m marks, at time.Time) []byte {
	b := make([]byte, 0, len(h.people)*64)
	u := func(v uint64) { b = binary.AppendUvarint(b, v) }
	s := func(v int64) { b = binary.AppendVarint(b, v) }
	u(storeFormat)
	s(at.UnixMilli())
	s(m.person)
	s(m.updated)
	s(m.event)
	s(m.transfer)
	u(uint64(len(h.vocab.words)))
	for _, w := range h.vocab.words {
		u(uint64(len(w)))
		b = append(b, w...)
	}
	u(uint64(len(h.people)))
	var nev, names int // what the arrays hold in use, for decode to size them
	for i := range h.people {
		nev, names = nev+int(h.people[i].nev), names+int(h.people[i].nameLen)
	}
	u(uint64(nev))
	u(uint64(names))
	var last int64
	for i := range h.people {
		p := &h.people[i]
		s(p.id - last)
		last = p.id
		s(int64(p.org))
		s(int64(p.before))
		for _, d := range [...]day{p.birth, p.apply, p.activist, p.candidate, p.join, p.full, p.left} {
			s(int64(d))
		}
		for _, c := range [...]code{p.gender, p.ethnicity, p.education, p.category, p.status} {
			u(uint64(c))
		}
		b = append(b, p.derived, p.flags)
		name := h.nameOf(p)
		u(uint64(len(name)))
		b = append(b, name...)
		evs := h.eventsOf(p)
		u(uint64(len(evs)))
		var on day
		for _, e := range evs {
			s(int64(e.on - on))
			on = e.on
			s(int64(e.org))
			u(uint64(e.kind))
		}
	}
	putLists(&b, h.from)
	putLists(&b, h.undated)
	return b
}

func putLists[T int32 | int64](b *[]byte, m map[int64][]T) {
	*b = binary.AppendUvarint(*b, uint64(len(m)))
	for id, xs := range m {
		*b = binary.AppendVarint(*b, id)
		*b = binary.AppendUvarint(*b, uint64(len(xs)))
		for _, x := range xs {
			*b = binary.AppendVarint(*b, int64(x))
		}
	}
}

var errStored = errors.New("annual: the stored snapshot does not decode")

// decoder reads what encode wrote; the first fault sticks.
type decoder struct {
	b   []byte
	err error
}

func (r *decoder) u() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err, r.b = errStored, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// s reads what binary.AppendVarint wrote: a zig-zag unsigned varint.
func (r *decoder) s() int64 {
	u := r.u()
	if u&1 != 0 {
		return ^int64(u >> 1)
	}
	return int64(u >> 1)
}

// count is a length that must fit in what is left, each item taking at
// least one byte.
func (r *decoder) count() int {
	n := r.u()
	if n > uint64(len(r.b)) {
		r.err, r.b = errStored, nil
		return 0
	}
	return int(n)
}

func (r *decoder) bytes(n int) []byte {
	if n > len(r.b) {
		r.err, r.b = errStored, nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// decode reads a stored copy; ok is false for one of another format.
func decode(b []byte) (h *history, m marks, at time.Time, ok bool, err error) {
	r := &decoder{b: b}
	if r.u() != storeFormat {
		return nil, m, at, false, nil
	}
	at = time.UnixMilli(r.s())
	m = marks{person: r.s(), updated: r.s(), event: r.s(), transfer: r.s()}
	h = &history{vocab: vocab{codes: map[string]code{}}, from: map[int64][]int32{}, undated: map[int64][]int64{}}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		h.vocab.code(r.bytes(r.count()))
	}
	// Every vocabulary starts with the words the replay names.
	if len(h.vocab.words) < len(seededWords) || r.err != nil {
		return nil, m, at, false, errStored
	}
	for i, w := range seededWords {
		if h.vocab.words[i] != w {
			return nil, m, at, false, errStored
		}
	}
	valid := func(c uint64) code {
		if c >= uint64(len(h.vocab.words)) {
			r.err = errStored
			return cNone
		}
		return code(c)
	}
	n := r.count()
	h.people = make([]person, 0, n)
	h.events, h.names = make([]event, 0, r.count()), make([]byte, 0, r.count())
	var last int64
	for ; n > 0 && r.err == nil; n-- {
		var p person
		last += r.s()
		p.id = last
		p.org, p.before = int32(r.s()), int32(r.s())
		for _, d := range [...]*day{&p.birth, &p.apply, &p.activist, &p.candidate, &p.join, &p.full, &p.left} {
			*d = day(r.s())
		}
		for _, c := range [...]*code{&p.gender, &p.ethnicity, &p.education, &p.category, &p.status} {
			*c = valid(r.u())
		}
		if fl := r.bytes(2); fl != nil {
			p.derived, p.flags = fl[0], fl[1]
		}
		name := r.bytes(r.count())
		p.name, p.nameLen = uint32(len(h.names)), uint16(len(name))
		h.names = append(h.names, name...)
		p.ev = uint32(len(h.events))
		nev := r.count()
		p.nev = uint16(nev)
		var on day
		for ; nev > 0 && r.err == nil; nev-- {
			on += day(r.s())
			h.events = append(h.events, event{on: on, org: int32(r.s()), kind: valid(r.u())})
		}
		h.people = append(h.people, p)
	}
	getLists(r, h.from)
	getLists(r, h.undated)
	if r.err != nil || len(r.b) != 0 {
		return nil, m, at, false, errStored
	}
	return h, m, at, true, nil
}

func getLists[T int32 | int64](r *decoder, m map[int64][]T) {
	for n := r.count(); n > 0 && r.err == nil; n-- {
		id := r.s()
		xs := make([]T, r.count())
		for i := range xs {
			xs[i] = T(r.s())
		}
		m[id] = xs
	}
}

// store replaces the stored copy with h. A failure only costs the next
// start its quick first report, so it is logged, not returned.
func store(ctx context.Context, d *db.DB, h *history, m marks, at time.Time) {
	b := h.encode(m, at)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM annual_snapshot"); err != nil {
			return err
		}
		for part := 0; len(b) > 0; part++ {
			n := min(len(b), storePart)
			if _, err := tx.ExecContext(ctx, "INSERT INTO annual_snapshot (part, data) VALUES (?, ?)", part, b[:n]); err != nil {
				return err
			}
			b = b[n:]
		}
		return nil
	})
	if err != nil {
		slog.WarnContext(ctx, "保存年报历史快照失败", "err", err)
	}
}

// storedCurrent reports whether a stored copy of the current format is
// there, from the first bytes of its first part (the format's varint).
func storedCurrent(ctx context.Context, d *db.DB) (bool, error) {
	var head []byte
	err := d.QueryRowContext(ctx, "SELECT substr(data, 1, ?) FROM annual_snapshot WHERE part = 0", binary.MaxVarintLen64).Scan(&head)
	if db.IsNoRows(err) {
		return false, nil
	}
	format, n := binary.Uvarint(head)
	return n > 0 && format == storeFormat, err
}

// stored reads the stored copy; ok is false when there is none to use.
func stored(ctx context.Context, d *db.DB) (h *history, m marks, at time.Time, ok bool, err error) {
	var parts int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM annual_snapshot").Scan(&parts); err != nil || parts == 0 {
		return nil, m, at, false, err
	}
	rows, err := d.QueryContext(ctx, "SELECT data FROM annual_snapshot ORDER BY part")
	if err != nil {
		return nil, m, at, false, err
	}
	defer rows.Close()
	b := make([]byte, 0, parts*storePart)
	for rows.Next() {
		var part sql.RawBytes // copied once, into b
		if err := rows.Scan(&part); err != nil {
			return nil, m, at, false, err
		}
		b = append(b, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, m, at, false, err
	}
	return decode(b)
}
