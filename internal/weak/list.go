package weak

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
)

// Filter narrows the yearly list.
type Filter struct {
	Year          int
	OrgID         int64
	State         string
	Page, PerPage int // PerPage 0: all (the export)
}

// List is one page of a year's cases.
type List struct {
	Year    int            `json:"year"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Items   []Case         `json:"items"`
	Counts  map[string]int `json:"counts"` // by state, before the state filter
}

// Cases lists the year's cases of the caller's scope (narrowed by the
// filter), overdue and open ones first, each with the other years its
// branch was listed.
func Cases(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*List, error) {
	if f.State != "" && StateLabel(f.State) == "" {
		return nil, fail.NotAllowed("state", "状态只能是 rectifying（整顿中）、submitted（已申请验收）或 accepted（已验收销号）")
	}
	sub, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	params, _, err := ParamsOf(ctx, d.DB, bureauOf(sub.Root()), f.Year)
	if err != nil {
		return nil, err
	}
	w, args := sub.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.year = ? AND "+w+
		" ORDER BY CASE c.state WHEN 'rectifying' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END, c.deadline, o.path", append([]any{f.Year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := civil.Today(d.Now())
	l := &List{Year: f.Year, Page: f.Page, PerPage: f.PerPage, Items: []Case{}, Counts: map[string]int{}}
	var all []Case
	for rows.Next() {
		c, err := scanCase(rows, params, today)
		if err != nil {
			return nil, err
		}
		l.Counts[c.State]++
		if f.State == "" || c.State == f.State {
			all = append(all, *c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	l.Total = len(all)
	if f.PerPage == 0 {
		l.Items = append(l.Items, all...)
	} else if lo := (f.Page - 1) * f.PerPage; lo < len(all) {
		l.Items = all[lo:min(lo+f.PerPage, len(all))]
	}
	var orgs []int64
	for _, c := range l.Items {
		orgs = append(orgs, c.OrgID)
	}
	years, err := yearsListed(ctx, d.DB, orgs)
	if err != nil {
		return nil, err
	}
	for i := range l.Items {
		for _, y := range years[l.Items[i].OrgID] {
			if y != f.Year {
				l.Items[i].Earlier = append(l.Items[i].Earlier, y)
			}
		}
	}
	return l, nil
}
