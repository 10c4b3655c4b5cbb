package org

import (
	"context"
	"slices"
	"strings"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// PickMax is the most organisations one search of a picker answers: a list
// read at a glance, narrowed by typing more.
const PickMax = 20

// Picked is an organisation a picker's search found.
type Picked struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Path is the short names from below the searched subtree's root down
	// to the organisation, which tells apart branches of the same name:
	// 「雁塔分局党委 › 刑侦大队党总支 › 第一党支部」.
	Path string `json:"path"`
}

// pickIndex is the kept tree as Search reads it: the live organisations
// in the kept order (shallower first) with their short names, and where
// each organisation stands in the kept list, to walk up to its root.
type pickIndex struct {
	live  []int // into list, not dissolved
	short []string
	at    map[int64]int
	list  []Org
}

func newPickIndex(list []Org) *pickIndex {
	ix := &pickIndex{short: make([]string, len(list)), at: make(map[int64]int, len(list)), list: list}
	for i := range list {
		o := &list[i]
		ix.short[i], ix.at[o.ID] = ShortName(o.Name, o.ShortName), i
		if !o.Dissolved() {
			ix.live = append(ix.live, i)
		}
	}
	return ix
}

// pickIndexOf is the index of d's kept tree, built once per version.
func pickIndexOf(ctx context.Context, d *db.DB) (*pickIndex, error) {
	c, _, err := keep(ctx, d)
	if err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	if c.pick == nil {
		c.pick = newPickIndex(c.list)
	}
	return c.pick, nil
}

// Search finds the live organisations of s whose name or short name holds
// q (all of them for an empty q), those named exactly q first, then those
// whose short name starts with it, each group shallower first; at most
// PickMax, more telling that there were others. The empty scope finds
// nothing. It reads the tree kept in memory: a search of the whole bureau
// (19,000 organisations) compares names, it reads no rows.
func Search(ctx context.Context, d *db.DB, s scope.Subtree, q string) (found []Picked, more bool, err error) {
	ix, err := pickIndexOf(ctx, d)
	if err != nil {
		return nil, false, err
	}
	var ranked [3][]int // named q, short name starting with q, holding q; each as long as needed
	total := 0
	for _, i := range ix.live {
		o := &ix.list[i]
		if !s.Contains(o.Path) || !strings.Contains(o.Name, q) && !strings.Contains(ix.short[i], q) {
			continue
		}
		total++
		rank := 2
		switch {
		case q != "" && (o.Name == q || ix.short[i] == q):
			rank = 0
		case q != "" && strings.HasPrefix(ix.short[i], q):
			rank = 1
		}
		if len(ranked[rank]) < PickMax {
			ranked[rank] = append(ranked[rank], i)
		}
	}
	found = []Picked{}
	for _, i := range slices.Concat(ranked[:]...) {
		if len(found) == PickMax {
			break
		}
		found = append(found, Picked{ID: ix.list[i].ID, Name: ix.list[i].Name, Path: ix.path(i, s.Root())})
	}
	return found, total > PickMax, nil
}

// path is the short names from below root down to list[i], joined.
func (ix *pickIndex) path(i int, root string) string {
	var names []string
	for {
		o := &ix.list[i]
		names = append(names, ix.short[i])
		up, ok := ix.at[o.ParentID]
		if !ok || ix.list[up].Path == root || len(ix.list[up].Path) < len(root) {
			break
		}
		i = up
	}
	slices.Reverse(names)
	return strings.Join(names, " › ")
}

// ChoiceID, ChoiceName and ChoiceIndent make an organisation a web.Choice,
// which the shared picker (template "orgpicker") offers.
func (o Org) ChoiceID() int64 { return o.ID }

// ChoiceName is the organisation's name.
func (o Org) ChoiceName() string { return o.Name }

// ChoiceIndent is "": a list of Org is not indented.
func (o Org) ChoiceIndent() string { return "" }

// ChoiceIndent is the option's indent by depth.
func (o Option) ChoiceIndent() string { return o.Indent }
