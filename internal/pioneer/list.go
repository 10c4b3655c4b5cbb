package pioneer

import (
	"context"
	"net/url"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// PostFilter narrows the list of posts.
type PostFilter struct {
	OrgID         int64
	Kind          string
	Ended         bool // the posts that were stood down, instead of the live ones
	Page, PerPage int
}

// ParsePostFilter reads org, kind and ended (the page is the shared
// pager's: web.Paging).
func ParsePostFilter(q url.Values) (PostFilter, error) {
	f := PostFilter{Kind: q.Get("kind"), Ended: q.Get("ended") == "1"}
	var err error
	if f.OrgID, err = input.ID("org", "组织", q.Get("org")); err != nil {
		return f, err
	}
	if f.Kind != "" && KindLabel(f.Kind) == "" {
		return f, fail.NotAllowed("kind", "类型只能是 model（示范岗）、vanguard（先锋岗）或 zone（责任区）")
	}
	return f, nil
}

// Posts is one page of posts.
type Posts = listing.List[Post]

// ListPosts returns the posts of the caller's scope; PerPage 0 returns all.
func (s *Service) ListPosts(ctx context.Context, p *auth.Principal, f PostFilter) (*Posts, error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	in, args := sub.Where("o.path")
	where := " FROM pioneer_posts t JOIN orgs o ON o.id = t.org_id WHERE " + in
	if f.Kind != "" {
		where += " AND t.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Ended {
		where += " AND t.ended_on IS NOT NULL"
	} else {
		where += " AND t.ended_on IS NULL"
	}
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, postCols, where, "o.path, t.kind, t.name", args, scanPost)
}

// CommitFilter narrows the list of commitments.
type CommitFilter struct {
	OrgID         int64
	Year          int
	Reviewed      string // "yes", "no" or "" for both
	Page, PerPage int
}

// ParseCommitFilter reads org, year (default this year) and reviewed (the
// page is the shared pager's: web.Paging).
func ParseCommitFilter(q url.Values, today civil.Date) (CommitFilter, error) {
	f := CommitFilter{Reviewed: q.Get("reviewed")}
	var err error
	if f.OrgID, err = input.ID("org", "组织", q.Get("org")); err != nil {
		return f, err
	}
	if f.Year, err = input.Year("year", q.Get("year"), today.Year()); err != nil {
		return f, err
	}
	if f.Reviewed != "" && f.Reviewed != "yes" && f.Reviewed != "no" {
		return f, fail.NotAllowed("reviewed", "评价情况只能是 yes（已评价）或 no（未评价）")
	}
	return f, nil
}

// Commitments is one page of commitments with the totals of the scope.
type Commitments struct {
	listing.List[Commitment]
	Members  int `json:"members"`  // party members of the selection's organisations today
	Made     int `json:"made"`     // commitments made this year
	Reviewed int `json:"reviewed"` // of which reviewed
}

// ListCommitments returns the commitments of a year in the caller's
// scope, by organisation and name; PerPage 0 returns all.
func (s *Service) ListCommitments(ctx context.Context, p *auth.Principal, f CommitFilter) (*Commitments, error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	root := f.OrgID
	if root == 0 {
		root = p.OrgID // the caller's scope is their organisation's subtree
	}
	return s.listCommitments(ctx, sub, root, f)
}

// listCommitments lists the commitments of sub, whose top organisation is root.
func (s *Service) listCommitments(ctx context.Context, sub scope.Subtree, root int64, f CommitFilter) (*Commitments, error) {
	in, args := sub.Where("o.path")
	base := " FROM pioneer_commitments c JOIN orgs o ON o.id = c.org_id WHERE " + in + " AND c.year = ?"
	args = append(args, f.Year)
	out := &Commitments{List: listing.Of[Commitment](f.Page, f.PerPage)}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.review <> '' THEN 1 ELSE 0 END), 0)"+base, args...).
		Scan(&out.Made, &out.Reviewed); err != nil {
		return nil, err
	}
	counts, err := org.CountsIn(ctx, s.DB, s.Census, sub)
	if err != nil {
		return nil, err
	}
	out.Members = counts[root].Members
	where := base
	switch f.Reviewed {
	case "yes":
		where += " AND c.review <> ''"
	case "no":
		where += " AND c.review = ''"
	}
	return out, out.Read(ctx, s.DB, commitCols, where, "o.path, c.name, c.id", args, scanCommitment)
}
