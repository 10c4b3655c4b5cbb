// Package community keeps 双报到 and 为民办实事: the communities with their
// "1+2" structure (公安党组织 + 小区党组织 + 居民组织), the units that
// report to the community where they sit and the in-service members who
// report to the one where they live, service activities and 为民办实事 with
// the hours of those who served, the ledger of residents' 关键小事, each
// community's yearly feedback, and the totals per member, branch and 分局.
package community

import (
	"context"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Service runs the feature.
type Service struct{ *core.Deps }

// Ratings of a resident's or a community's feedback.
var Ratings = []struct{ Key, Label string }{{"satisfied", "满意"}, {"basic", "基本满意"}, {"unsatisfied", "不满意"}}

// RatingLabel names a rating ("" when unknown).
func RatingLabel(k string) string {
	for _, r := range Ratings {
		if r.Key == k {
			return r.Label
		}
	}
	return ""
}

// needPerson refuses an account without a member record.
func needPerson(p *auth.Principal) error {
	if p.Role != auth.Member || p.PersonID == 0 {
		return fail.Denied("no_person", "当前账号未关联党员信息")
	}
	return nil
}

// bureauOf is the whole bureau of a member, whose communities they may
// report to wherever they live, and the member's own organisation.
func bureauOf(ctx context.Context, q db.Querier, personID int64) (scope.Subtree, *org.Org, error) {
	orgID, path, err := member.OrgOf(ctx, q, personID)
	if err != nil {
		return scope.Subtree{}, nil, err
	}
	as, err := org.Ancestors(ctx, q, path)
	if err != nil || len(as) == 0 {
		return scope.Subtree{}, nil, err
	}
	own := as[0]
	if own.ID != orgID {
		return scope.Subtree{}, nil, fail.NotFound()
	}
	return scope.Under(as[len(as)-1].Path), &own, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
