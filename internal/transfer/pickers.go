package transfer

import (
	"context"
	"errors"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/web"
)

// The create form picks the member by a search (a bureau has thousands, too
// many for one list) and the receiving organisation by a search of every
// branch of the bureau: the receiving side may lie outside the sender's scope.

// pickLimit is how many matches of each party status the form offers.
const pickLimit = 20

// FindPeople lists the party members in the caller's scope whose name,
// pinyin or initials start with q, 正式 then 预备 (at most pickLimit of
// each), with the number of all matches, and audits the search as the
// member list does.
func FindPeople(ctx context.Context, d *core.Deps, p *auth.Principal, q string) ([]member.Person, listing.Total, error) {
	q = strings.TrimSpace(q)
	total := listing.Total{Exact: true}
	if q == "" {
		return nil, total, nil
	}
	var out []member.Person
	for _, status := range []string{"full", "probationary"} {
		ps, n, err := member.Search(ctx, d.DB, d.Keys, p, member.Filter{Q: q, Status: status, PerPage: pickLimit})
		if err != nil {
			return nil, total, err
		}
		out, total = append(out, ps...), listing.Total{N: total.N + n.N, Exact: total.Exact && n.Exact}
	}
	return out, total, d.Audit.Record(ctx, d.DB, audit.Event{Action: "transfer.person_search", ObjectType: "person",
		Detail: map[string]any{"filter": member.Filter{Q: q}.Masked(), "total": total.N}})
}

// receiving is what the receiving side of a transfer may be: any live
// branch of the bureau, outside the sender's scope too.
var receiving = org.Only{Kinds: org.BranchKinds, Bureau: true}

// receivingPick is the receiving side's picker: it always searches the
// bureau (receiving.Query) rather than list its branches on every view
// (nearly all of 19,262 organisations at a million members), knowing only
// the branch chosen in a form sent back. Create checks what is posted.
func receivingPick(ctx context.Context, q db.Querier, chosen int64) (*web.PickList, error) {
	var list []org.Org
	if chosen != 0 {
		o, err := org.Get(ctx, q, chosen)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		if err == nil && !o.Dissolved() && receiving.Keeps(o) {
			list = append(list, *o)
		}
	}
	return web.NewPickList(list)
}
