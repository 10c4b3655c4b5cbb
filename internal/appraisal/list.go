package appraisal

import (
	"context"
	"net/url"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Filter narrows the list of rounds.
type Filter struct {
	OrgID         int64
	Year          int // 0: every year
	Stage         string
	Page, PerPage int
}

// ParseFilter reads org, year and stage (the page is the shared pager's:
// web.Paging).
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Stage: q.Get("stage")}
	var err error
	if f.OrgID, err = input.ID("org", "组织", q.Get("org")); err != nil {
		return f, err
	}
	if f.Year, err = input.Year("year", q.Get("year"), 0); err != nil {
		return f, err
	}
	if f.Stage != "" && f.Stage != "open" && stageLabels[f.Stage] == "" {
		return f, fail.NotAllowed("stage", "阶段只能是 self（个人自评）、vote（民主测评）、rate（组织评定）、closed（已完成）或 open（未完成）")
	}
	return f, nil
}

// List is one page of rounds with the distribution of every rating in the
// selection.
type List struct {
	listing.List[Round]
	Ratings Tally `json:"ratings"` // over the whole selection
}

// List returns the rounds of the caller's scope, newest first; PerPage 0
// returns them all (the export).
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (*List, error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	in, args := sub.Where("o.path")
	where := " FROM appraisal_rounds r JOIN orgs o ON o.id = r.org_id WHERE " + in
	if f.Year != 0 {
		where += " AND r.year = ?"
		args = append(args, f.Year)
	}
	today := s.today().String()
	switch f.Stage {
	case "closed":
		where += " AND r.closed_on IS NOT NULL"
	case "open":
		where += " AND r.closed_on IS NULL"
	case "self":
		where += " AND r.closed_on IS NULL AND ? <= r.self_due"
		args = append(args, today)
	case "vote":
		where += " AND r.closed_on IS NULL AND ? > r.self_due AND ? <= r.vote_due"
		args = append(args, today, today)
	case "rate":
		where += " AND r.closed_on IS NULL AND ? > r.vote_due"
		args = append(args, today)
	}
	out := &List{List: listing.Of[Round](f.Page, f.PerPage)}
	t := &out.Ratings
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(x.e), 0), COALESCE(SUM(x.q), 0), COALESCE(SUM(x.b), 0), COALESCE(SUM(x.u), 0) FROM (
		SELECT r.id,
		(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'excellent') AS e,
		(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'qualified') AS q,
		(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'basic') AS b,
		(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'unqualified') AS u`+where+`) x`, args...).
		Scan(&out.Total, &t.Excellent, &t.Qualified, &t.Basic, &t.Unqualified); err != nil {
		return nil, err
	}
	return out, out.Rows(ctx, s.DB, roundCols, where, "r.year DESC, o.path, r.id", args,
		func(sc listing.Scanner) (*Round, error) { return scanRound(sc, today) })
}

// Mine is what a member has to do in the rounds they are on that are not
// closed: their 自评 and their ballot.
type Mine struct {
	Items []MyRound `json:"items"`
}

// MyRound is one round as a member sees it: the others to mark.
type MyRound struct {
	Round    Round    `json:"round"`
	Me       Member   `json:"me"`
	CanVote  bool     `json:"can_vote"`
	Others   []Member `json:"others"`
	VoteOpen bool     `json:"vote_open"`
}

// MineOf lists the calling member's open rounds.
func (s *Service) MineOf(ctx context.Context, p *auth.Principal) (*Mine, error) {
	if p.Role != auth.Member || p.PersonID == 0 {
		return nil, fail.Denied("no_person", "当前账号未关联党员信息")
	}
	ids, err := db.IDs(ctx, s.DB, `SELECT r.id FROM appraisal_rounds r JOIN appraisal_members m ON m.round_id = r.id
		WHERE m.person_id = ? AND r.closed_on IS NULL ORDER BY r.year DESC, r.id`, p.PersonID)
	if err != nil {
		return nil, err
	}
	out := &Mine{Items: []MyRound{}}
	today := s.today().String()
	for _, id := range ids {
		r, err := load(ctx, s.DB, scope.All(), id, today)
		if err != nil {
			return nil, err
		}
		mr := MyRound{VoteOpen: today <= r.VoteDue}
		for _, m := range r.Members {
			if m.PersonID == p.PersonID {
				mr.Me = m
			} else {
				mr.Others = append(mr.Others, Member{PersonID: m.PersonID, Name: m.Name})
			}
		}
		mr.CanVote = mr.VoteOpen && !mr.Me.Voted
		mr.Me.Comments, mr.Me.Phone, mr.Me.Paper = nil, Tally{}, Tally{} // marks stay with the branch until it rates
		r.Members = nil
		mr.Round = *r
		out.Items = append(out.Items, mr)
	}
	return out, nil
}
