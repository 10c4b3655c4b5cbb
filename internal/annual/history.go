package annual

import (
	"context"
	"database/sql"
	"hash/maphash"
	"slices"
	"sort"
	"time"

	"hongdun/internal/platform/db"
)

// The report replays everyone's dated history. At a million people reading
// it from the database costs far more than replaying it, so the history is
// kept in compact form (dates as numbers, texts as codes of a vocabulary,
// events and names in two shared arrays: about 150 bytes a person), either
// read for one report or kept between reports by the snapshot.

// day is a civil date packed as yyyymmdd, which orders as its text
// YYYY-MM-DD does; 0 is no date, badDay a text not written that way.
type day int32

const badDay day = -1

// dayOf reads a date as the database holds it.
func dayOf(b []byte) day {
	if len(b) == 0 {
		return 0
	}
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return badDay
	}
	n := 0
	for i, c := range b {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return badDay
		}
		n = n*10 + int(c-'0')
	}
	if n == 0 {
		return badDay
	}
	return day(n)
}

func dayOfString(s string) day { return dayOf([]byte(s)) }

func (d day) year() int { return int(d) / 10000 }

// String is the date's text, as recorded.
func (d day) String() string {
	switch d {
	case 0:
		return ""
	case badDay:
		return "（格式不符）"
	}
	b := []byte("0000-00-00")
	for i, n := 9, int(d); i >= 0; i-- {
		if i == 4 || i == 7 {
			continue
		}
		b[i], n = byte('0'+n%10), n/10
	}
	return string(b)
}

// valid reports whether d is a real date.
func (d day) valid() bool {
	if d <= 0 {
		return false
	}
	y, m, dd := int(d)/10000, time.Month(int(d)/100%100), int(d)%100
	if m < 1 || m > 12 || dd < 1 {
		return false
	}
	return dd <= 28 || time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Day() == dd
}

// code is a text of the history (a kind of event, a status, a gender…) as
// its place in the vocabulary.
type code uint16

// The codes the replay names; every vocabulary starts with these words.
const (
	cNone code = iota
	cApply
	cActivist
	cCandidate
	cJoin
	cFull
	cExtend
	cCancel
	cSuspend
	cRestore
	cTransferIn
	cTransferOut
	cDeath
	cApplicant
	cProbationary
	cCancelled
	cSuspended
	cTransferred
	cDeceased
)

var seeded = newVocab()

var seededWords = []string{"", "apply", "activist", "candidate", "join", "full", "extend", "cancel", "suspend", "restore",
	"transfer_in", "transfer_out", "death", "applicant", "probationary", "cancelled", "suspended", "transferred", "deceased"}

type vocab struct {
	words []string
	codes map[string]code
}

func newVocab() vocab {
	v := vocab{codes: map[string]code{}}
	for _, w := range seededWords {
		v.code([]byte(w))
	}
	return v
}

func (v *vocab) code(b []byte) code {
	if c, ok := v.codes[string(b)]; ok {
		return c
	}
	w := string(b)
	c := code(len(v.words))
	v.words, v.codes[w] = append(v.words, w), c
	return c
}

// person is one registered person as the report replays them.
type person struct {
	id                                             int64
	name, ev                                       uint32 // offsets of the name in names and the events in events
	org                                            int32  // today's organisation
	before                                         int32  // where they were before their first move inside the system; 0 unknown
	birth, apply, activist, candidate, join, full  day
	left                                           day
	nameLen, nev                                   uint16
	gender, ethnicity, education, category, status code
	derived                                        uint8 // events made from the record's dates
	flags                                          uint8
}

const (
	moved      uint8 = 1 << iota // a received transfer was read
	movedOut                     // an inside transfer from some organisation (any state) names them
	hasUndated                   // a received transfer without its date
	twin                         // someone else may have the same name and birth date
)

// event is one dated entry of a person's history.
type event struct {
	on   day
	org  int32 // transfer_in: the receiving organisation
	kind code
}

const eventSize = 12 // bytes of an event

// size is what a person holds in the arrays of events and names.
func (p *person) size() int { return int(p.nev)*eventSize + int(p.nameLen) }

