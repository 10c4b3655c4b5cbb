package org

import (
	"context"
	"sort"
	"strconv"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Node is an organisation in the tree with its counts and warnings.
type Node struct {
	*Org
	Label    string       `json:"kind_label"`
	Counts   MemberCounts `json:"counts"`
	Warnings []Warning    `json:"warnings"`
	Children []*Node      `json:"children"`
	Hidden   int          `json:"-"` // organisations below left off the tree page
}

// Tree is the caller's part of the organisation tree.
type Tree struct {
	Roots    []*Node
	All      map[int64]*Node
	Warnings int // how many warnings in total
}

// BuildTree assembles the tree of s, its people counted through census
// when set; dissolved organisations appear only when asked for.
func BuildTree(ctx context.Context, q db.Querier, census core.Census, s scope.Subtree, today civil.Date, dissolved bool) (*Tree, error) {
	tree, err := ReadOrgs(ctx, q, s)
	if err != nil {
		return nil, err
	}
	tree.Census = census
	counts, err := Counts(ctx, q, tree)
	if err != nil {
		return nil, err
	}
	orgs := tree.List
	states, err := committeeStates(ctx, q, s, today.String())
	if err != nil {
		return nil, err
	}
	t := &Tree{All: map[int64]*Node{}}
	var order []*Node
	for i := range orgs {
		o := &orgs[i]
		if o.Dissolved() && !dissolved {
			continue
		}
		n := &Node{Org: o, Label: o.KindLabel(), Counts: counts[o.ID], Warnings: check(o, counts[o.ID], states[o.ID], today, DefaultRules),
			Children: []*Node{}}
		if n.Warnings == nil {
			n.Warnings = []Warning{}
		}
		t.Warnings += len(n.Warnings)
		t.All[o.ID] = n
		order = append(order, n)
	}
	for _, n := range order {
		if parent, ok := t.All[n.ParentID]; ok && n.ParentID != 0 {
			parent.Children = append(parent.Children, n)
		} else {
			t.Roots = append(t.Roots, n)
		}
	}
	for _, n := range order {
		sortNodes(n.Children)
	}
	sortNodes(t.Roots)
	return t, nil
}

// Counted is how many live organisations of the tree count as 党组织
// (Counted) and how many are 党小组.
func (t *Tree) Counted() (orgs, groups int) {
	for _, n := range t.All {
		switch {
		case n.Dissolved():
		case Counted(n.Kind):
			orgs++
		default:
			groups++
		}
	}
	return orgs, groups
}

// TreeURL is the organisation tree of id's subtree (the whole scope for 0),
// the list every 党组织 figure links to.
func TreeURL(id int64) string {
	if id == 0 {
		return "/orgs"
	}
	return "/orgs?root=" + strconv.FormatInt(id, 10)
}

func sortNodes(ns []*Node) {
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if a.Dissolved() != b.Dissolved() {
			return !a.Dissolved()
		}
		if a.Sort != b.Sort {
			return a.Sort < b.Sort
		}
		return a.ID < b.ID
	})
}
