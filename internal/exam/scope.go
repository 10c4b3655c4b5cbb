package exam

import (
	"context"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
)

// personOrg returns the organisation and its path of a person.
func personOrg(ctx context.Context, q db.Querier, personID int64) (int64, string, error) {
	var id int64
	var path string
	err := q.QueryRowContext(ctx, "SELECT o.id, o.path FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id = ?", personID).Scan(&id, &path)
	if db.IsNoRows(err) {
		return 0, "", web.NotFound()
	}
	return id, path, err
}

// self returns the caller's person, for member pages; 403 without one.
func self(p *auth.Principal) (int64, error) {
	if p.PersonID == 0 {
		return 0, &web.Error{Status: 403, Code: "no_person", Message: "当前账号未关联党员信息，无法参加考试或竞赛"}
	}
	return p.PersonID, nil
}
