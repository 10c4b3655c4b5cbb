package transfer

import (
	"context"
	"slices"
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

// receiverOrg is a branch a transfer may go to, shown in a plain list after
// the organisation directly under the root it belongs to (「雁塔分局 ›
// 城关派出所党支部」), as the search box shows its path.
type receiverOrg struct {
	org.Org
	top string // "" for one directly under the root
}

// ChoiceIndent is the branch's top-level organisation in a plain list.
func (r receiverOrg) ChoiceIndent() string {
	if r.top == "" {
		return ""
	}
	return r.top + " › "
}

// receiving is what the receiving side of a transfer may be: any live
// branch of the bureau, outside the sender's scope too.
var receiving = org.Only{Kinds: org.BranchKinds, Bureau: true}

// receivingOrgs lists the live branches of the whole bureau, in the order
// of the organisation tree, those under one organisation directly under
// the root together.
func receivingOrgs(ctx context.Context, q db.Querier) ([]receiverOrg, error) {
	all, err := org.Subtree(ctx, q, scope.All())
	if err != nil {
		return nil, err
	}
	byID := map[int64]org.Org{}
	for _, o := range all {
		byID[o.ID] = o
	}
	var out []receiverOrg
	group := map[string]int{} // top → its place in the list
	for _, o := range all {
		if o.Dissolved() || !receiving.Keeps(&o) {
			continue
		}
		r := receiverOrg{Org: o}
		if top := topOf(o, byID); top.ID != o.ID {
			r.top = org.ShortName(top.Name, top.ShortName)
		}
		if _, ok := group[r.top]; !ok {
			group[r.top] = len(group)
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b receiverOrg) int { return group[a.top] - group[b.top] })
	return out, nil
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
