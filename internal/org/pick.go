package org

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/pinyin"
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

// Only narrows what a picker offers to what its form accepts, the same
// rule for the list a page renders (Keeps) and for the search behind a
// search box (Query): the kinds (none for every kind) and, with Approve,
// only the 党委 with 审批权限. Root narrows the search to an organisation's
// subtree (0 for the whole scope), Below to what lies under it. Bureau
// searches the whole bureau's branches rather than the caller's scope:
// the receiving side of a transfer.
type Only struct {
	Root    int64
	Below   bool
	Kinds   []string
	Approve bool
	Bureau  bool
}

// BranchKinds are the 党支部 proper: those that hold members' 组织关系
// and receive transfers.
var BranchKinds = []string{Branch, Joint}

// Keeps reports whether a picker of f offers o (dissolved or not).
func (f Only) Keeps(o *Org) bool {
	return (len(f.Kinds) == 0 || slices.Contains(f.Kinds, o.Kind)) && (!f.Approve || CanApprove(o))
}

// Query is f as the search's query ("" for no narrowing).
func (f Only) Query() string {
	v := url.Values{}
	if f.Root != 0 {
		v.Set("root", strconv.FormatInt(f.Root, 10))
	}
	if f.Below {
		v.Set("below", "1")
	}
	if len(f.Kinds) > 0 {
		v.Set("kind", strings.Join(f.Kinds, ","))
	}
	if f.Approve {
		v.Set("approve", "1")
	}
	if f.Bureau {
		v.Set("bureau", "1")
	}
	return v.Encode()
}

// ParseOnly reads a search's narrowing: root, below=1 (only with a root),
// kind (kinds separated by commas), approve=1, bureau=1 (only for
// branches, without a root).
func ParseOnly(q url.Values) (Only, error) {
	var f Only
	var err error
	if f.Root, err = input.ID("root", "组织", q.Get("root")); err != nil {
		return Only{}, err
	}
	if f.Below, err = flag(q, "below"); err != nil {
		return Only{}, err
	}
	if f.Below && f.Root == 0 {
		return Only{}, fail.Malformed("root", "只列下级组织时须指定上级组织")
	}
	if k := q.Get("kind"); k != "" {
		for _, kind := range strings.Split(k, ",") {
			if !slices.Contains(Kinds, kind) {
				return Only{}, fail.NotAllowed("kind", "组织类型「"+kind+"」不存在")
			}
			f.Kinds = append(f.Kinds, kind)
		}
	}
	if f.Approve, err = flag(q, "approve"); err != nil {
		return Only{}, err
	}
	if f.Bureau, err = flag(q, "bureau"); err != nil {
		return Only{}, err
	}
	if f.Bureau && (len(f.Kinds) == 0 || slices.ContainsFunc(f.Kinds, func(k string) bool { return !slices.Contains(BranchKinds, k) })) {
		return Only{}, fail.NotAllowed("bureau", "在全局查找只限党支部、联合党支部（组织关系转接的接收组织）")
	}
	if f.Bureau && f.Root != 0 {
		return Only{}, fail.NotAllowed("root", "在全局查找时不能指定上级组织")
	}
	return f, nil
}

func flag(q url.Values, name string) (bool, error) {
	switch q.Get(name) {
	case "":
		return false, nil
	case "1":
		return true, nil
	}
	return false, fail.Malformed(name, "参数 "+name+" 只能为 1")
}

// pickIndex is the kept tree as Search reads it: the live organisations
// in the kept order (shallower first) with their short names and the
// pinyin of both, and where each organisation stands in the kept list, to
// walk up to its root.
type pickIndex struct {
	live  []int // into list, not dissolved
	short []string
	spell []spelling
	at    map[int64]int
	list  []Org
}

// spelling is an organisation's pinyin: the initials of its name, and the
// spelling and initials of its short name, which is what people type
// (「sjj」, 「shiju」 for 市局机关党委).
type spelling struct{ initials, shortFull, shortInitials string }

func newPickIndex(list []Org) *pickIndex {
	ix := &pickIndex{short: make([]string, len(list)), spell: make([]spelling, len(list)), at: make(map[int64]int, len(list)), list: list}
	for i := range list {
		o := &list[i]
		ix.short[i], ix.at[o.ID] = ShortName(o.Name, o.ShortName), i
		if !o.Dissolved() {
			ix.live = append(ix.live, i)
			sp := &ix.spell[i]
			_, sp.initials = pinyin.Of(o.Name)
			sp.shortFull, sp.shortInitials = pinyin.Of(ix.short[i])
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

// Search finds the live organisations of s that f keeps (below its root
// with f.Below) whose name or
// short name holds q (all of them for an empty q), or, for q in Latin
// letters and digits, whose pinyin does: those named exactly q first, then
// those whose short name (or its pinyin) starts with it, each group
// shallower first; at most PickMax, more telling that there were others.
// The empty scope finds nothing. It reads the tree kept in memory: a
// search of the whole bureau (19,000 organisations) compares names, it
// reads no rows.
func Search(ctx context.Context, d *db.DB, s scope.Subtree, q string, f Only) (found []Picked, more bool, err error) {
	ix, err := pickIndexOf(ctx, d)
	if err != nil {
		return nil, false, err
	}
	spelt := ""
	if q != "" && strings.Trim(strings.ToLower(q), "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
		spelt = strings.ToLower(q)
	}
	var ranked [3][]int // named q, short name starting with q, holding q; each as long as needed
	total := 0
	for _, i := range ix.live {
		o, sp := &ix.list[i], &ix.spell[i]
		if !s.Contains(o.Path) || !f.Keeps(o) || f.Below && o.Path == s.Root() {
			continue
		}
		rank := 2
		switch {
		case q != "" && (o.Name == q || ix.short[i] == q):
			rank = 0
		case q != "" && (strings.HasPrefix(ix.short[i], q) ||
			spelt != "" && (strings.HasPrefix(sp.shortInitials, spelt) || strings.HasPrefix(sp.shortFull, spelt))):
			rank = 1
		case strings.Contains(o.Name, q) || strings.Contains(ix.short[i], q) ||
			spelt != "" && (strings.Contains(sp.initials, spelt) || strings.Contains(sp.shortInitials, spelt) || strings.Contains(sp.shortFull, spelt)):
		default:
			continue
		}
		total++
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
