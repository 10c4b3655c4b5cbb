package exam

import (
	"context"
	"errors"

	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// personOrg returns the organisation and its path of a person.
func personOrg(ctx context.Context, q db.Querier, personID int64) (int64, string, error) {
	id, path, err := member.OrgOf(ctx, q, personID)
	if errors.Is(err, db.ErrNotFound) {
		return 0, "", fail.NotFound()
	}
	return id, path, err
}

// self returns the caller's person, for member pages; 403 without one.
func self(p *auth.Principal) (int64, error) {
	if p.PersonID == 0 {
		return 0, fail.Denied("no_person", "当前账号未关联党员信息，无法参加考试或竞赛")
	}
	return p.PersonID, nil
}
