package transfer

import (
	"context"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// The create form picks the member by a search (a bureau has thousands, too
// many for one list) and the receiving organisation from every branch of
// the bureau: the receiving side may lie outside the sender's scope.

// pickLimit is how many matches of each party status the form offers.
const pickLimit = 20

// FindPeople lists the party members in the caller's scope whose name,
// pinyin or initials start with q, 正式 then 预备 (at most pickLimit of
// each), with the number of all matches, and audits the search as the
// member list does.
func FindPeople(ctx context.Context, d *core.Deps, p *auth.Principal, q string) ([]member.Person, member.Total, error) {
	q = strings.TrimSpace(q)
	total := member.Total{Exact: true}
	if q == "" {
		return nil, total, nil
	}
	var out []member.Person
	for _, status := range []string{"full", "probationary"} {
		ps, n, err := member.Search(ctx, d.DB, d.Keys, p, member.Filter{Q: q, Status: status, PerPage: pickLimit})
		if err != nil {
			return nil, total, err
		}
		out, total = append(out, ps...), member.Total{N: total.N + n.N, Exact: total.Exact && n.Exact}
	}
	return out, total, d.Audit.Record(ctx, d.DB, audit.Event{Action: "transfer.person_search", ObjectType: "person",
		Detail: map[string]any{"filter": member.Filter{Q: q}.Masked(), "total": total.N}})
}

// orgGroup is the branches under one top-level organisation.
type orgGroup struct {
	Label string
	Orgs  []org.Org
}

// receivingOrgs groups the live branches of the whole bureau, in the
// order of the organisation tree, by the organisation directly under the
// root they belong to.
func receivingOrgs(ctx context.Context, q db.Querier) ([]orgGroup, error) {
	all, err := org.Subtree(ctx, q, scope.All())
	if err != nil {
		return nil, err
	}
	byID := map[int64]org.Org{}
	for _, o := range all {
		byID[o.ID] = o
	}
	var groups []orgGroup
	at := map[int64]int{}
	for _, o := range all {
		if o.Dissolved() || o.Kind != org.Branch && o.Kind != org.Joint {
			continue
		}
		top := topOf(o, byID)
		i, ok := at[top.ID]
		if !ok {
			i = len(groups)
			at[top.ID] = i
			groups = append(groups, orgGroup{Label: org.ShortName(top.Name, top.ShortName)})
		}
		groups[i].Orgs = append(groups[i].Orgs, o)
	}
	return groups, nil
}

// topOf is the organisation directly under the root above o (o itself
// when it is one, the root for the root).
func topOf(o org.Org, byID map[int64]org.Org) org.Org {
	ids := strings.Split(strings.Trim(o.Path, "/"), "/")
	if len(ids) < 2 {
		return o
	}
	id, _ := strconv.ParseInt(ids[1], 10, 64)
	if top, ok := byID[id]; ok {
		return top
	}
	return o
}
