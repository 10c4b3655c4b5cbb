// Package annual is the 党内统计 year-end report (年报): the tables the upper
// 组织部 asks for, as of 12月31日 of any year, for a subtree, computed by
// replaying every person's dated party history (person_events, received
// transfers) rather than reading today's status; the check of that history
// before filing; its .xlsx and print forms; and the leader's trends.
package annual

import (
	"context"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// orgRow is an organisation as the report counts it.
type orgRow struct {
	org.Org
	since              day // first day it existed as far as the registry knows
	dissolved, termEnd day
	secretary          [][2]day
}

// data is everything one report (or several years of it) needs: the
// subtree's organisations and the history of everyone who belonged to it
// at some time.
type data struct {
	*history
	root *org.Org
	orgs []*orgRow
	byID []*orgRow // by organisation id: the subtree's, dissolved ones included
	sel  []int32   // the persons of history who belonged to the subtree: today's members, whoever was received into or moved out of one of its organisations
}

// subject reads the subtree's organisations and their 书记.
func subject(ctx context.Context, q db.Querier, root *org.Org, sc scope.Subtree) (*data, error) {
	d := &data{root: root}
	orgs, err := org.Subtree(ctx, q, sc)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		r := &orgRow{Org: o, since: dayOfString(civil.Today(time.UnixMilli(o.CreatedAt)).String()),
			dissolved: dayOfString(o.DissolvedOn), termEnd: dayOfString(o.TermEnd)}
		if t := dayOfString(o.TermStart); t != 0 && t < r.since {
			r.since = t
		}
		for int(o.ID) >= len(d.byID) {
			d.byID = append(d.byID, nil)
		}
		d.orgs, d.byID[o.ID] = append(d.orgs, r), r
	}
	return d, d.loadSecretaries(ctx, q, sc)
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
		if o := d.orgOf(id); o != nil {
			o.secretary = append(o.secretary, [2]day{dayOfString(from), dayOfString(to)})
		}
	}
	return rows.Err()
}

// who chooses, in SQL, the persons who belonged to the subtree at some
// time (what attach chooses in memory).
func who(sc scope.Subtree) pick {
	w1, a1 := sc.HasOrg("p.org_id")
	w2, a2 := sc.HasOrg("e.org_id")
	w3, a3 := sc.HasOrg("t.from_org_id")
	w := "(" + w1 + " OR p.id IN (SELECT e.person_id FROM person_events e WHERE e.kind = 'transfer_in' AND " + w2 +
		") OR p.id IN (SELECT t.person_id FROM transfers t WHERE t.kind = 'inside' AND " + w3 + "))"
	args := append(append(append([]any{}, a1...), a2...), a3...)
	return func(col string) (string, []any) {
		if col == "p.id" {
			return w, args
		}
		return col + " IN (SELECT p.id FROM persons p WHERE " + w + ")", args
	}
}

// orgOf is the subtree's organisation id, nil for one outside it.
func (d *data) orgOf(id int64) *orgRow {
	if id > 0 && id < int64(len(d.byID)) {
		return d.byID[id]
	}
	return nil
}

func (d *data) inOrg(id int32) bool { return d.orgOf(int64(id)) != nil }

// attach chooses the persons of h who belonged to the subtree at some time
// and dates the organisations by them.
func (d *data) attach(h *history) {
	d.history = h
	for i := range h.people {
		p := &h.people[i]
		if d.belongs(p) {
			d.sel = append(d.sel, int32(i))
		}
	}
	d.backdate()
}

func (d *data) belongs(p *person) bool {
	if d.inOrg(p.org) {
		return true
	}
	for _, e := range d.eventsOf(p) {
		if e.kind == cTransferIn && d.inOrg(e.org) {
			return true
		}
	}
	if p.flags&movedOut != 0 {
		for _, o := range d.from[p.id] {
			if d.inOrg(o) {
				return true
			}
		}
	}
	return false
}

// backdate moves an organisation's first day back to the first day the
// history places someone in it (the registry keeps no founding date, and
// created_at is when the record was entered), and a parent's back to its
// earliest child's.
func (d *data) backdate() {
	for _, i := range d.sel {
		p := &d.people[i]
		evs := d.eventsOf(p)
		s := p.initial(evs)
		for _, e := range evs {
			p.step(&s, e)
			if o := d.orgOf(int64(s.org)); o != nil && s.status != cNone && e.on < o.since {
				o.since = e.on
			}
		}
	}
	for i := len(d.orgs) - 1; i >= 0; i-- { // children come after their parents
		o := d.orgs[i]
		if parent := d.orgOf(o.ParentID); parent != nil && o.since < parent.since {
			parent.since = o.since
		}
	}
}
