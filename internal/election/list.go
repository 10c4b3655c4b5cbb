package election

import (
	"context"
	"net/url"
	"sort"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
)

// Filter narrows the list.
type Filter struct {
	OrgID         int64
	State         string
	Year          int
	Page, PerPage int
}

// ParseFilter reads org, state and year (the page is the shared pager's:
// web.Paging).
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{State: q.Get("state")}
	var err error
	if f.OrgID, err = input.ID("org", "组织", q.Get("org")); err != nil {
		return f, err
	}
	if f.Year, err = input.Year("year", q.Get("year"), 0); err != nil {
		return f, err
	}
	if f.State != "" && StateLabel(f.State) == "" {
		return f, fail.NotAllowed("state", "状态只能是 recorded（待上级批复）或 approved（已批复）")
	}
	return f, nil
}

// List is one page of elections.
type List = listing.List[Election]

// List returns the elections of the caller's scope, newest first; PerPage
// 0 returns them all (the export).
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (*List, error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	in, args := sub.Where("o.path")
	where := from + " WHERE " + in
	if f.State != "" {
		where += " AND e.state = ?"
		args = append(args, f.State)
	}
	if f.Year != 0 {
		where += " AND e.held_on >= ? AND e.held_on <= ?"
		args = append(args, strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year)+"-12-31")
	}
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, cols, where, "e.held_on DESC, e.id DESC", args, scan)
}

// Due is an organisation whose term has ended or ends within the warning
// period (rules.md §1: six months), soonest first.
type Due struct {
	OrgID   int64  `json:"org_id"`
	Name    string `json:"name"`
	TermEnd string `json:"term_end"`
	Expired bool   `json:"expired"`
}

// DueTerms lists the organisations of the caller's scope (narrowed to
// orgID) that are due for 换届.
func (s *Service) DueTerms(ctx context.Context, p *auth.Principal, orgID int64) ([]Due, error) {
	sub, err := org.Narrow(ctx, s.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	os, err := org.Subtree(ctx, s.DB, sub)
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.Now())
	warn := today.AddMonths(org.DefaultRules.WarnMonths).String()
	var out []Due
	for _, o := range os {
		if o.TermEnd != "" && !o.Dissolved() && o.HasTerm() && o.TermEnd <= warn {
			out = append(out, Due{OrgID: o.ID, Name: o.Name, TermEnd: o.TermEnd, Expired: o.TermEnd < today.String()})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TermEnd < out[j].TermEnd })
	return out, nil
}
