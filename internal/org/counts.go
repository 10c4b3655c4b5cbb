package org

import (
	"context"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Counts returns the member counts of every organisation of tree, counted
// once per tree through the first caller's q: the leader's comparison and
// the branch facts it gathers beside it share one count. The map is shared
// by every caller of the tree and must not be changed.
func Counts(ctx context.Context, q db.Querier, tree *Orgs) (map[int64]MemberCounts, error) {
	tree.counted.Do(func() { tree.counts, tree.countErr = count(ctx, q, tree) })
	return tree.counts, tree.countErr
}

// count counts the people of each organisation of tree, through
// tree.Census or else with one grouped query, then adds each
// organisation's counts to its parent's, children first, so the work grows
// with the number of people and of organisations, not with their product.
// From the census, the counts of a kept tree are kept under the census's
// version: while no one's figures change, a count costs the census's look
// at the rows changed since (Recall).
func count(ctx context.Context, q db.Querier, tree *Orgs) (map[int64]MemberCounts, error) {
	if len(tree.List) == 0 {
		return map[int64]MemberCounts{}, nil
	}
	sums := map[int64]*MemberCounts{}
	add := func(id int64, status string, n int) { sumOf(sums, id).add(status, n) }
	if tree.Census == nil {
		if err := tableCount(ctx, q, tree, add); err != nil {
			return nil, err
		}
		return addUp(tree, sums), nil
	}
	known, kept, _ := Recall(tree, "org.Counts")
	v, _ := known.(uint64)
	ids := tree.byPath()
	version, err := tree.Census(ctx, tree.Scope, v, func(path, status string, n int) {
		if id, ok := ids[path]; ok {
			add(id, status, n)
		}
	})
	if err != nil {
		return nil, err
	}
	if version == v {
		return kept.(map[int64]MemberCounts), nil
	}
	out := addUp(tree, sums)
	Remember(tree, "org.Counts", version, out)
	return out, nil
}

func sumOf(sums map[int64]*MemberCounts, id int64) *MemberCounts {
	c := sums[id]
	if c == nil {
		c = &MemberCounts{ByStatus: map[string]int{}}
		sums[id] = c
	}
	return c
}

// addUp adds each organisation's own counts to its ancestors', children
// first.
func addUp(tree *Orgs, sums map[int64]*MemberCounts) map[int64]MemberCounts {
	out := map[int64]MemberCounts{}
	for i := len(tree.List) - 1; i >= 0; i-- { // parents come first in the list
		o := &tree.List[i]
		c := sums[o.ID]
		if c == nil {
			continue
		}
		if _, ok := tree.ByID[o.ParentID]; ok {
			parent := sumOf(sums, o.ParentID)
			for status, n := range c.ByStatus {
				parent.add(status, n)
			}
		}
		out[o.ID] = *c
	}
	return out
}

// tableCount hands add the people of each organisation of tree by status,
// counted in the table with one grouped read of the subtree's range of
// their organisation paths (an index on persons starts with org_path).
func tableCount(ctx context.Context, q db.Querier, tree *Orgs, add func(id int64, status string, n int)) error {
	ids := tree.byPath()
	w, args := tree.Scope.Where("org_path")
	rows, err := q.QueryContext(ctx, "SELECT org_path, status, COUNT(*) FROM persons WHERE "+w+" GROUP BY org_path, status", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var path, status string
		var n int
		if err := rows.Scan(&path, &status, &n); err != nil {
			return err
		}
		if id, ok := ids[path]; ok {
			add(id, status, n)
		}
	}
	return rows.Err()
}

func (tree *Orgs) byPath() map[string]int64 {
	ids := make(map[string]int64, len(tree.List))
	for _, o := range tree.List {
		ids[o.Path] = o.ID
	}
	return ids
}

// CountsIn reads the organisations of s and counts their people (through
// census when set), for a caller that needs nothing else of the tree.
func CountsIn(ctx context.Context, q db.Querier, census core.Census, s scope.Subtree) (map[int64]MemberCounts, error) {
	tree, err := ReadOrgs(ctx, q, s)
	if err != nil {
		return nil, err
	}
	tree.Census = census
	return Counts(ctx, q, tree)
}

func (c *MemberCounts) add(status string, n int) {
	c.ByStatus[status] += n
	switch status {
	case "full":
		c.Full += n
	case "probationary":
		c.Probationary += n
	}
	c.Members = c.Full + c.Probationary
}
