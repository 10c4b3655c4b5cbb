// Package annual is the 党内统计 year-end report (年报): the tables the upper
// 组织部 asks for, as of 12月31日 of any year, for a subtree, computed by
// replaying every person's dated party history (person_events, received
// transfers) rather than reading today's status; the check of that history
// before filing; its .xlsx and print forms; and the leader's trends.
package annual

import (
	"context"
	"sort"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// person is one registered person as the report replays them. Dates are
// YYYY-MM-DD strings, which compare in date order.
type person struct {
	id                                     int64
	org                                    int64 // today's organisation
	before                                 int64 // where they were before their first move inside the system; 0 unknown
	moved                                  bool  // a received transfer was read
	name, gender, ethnicity, birth         string
	education, category, status            string
	apply, activist, candidate, join, full string
	left                                   string
	events                                 []event // oldest first; synthesized from the dates when none are recorded
	derived                                int     // events made from the record's dates
}

// event is one dated entry of a person's history.
type event struct {
	id   int64
	kind string
	on   string
	org  int64 // transfer_in: the receiving organisation
}

// orgRow is an organisation as the report counts it.
type orgRow struct {
	org.Org
	since     string // first day it existed as far as the registry knows
	secretary [][2]string
}

// data is everything one report (or several years of it) needs.
type data struct {
	root    *org.Org
	in      map[int64]bool // organisations of the subtree, dissolved ones included
	orgs    []*orgRow
	byID    map[int64]*orgRow
	people  []*person
	undated []undatedMove
}

// undatedMove is a received transfer without its date.
type undatedMove struct {
	transferID, personID int64
	name                 string
}

// load reads the subtree's organisations and every person who belonged to
// it at some time: today's members, whoever was received into or moved out
// of one of its organisations.
func load(ctx context.Context, q db.Querier, root *org.Org, sc scope.Subtree) (*data, error) {
	d := &data{root: root, in: map[int64]bool{}, byID: map[int64]*orgRow{}}
	orgs, err := org.Subtree(ctx, q, sc)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		r := &orgRow{Org: o, since: civil.Today(time.UnixMilli(o.CreatedAt)).String()}
		if o.TermStart != "" && o.TermStart < r.since {
			r.since = o.TermStart
		}
		d.orgs, d.byID[o.ID], d.in[o.ID] = append(d.orgs, r), r, true
	}
	if err := d.loadSecretaries(ctx, q, sc); err != nil {
		return nil, err
	}
	w1, a1 := sc.HasOrg("p.org_id")
	w2, a2 := sc.HasOrg("e.org_id")
	w3, a3 := sc.HasOrg("t.from_org_id")
	who := "(" + w1 + " OR p.id IN (SELECT e.person_id FROM person_events e WHERE e.kind = 'transfer_in' AND " + w2 +
		") OR p.id IN (SELECT t.person_id FROM transfers t WHERE t.kind = 'inside' AND " + w3 + "))"
	args := append(append(append([]any{}, a1...), a2...), a3...)
	if err := d.loadPeople(ctx, q, who, args); err != nil {
		return nil, err
	}
	if err := d.loadEvents(ctx, q, who, args); err != nil {
		return nil, err
	}
	if err := d.loadMoves(ctx, q, who, args); err != nil {
		return nil, err
	}
	for _, p := range d.people {
		p.fillIn()
	}
	d.backdate()
	return d, nil
}

// backdate moves an organisation's first day back to the first day the
// history places someone in it (the registry keeps no founding date, and
// created_at is when the record was entered), and a parent's back to its
// earliest child's.
func (d *data) backdate() {
	for _, p := range d.people {
		s := p.initial()
		for _, e := range p.events {
			p.step(&s, e)
			if o := d.byID[s.org]; o != nil && s.status != "" && e.on < o.since {
				o.since = e.on
			}
		}
	}
	for i := len(d.orgs) - 1; i >= 0; i-- { // children come after their parents
		o := d.orgs[i]
		if parent := d.byID[o.ParentID]; parent != nil && o.since < parent.since {
			parent.since = o.since
		}
	}
}

