package pioneer

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Board is a branch's display board (图版上墙): its posts with their
// members and photos, and its members' commitments of a year.
type Board struct {
	Org         *org.Org
	Year        int
	Size        string // a4 or a3
	Secretary   string
	Posts       []Post
	Commitments []Commitment
	Members     int // party members of the branch today
}

// BoardOf gathers the board of an organisation the caller may read.
func (s *Service) BoardOf(ctx context.Context, p *auth.Principal, orgID int64, year int, size string) (*Board, error) {
	path, err := org.ReadablePath(ctx, s.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, s.DB, orgID)
	if err != nil {
		return nil, err
	}
	if size != "a3" {
		size = "a4"
	}
	b := &Board{Org: o, Year: year, Size: size}
	cm, err := org.CommitteeOf(ctx, s.DB, o.ID, civil.Today(s.Now()).String())
	if err != nil {
		return nil, err
	}
	for _, m := range cm {
		if m.Current && m.Post == org.Secretary {
			b.Secretary = m.PersonName
		}
	}
	sub := scope.Under(path)
	counts, err := org.CountsIn(ctx, s.DB, s.Census, sub)
	if err != nil {
		return nil, err
	}
	b.Members = counts[o.ID].Members
	in, args := sub.Where("o.path")
	ids, err := db.IDs(ctx, s.DB, "SELECT t.id FROM pioneer_posts t JOIN orgs o ON o.id = t.org_id WHERE "+in+" AND t.ended_on IS NULL ORDER BY t.kind, t.name", args...)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, err := loadPost(ctx, s.DB, sub, id)
		if err != nil {
			return nil, err
		}
		b.Posts = append(b.Posts, *t)
	}
	l, err := s.ListCommitments(ctx, p, CommitFilter{OrgID: orgID, Year: year})
	if err != nil {
		return nil, err
	}
	b.Commitments = l.Items
	return b, nil
}
