package community

import (
	"context"
	"net/url"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
)

// Filter narrows the lists: communities, activities and issues read the
// fields that apply to them.
type Filter struct {
	OrgID         int64
	CommunityID   int64
	Year          int    // activities and issues of a year; 0 for all
	State         string // issues: open, overdue, resolved
	Page, PerPage int
}

// ParseFilter reads org, community, year and state (the page is the
// shared pager's: web.Paging).
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{State: q.Get("state")}
	var err error
	if f.OrgID, err = input.ID("org", "组织", q.Get("org")); err != nil {
		return f, err
	}
	if f.CommunityID, err = input.ID("community", "社区", q.Get("community")); err != nil {
		return f, err
	}
	if f.Year, err = input.Year("year", q.Get("year"), 0); err != nil {
		return f, err
	}
	if f.State != "" && f.State != "open" && f.State != "overdue" && f.State != "resolved" {
		return f, fail.NotAllowed("state", "状态只能是 open（未办结）、overdue（逾期）或 resolved（已办结）")
	}
	return f, nil
}

// List is one page of a list.
type List[T any] = listing.List[T]

// Communities lists the communities the caller's scope works with (those
// registered in it and above it), narrowed to an organisation.
func (s *Service) Communities(ctx context.Context, p *auth.Principal, f Filter) (*List[Community], error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	where, args := visible(sub)
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, siteCols, siteFrom+" WHERE "+where, "o.path, c.name", args, scanSite)
}

// Activities lists the activities of the caller's scope, newest first.
func (s *Service) Activities(ctx context.Context, p *auth.Principal, f Filter) (*List[Activity], error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	where, args := sub.Where("o.path")
	if f.CommunityID != 0 {
		where += " AND a.community_id = ?"
		args = append(args, f.CommunityID)
	}
	if f.Year != 0 {
		where += " AND a.held_on >= ? AND a.held_on <= ?"
		args = append(args, strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year)+"-12-31")
	}
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, activityCols, activityFrom+" WHERE "+where, "a.held_on DESC, a.id DESC", args, scanActivity)
}

// Issues lists the ledger of 关键小事 of the caller's scope, open and
// oldest first.
func (s *Service) Issues(ctx context.Context, p *auth.Principal, f Filter) (*List[Issue], error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	where, args := sub.Where("o.path")
	if f.CommunityID != 0 {
		where += " AND i.community_id = ?"
		args = append(args, f.CommunityID)
	}
	if f.Year != 0 {
		where += " AND i.raised_on >= ? AND i.raised_on <= ?"
		args = append(args, strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year)+"-12-31")
	}
	today := s.today().String()
	switch f.State {
	case "open":
		where += " AND i.resolved_on IS NULL"
	case "overdue":
		where += " AND i.resolved_on IS NULL AND i.due_on < ?"
		args = append(args, today)
	case "resolved":
		where += " AND i.resolved_on IS NOT NULL"
	}
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, issueCols, issueFrom+" WHERE "+where, "CASE WHEN i.resolved_on IS NULL THEN 0 ELSE 1 END, i.raised_on, i.id", args,
		func(sc scanner) (*Issue, error) { return scanIssue(sc, today) })
}