func (d *data) loadSecretaries(ctx context.Context, q db.Querier, sc scope.Subtree) error {
	w, args := sc.HasOrg("org_id")
	rows, err := q.QueryContext(ctx, "SELECT org_id, term_start, COALESCE(ended_on, '') FROM committee_members WHERE post = '书记' AND "+w, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var from, to string
		if err := rows.Scan(&id, &from, &to); err != nil {
			return err
		}
		if o := d.byID[id]; o != nil {
			o.secretary = append(o.secretary, [2]string{from, to})
		}
	}
	return rows.Err()
}

func (d *data) loadPeople(ctx context.Context, q db.Querier, who string, args []any) error {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.org_id, p.name, p.gender, p.ethnicity, COALESCE(p.birth_date, ''), p.education, p.category, p.status,
		COALESCE(p.apply_date, ''), COALESCE(p.activist_date, ''), COALESCE(p.candidate_date, ''), COALESCE(p.join_date, ''),
		COALESCE(p.full_date, ''), COALESCE(p.left_date, '') FROM persons p WHERE `+who+` ORDER BY p.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p := &person{}
		if err := rows.Scan(&p.id, &p.org, &p.name, &p.gender, &p.ethnicity, &p.birth, &p.education, &p.category, &p.status,
			&p.apply, &p.activist, &p.candidate, &p.join, &p.full, &p.left); err != nil {
			return err
		}
		d.people = append(d.people, p)
	}
	return rows.Err()
}

// find returns the loaded person with id (people are sorted by id).
func (d *data) find(id int64) *person {
	i := sort.Search(len(d.people), func(i int) bool { return d.people[i].id >= id })
	if i < len(d.people) && d.people[i].id == id {
		return d.people[i]
	}
	return nil
}

func (d *data) loadEvents(ctx context.Context, q db.Querier, who string, args []any) error {
	rows, err := q.QueryContext(ctx, `SELECT e.person_id, e.id, e.kind, e.on_date, COALESCE(e.org_id, 0) FROM person_events e
		WHERE e.person_id IN (SELECT p.id FROM persons p WHERE `+who+`) ORDER BY e.person_id, e.on_date, e.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var p *person
	for rows.Next() {
		var pid int64
		var e event
		if err := rows.Scan(&pid, &e.id, &e.kind, &e.on, &e.org); err != nil {
			return err
		}
		if p == nil || p.id != pid {
			p = d.find(pid)
		}
		if p != nil {
			p.events = append(p.events, e)
		}
	}
	return rows.Err()
}

// loadMoves reads the received moves inside the system: where a person was
// before their first one, and the moves recorded without a date.
func (d *data) loadMoves(ctx context.Context, q db.Querier, who string, args []any) error {
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.person_id, COALESCE(t.from_org_id, 0), COALESCE(t.closed_on, '') FROM transfers t
		WHERE t.state = 'received' AND t.person_id IN (SELECT p.id FROM persons p WHERE `+who+`) ORDER BY t.person_id, t.closed_on, t.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, pid, from int64
		var on string
		if err := rows.Scan(&id, &pid, &from, &on); err != nil {
			return err
		}
		p := d.find(pid)
		if p == nil {
			continue
		}
		if on == "" {
			d.undated = append(d.undated, undatedMove{id, pid, p.name})
		}
		if !p.moved {
			p.before, p.moved = from, true
		}
	}
	return rows.Err()
}

// fillIn completes the recorded history with what the record's dates say
// and no recorded event does (rosters imported without their history): the
// development dates, and how the person left.
func (p *person) fillIn() {
	has := map[string]bool{}
	for _, e := range p.events {
		has[e.kind] = true
	}
	add := func(kind, on string) {
		if on != "" && !has[kind] {
			p.events = append(p.events, event{kind: kind, on: on})
			p.derived++
		}
	}
	add("apply", p.apply)
	add("activist", p.activist)
	add("candidate", p.candidate)
	add("join", p.join)
	add("full", p.full)
	if k := leaving[p.status]; k != "" {
		add(k, p.left)
	}
	if p.derived > 0 {
		sort.SliceStable(p.events, func(i, j int) bool { return p.events[i].on < p.events[j].on })
	}
}

// leaving is the event that put a person in each status of having left.
var leaving = map[string]string{"suspended": "suspend", "transferred": "transfer_out", "deceased": "death", "cancelled": "cancel"}
