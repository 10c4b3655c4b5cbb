package task

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"hongdun/internal/community"
	"hongdun/internal/develop"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cite"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/training"
)

// sources are the features whose records a copy may cite as evidence: the
// receiver picks them instead of typing addresses, and a cited record must
// be the receiver's (or below it) and dated on or after the copy's start.
var sources = []cite.Source{life.Cited, training.Cited, develop.Cited, community.Cited}

// maxCitable is how many records of each kind the picker offers.
const maxCitable = 100

// Citable lists the records the receiver of a copy may cite: its subtree's
// meetings, studies, development steps and service activities dated from
// the copy's start to today (or its deadline, when later), newest first.
func Citable(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) ([]cite.Record, error) {
	c, err := getCopy(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	return citable(ctx, d, c)
}

func citable(ctx context.Context, d *core.Deps, c *Copy) ([]cite.Record, error) {
	sub, err := copyScope(ctx, d.DB, c)
	if err != nil {
		return nil, err
	}
	to := max(civil.Today(d.Now()).String(), c.DueOn)
	var out []cite.Record
	for _, s := range sources {
		rs, err := s.List(ctx, d.DB, sub, c.StartsOn, to, maxCitable)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].On > out[j].On })
	return out, nil
}

// copyScope is the receiving organisation's subtree.
func copyScope(ctx context.Context, q db.Querier, c *Copy) (scope.Subtree, error) {
	o, err := org.Get(ctx, q, c.OrgID)
	if err != nil {
		return scope.Subtree{}, err
	}
	return scope.Under(o.Path), nil
}

// resolve names the cited records among links, in order; an address that
// is no citable kind's is left out. With strict, a record that is not the
// receiver's or predates the copy refuses the whole list.
func resolve(ctx context.Context, q db.Querier, c *Copy, links []string, strict bool) ([]cite.Record, error) {
	sub, err := copyScope(ctx, q, c)
	if err != nil {
		return nil, err
	}
	var out []cite.Record
	for _, l := range links {
		for _, s := range sources {
			id, ok := cite.ID(s.Prefix, l)
			if !ok {
				continue
			}
			rec, found, err := s.Find(ctx, q, sub, id)
			switch {
			case err != nil:
				return nil, err
			case !found && strict:
				return nil, fail.NotAllowed("links", fmt.Sprintf("关联记录 %s 不是%s（含下级组织）的记录，或已不存在", l, c.OrgName))
			case found && strict && rec.On < c.StartsOn:
				return nil, fail.NotAllowed("links", fmt.Sprintf("关联记录“%s”的日期 %s 早于任务开始日期 %s，不能作为本任务的佐证", rec.Title, rec.On, c.StartsOn))
			case found:
				out = append(out, rec)
			}
		}
	}
	return out, nil
}

// OtherLinks are the linked addresses that are no cited record.
func (c *Copy) OtherLinks() []string {
	var out []string
	for _, l := range c.LinkList() {
		if !slices.ContainsFunc(c.Cited, func(r cite.Record) bool { return r.Path == l }) {
			out = append(out, l)
		}
	}
	return out
}