// history is the compact history of a set of persons.
type history struct {
	people  []person // sorted by id
	events  []event  // each person's oldest first; synthesized from the dates when none are recorded
	names   []byte
	vocab   vocab
	from    map[int64][]int32 // organisations inside transfers moved a person out of
	undated map[int64][]int64 // received transfers without a date, by person
	garbage int               // bytes left in the arrays by persons read again
}

func newHistory() *history {
	return &history{vocab: newVocab(), from: map[int64][]int32{}, undated: map[int64][]int64{}}
}

func (h *history) eventsOf(p *person) []event { return h.events[p.ev : p.ev+uint32(p.nev)] }

func (h *history) nameOf(p *person) []byte { return h.names[p.name : p.name+uint32(p.nameLen)] }

func (h *history) word(c code) string { return h.vocab.words[c] }

// find returns the index of the person with id, -1 when absent.
func (h *history) find(id int64) int {
	i := sort.Search(len(h.people), func(i int) bool { return h.people[i].id >= id })
	if i < len(h.people) && h.people[i].id == id {
		return i
	}
	return -1
}

// pick is the condition on a person id column that chooses whom to read.
type pick func(col string) (string, []any)

// read appends the persons pick chooses (in id order, after any read
// before) with their events and received transfers.
func (h *history) read(ctx context.Context, q db.Querier, who pick) error {
	first := len(h.people)
	if err := h.readPeople(ctx, q, who); err != nil {
		return err
	}
	if err := h.readEvents(ctx, q, who, first); err != nil {
		return err
	}
	if err := h.readMoves(ctx, q, who, first); err != nil {
		return err
	}
	for i := first; i < len(h.people); i++ {
		h.fillIn(&h.people[i])
	}
	return nil
}

var twinSeed = maphash.MakeSeed()

// twinKey is a hash of the person's name and birth date.
func (h *history) twinKey(p *person) uint64 {
	return maphash.Bytes(twinSeed, h.nameOf(p)) ^ uint64(p.birth)*0x9e3779b97f4a7c15
}

// markTwins flags the persons whose name and birth date someone else may
// share, so that the check of duplicates looks only at them.
func (h *history) markTwins() {
	keys := make([]uint64, 0, len(h.people))
	for i := range h.people {
		if p := &h.people[i]; p.birth != 0 {
			keys = append(keys, h.twinKey(p))
		}
	}
	slices.Sort(keys)
	for i := range h.people {
		p := &h.people[i]
		p.flags &^= twin
		if p.birth == 0 {
			continue
		}
		k := h.twinKey(p)
		if j, _ := slices.BinarySearch(keys, k); j+1 < len(keys) && keys[j+1] == k {
			p.flags |= twin
		}
	}
}

func (h *history) readPeople(ctx context.Context, q db.Querier, who pick) error {
	w, args := who("p.id")
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.org_id, p.name, p.gender, p.ethnicity, COALESCE(p.birth_date, ''), p.education, p.category, p.status,
		COALESCE(p.apply_date, ''), COALESCE(p.activist_date, ''), COALESCE(p.candidate_date, ''), COALESCE(p.join_date, ''),
		COALESCE(p.full_date, ''), COALESCE(p.left_date, '') FROM persons p WHERE `+w+` ORDER BY p.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var org int64
	var name, gender, eth, birth, edu, cat, status, apply, activist, candidate, join, full, left sql.RawBytes
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &org, &name, &gender, &eth, &birth, &edu, &cat, &status,
			&apply, &activist, &candidate, &join, &full, &left); err != nil {
			return err
		}
		p.org = int32(org)
		p.name, p.nameLen = uint32(len(h.names)), uint16(min(len(name), 1<<16-1))
		h.names = append(h.names, name[:p.nameLen]...)
		v := &h.vocab
		p.gender, p.ethnicity, p.education, p.category, p.status = v.code(gender), v.code(eth), v.code(edu), v.code(cat), v.code(status)
		p.birth, p.apply, p.activist, p.candidate = dayOf(birth), dayOf(apply), dayOf(activist), dayOf(candidate)
		p.join, p.full, p.left = dayOf(join), dayOf(full), dayOf(left)
		p.ev = uint32(len(h.events))
		h.people = append(h.people, p)
	}
	return rows.Err()
}

