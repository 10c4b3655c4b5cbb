package community

import (
	"context"
	"sort"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
)

// Total is what one member, branch or unit did in a year.
type Total struct {
	ID         int64  `json:"id"` // the person, or the organisation
	Name       string `json:"name"`
	Org        string `json:"org,omitempty"` // a member's organisation
	Activities int    `json:"activities"`
	HoursX10   int    `json:"hours_x10"`
	Served     int    `json:"served"`   // people served by the organisation's activities
	Resolved   int    `json:"resolved"` // 关键小事 resolved
	Reported   int    `json:"reported"` // members of the organisation reported to where they live
}

func (t *Total) add(o Total) {
	t.Activities += o.Activities
	t.HoursX10 += o.HoursX10
	t.Served += o.Served
	t.Resolved += o.Resolved
	t.Reported += o.Reported
}

// Groupings of the totals.
var byLabels = map[string]string{"member": "党员", "branch": "党组织", "unit": "下一级单位"}

// Totals are the year's totals of a scope, by member, by organisation or
// by unit (the organisations directly under the scope's top, such as its
// 分局), biggest first, with their sum.
type Totals struct {
	Year    int     `json:"year"`
	By      string  `json:"by"`
	ByLabel string  `json:"by_label"`
	Sum     Total   `json:"sum"`
	Total   int     `json:"total"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Items   []Total `json:"items"`
}

// TotalsOf computes the totals of a year in the caller's scope narrowed to
// orgID; PerPage 0 returns every row (the export).
func (s *Service) TotalsOf(ctx context.Context, p *auth.Principal, orgID int64, year int, by string, page, perPage int) (*Totals, error) {
	if by == "" {
		by = "branch"
	}
	if byLabels[by] == "" {
		return nil, fail.NotAllowed("by", "汇总方式只能是 member（党员）、branch（党组织）或 unit（下一级单位）")
	}
	sub, err := org.Narrow(ctx, s.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	root := orgID
	if root == 0 {
		root = p.OrgID // the caller's scope is their organisation's subtree
	}
	in, args := sub.Where("o.path")
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	rows := map[int64]*Total{}
	get := func(id int64, name string) *Total {
		if rows[id] == nil {
			rows[id] = &Total{ID: id, Name: name}
		}
		return rows[id]
	}
	if by == "member" {
		q := `SELECT ap.person_id, ap.name, MAX(o.name), COUNT(*), SUM(ap.hours_x10) FROM community_activity_people ap
			JOIN community_activities a ON a.id = ap.activity_id JOIN orgs o ON o.id = a.org_id
			WHERE ` + in + ` AND a.held_on >= ? AND a.held_on <= ? GROUP BY ap.person_id, ap.name`
		r, err := s.DB.QueryContext(ctx, q, append(args, from, to)...)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		for r.Next() {
			var t Total
			if err := r.Scan(&t.ID, &t.Name, &t.Org, &t.Activities, &t.HoursX10); err != nil {
				return nil, err
			}
			*get(t.ID, t.Name) = t
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
	} else {
		inYear := append(append([]any{}, args...), from, to)
		atEnd := append(append([]any{}, args...), to, to) // reports live at the year's end
		for _, q := range []struct {
			sql  string
			args []any
			into func(t *Total, n, m int)
		}{
			{`SELECT a.org_id, o.name, COUNT(*), COALESCE(SUM(a.served), 0) FROM community_activities a JOIN orgs o ON o.id = a.org_id
				WHERE ` + in + ` AND a.held_on >= ? AND a.held_on <= ? GROUP BY a.org_id, o.name`, inYear, func(t *Total, n, m int) { t.Activities, t.Served = n, m }},
			{`SELECT a.org_id, o.name, COALESCE(SUM(ap.hours_x10), 0), 0 FROM community_activity_people ap JOIN community_activities a ON a.id = ap.activity_id
				JOIN orgs o ON o.id = a.org_id WHERE ` + in + ` AND a.held_on >= ? AND a.held_on <= ? GROUP BY a.org_id, o.name`, inYear, func(t *Total, n, _ int) { t.HoursX10 = n }},
			{`SELECT i.org_id, o.name, COUNT(*), 0 FROM community_issues i JOIN orgs o ON o.id = i.org_id
				WHERE ` + in + ` AND i.resolved_on >= ? AND i.resolved_on <= ? GROUP BY i.org_id, o.name`, inYear, func(t *Total, n, _ int) { t.Resolved = n }},
			{`SELECT r.org_id, o.name, COUNT(*), 0 FROM community_reports r JOIN orgs o ON o.id = r.org_id
				WHERE ` + in + ` AND r.person_id IS NOT NULL AND r.reported_on <= ? AND (r.ended_on IS NULL OR r.ended_on > ?) GROUP BY r.org_id, o.name`,
				atEnd, func(t *Total, n, _ int) { t.Reported = n }},
		} {
			r, err := s.DB.QueryContext(ctx, q.sql, q.args...)
			if err != nil {
				return nil, err
			}
			for r.Next() {
				var id int64
				var name string
				var n, m int
				if err := r.Scan(&id, &name, &n, &m); err != nil {
					r.Close()
					return nil, err
				}
				q.into(get(id, name), n, m)
			}
			r.Close()
			if err := r.Err(); err != nil {
				return nil, err
			}
		}
		if by == "unit" {
			if rows, err = rollUp(ctx, s, rows, root); err != nil {
				return nil, err
			}
		}
	}
	out := &Totals{Year: year, By: by, ByLabel: byLabels[by], Page: page, PerPage: perPage, Items: []Total{}}
	var all []Total
	for _, t := range rows {
		out.Sum.add(*t)
		all = append(all, *t)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].HoursX10 != all[j].HoursX10 {
			return all[i].HoursX10 > all[j].HoursX10
		}
		return all[i].Name < all[j].Name
	})
	out.Total = len(all)
	if perPage > 0 {
		lo := min((page-1)*perPage, len(all))
		all = all[lo:min(lo+perPage, len(all))]
	}
	out.Items = append(out.Items, all...)
	return out, nil
}

// rollUp adds each organisation's totals to the unit directly under root
// that holds it (root's own rows stay root's).
func rollUp(ctx context.Context, s *Service, rows map[int64]*Total, root int64) (map[int64]*Total, error) {
	ix, err := org.All(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := map[int64]*Total{}
	for id, t := range rows {
		unit := ix[id]
		for unit != nil && unit.ID != root && unit.ParentID != root {
			unit = ix[unit.ParentID]
		}
		if unit == nil {
			continue
		}
		if out[unit.ID] == nil {
			out[unit.ID] = &Total{ID: unit.ID, Name: unit.Name}
		}
		out[unit.ID].add(*t)
	}
	return out, nil
}
