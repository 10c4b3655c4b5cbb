package training

import (
	"context"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
)

// PartyStatuses are the statuses of party members (正式党员 and 预备党员),
// the people the hours ledger and the contest participation rates count.
var PartyStatuses = []string{"probationary", "full"}

// PartyMember is the SQL condition "col is a party member's status"; the
// values are constants of this package, never user input.
func PartyMember(col string) string {
	return col + " IN ('" + PartyStatuses[0] + "', '" + PartyStatuses[1] + "')"
}

// PersonCategories lists the program categories a person belongs to: their
// kind of membership (民警党员, 辅警党员…), their post (党务工作者…), and
// 支部书记/支委委员 while they sit on a committee.
func PersonCategories(ctx context.Context, q db.Querier, personID int64) ([]string, error) {
	var category, post string
	var seat int
	err := q.QueryRowContext(ctx, `SELECT pe.category, pe.post, `+seatSQL+` FROM persons pe WHERE pe.id = ?`, personID).Scan(&category, &post, &seat)
	if err != nil {
		return nil, err
	}
	return categoriesOf(category, post, seat), nil
}

// seatSQL is a person's current seat on a committee: 2 for 书记, 1 for any
// other post, 0 for none (for categoriesOf).
const seatSQL = `COALESCE((SELECT MAX(CASE WHEN cm.post = '书记' THEN 2 ELSE 1 END) FROM committee_members cm
	WHERE cm.person_id = pe.id AND cm.ended_on IS NULL), 0)`

// categoriesOf names the program categories of a person's membership
// category, post and committee seat: every member of a committee is a
// 支委委员, only the one holding 书记 is also a 支部书记.
func categoriesOf(category, post string, seat int) []string {
	out := []string{}
	if category != "" {
		out = append(out, category+"党员")
	}
	if post != "" {
		out = append(out, post)
	}
	if seat >= 1 {
		out = append(out, "支委委员")
	}
	if seat == 2 {
		out = append(out, "支部书记")
	}
	return out
}

// anyCategory reports whether a person of categories mine is among an
// audience limited to want; an audience naming none is everyone.
func anyCategory(want, mine []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, c := range want {
		if oneOf(c, mine) {
			return true
		}
	}
	return false
}

// orgChoices are the live organisations an organiser may pick in a form.
func orgChoices(ctx context.Context, q db.Querier, p *auth.Principal) ([]org.Org, error) {
	all, err := org.Subtree(ctx, q, p.OrgPath)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, o := range all {
		if !o.Dissolved() {
			out = append(out, o)
		}
	}
	return out, nil
}
