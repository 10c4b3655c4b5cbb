package org

import (
	"context"
	"time"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Seats is an organisation's committee on a day: how many sit on it,
// whether one of them is the 书记, and since when the 书记 post has been
// empty (the day the last 书记 left, or the day the organisation was set
// up when it never had one).
type Seats struct {
	Committee   int    `json:"committee"`
	Secretary   bool   `json:"secretary"`
	VacantSince string `json:"vacant_since,omitempty"`
}

// Complete reports whether the committee is what a branch with full
// 正式党员 needs (rules.md §1): a 支部委员会 of at least MinCommittee with a
// 书记 from CommitteeFrom members on, else a 书记.
func (s Seats) Complete(full int) bool {
	if full >= DefaultRules.CommitteeFrom {
		return s.Secretary && s.Committee >= DefaultRules.MinCommittee
	}
	return s.Secretary
}

// SeatsOf returns the seats of every live organisation of s on today.
func SeatsOf(ctx context.Context, q db.Querier, s scope.Subtree, today civil.Date) (map[int64]Seats, error) {
	orgs, err := Subtree(ctx, q, s)
	if err != nil {
		return nil, err
	}
	w, args := s.Where("o.path")
	rows, err := q.QueryContext(ctx, `SELECT c.org_id, c.post, COALESCE(c.ended_on, '') FROM committee_members c JOIN orgs o ON o.id = c.org_id
		WHERE `+w+` AND c.term_start <= ?`, append(args, today.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Seats{}
	lastLeft := map[int64]string{} // the latest day a 书记 left
	for rows.Next() {
		var id int64
		var post, ended string
		if err := rows.Scan(&id, &post, &ended); err != nil {
			return nil, err
		}
		st := out[id]
		current := ended == "" || ended > today.String()
		switch {
		case current:
			st.Committee++
			st.Secretary = st.Secretary || post == Secretary
		case post == Secretary && ended > lastLeft[id]:
			lastLeft[id] = ended
		}
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.Dissolved() {
			delete(out, o.ID)
			continue
		}
		st := out[o.ID]
		if !st.Secretary {
			st.VacantSince = lastLeft[o.ID]
			if st.VacantSince == "" {
				st.VacantSince = civil.Today(time.UnixMilli(o.CreatedAt)).String()
			}
		}
		out[o.ID] = st
	}
	return out, nil
}