// at returns the person with id among those read from index first on.
func (h *history) at(first int, id int64) *person {
	ps := h.people[first:]
	i := sort.Search(len(ps), func(i int) bool { return ps[i].id >= id })
	if i < len(ps) && ps[i].id == id {
		return &ps[i]
	}
	return nil
}

func (h *history) readEvents(ctx context.Context, q db.Querier, who pick, first int) error {
	w, args := who("e.person_id")
	rows, err := q.QueryContext(ctx, `SELECT e.person_id, e.kind, e.on_date, COALESCE(e.org_id, 0) FROM person_events e
		WHERE `+w+` ORDER BY e.person_id, e.on_date, e.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var p *person
	var pid, org int64
	var kind, on sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&pid, &kind, &on, &org); err != nil {
			return err
		}
		if p == nil || p.id != pid {
			if p = h.at(first, pid); p != nil {
				p.ev = uint32(len(h.events)) // rows come grouped by person
			}
		}
		if p != nil && p.nev < 1<<16-1 {
			h.events = append(h.events, event{on: dayOf(on), org: int32(org), kind: h.vocab.code(kind)})
			p.nev++
		}
	}
	return rows.Err()
}

// readMoves reads the transfers: where a person was before their first
// received move, the received moves recorded without a date, and the
// organisations an inside transfer (in any state) moves them out of.
func (h *history) readMoves(ctx context.Context, q db.Querier, who pick, first int) error {
	w, args := who("t.person_id")
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.person_id, t.state = 'received', t.kind = 'inside', COALESCE(t.from_org_id, 0), COALESCE(t.closed_on, '') FROM transfers t
		WHERE (t.state = 'received' OR t.kind = 'inside') AND `+w+` ORDER BY t.person_id, t.closed_on, t.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, pid, from int64
		var received, inside bool
		var on string
		if err := rows.Scan(&id, &pid, &received, &inside, &from, &on); err != nil {
			return err
		}
		p := h.at(first, pid)
		if p == nil {
			continue
		}
		if inside && from != 0 {
			p.flags |= movedOut
			h.from[pid] = append(h.from[pid], int32(from))
		}
		if !received {
			continue
		}
		if on == "" {
			p.flags |= hasUndated
			h.undated[pid] = append(h.undated[pid], id)
		}
		if p.flags&moved == 0 {
			p.before, p.flags = int32(from), p.flags|moved
		}
	}
	return rows.Err()
}

// fillIn completes the recorded history with what the record's dates say
// and no recorded event does (rosters imported without their history): the
// development dates, and how the person left.
func (h *history) fillIn(p *person) {
	var has [cDeceased + 1]bool
	evs := h.eventsOf(p)
	for _, e := range evs {
		if e.kind <= cDeceased {
			has[e.kind] = true
		}
	}
	var add []event
	put := func(kind code, on day) {
		if on != 0 && !has[kind] {
			add = append(add, event{kind: kind, on: on})
		}
	}
	put(cApply, p.apply)
	put(cActivist, p.activist)
	put(cCandidate, p.candidate)
	put(cJoin, p.join)
	put(cFull, p.full)
	if k := leaving[p.status]; k != cNone {
		put(k, p.left)
	}
	if len(add) == 0 {
		return
	}
	// The person's events move to the end of the array with the new ones.
	if p.ev+uint32(p.nev) != uint32(len(h.events)) {
		h.garbage += len(evs) * eventSize
		p.ev = uint32(len(h.events))
		h.events = append(h.events, evs...)
	}
	h.events = append(h.events, add...)
	p.nev += uint16(len(add))
	p.derived = uint8(len(add))
	evs = h.eventsOf(p)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].on < evs[j].on })
}

// leaving is the event that put a person in each status of having left.
var leaving = map[code]code{cSuspended: cSuspend, cTransferred: cTransferOut, cDeceased: cDeath, cCancelled: cCancel}
