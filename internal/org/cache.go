package org

import (
	"context"
	"runtime"
	"sync"
	"weak"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// treeCache is the whole tree of one database as Subtree reads it, kept
// while org_tree_version (migration 00722), which every write of orgs moves
// when it commits, stays the same.
type treeCache struct {
	mu      sync.Mutex
	read    bool
	version int64
	list    []Org // never changed once read: a new read replaces it
	// derived holds what Remember keeps of this version of the tree.
	derived map[derivedKey]derived
	pick    *pickIndex // Search's index of this version, built when first searched
}

// derivedKey is a figure of a subtree.
type derivedKey struct {
	name string
	sc   scope.Subtree
}

// derived is a figure with the version of the data it was computed from.
type derived struct{ version, value any }

// derivedMax bounds the figures kept: one per figure and subtree viewed
// (a scope each), dropped together beyond it.
const derivedMax = 256

// trees holds a cache per open database, dropped with it.
var trees sync.Map // weak.Pointer[db.DB] → *treeCache

func cacheOf(d *db.DB) *treeCache {
	key := weak.Make(d)
	if c, ok := trees.Load(key); ok {
		return c.(*treeCache)
	}
	c, loaded := trees.LoadOrStore(key, &treeCache{})
	if !loaded {
		runtime.AddCleanup(d, func(key weak.Pointer[db.DB]) { trees.Delete(key) }, key)
	}
	return c.(*treeCache)
}

// cached is Subtree of s read on the pool, from the tree kept in memory
// when no organisation was written since it was read. The version is read
// before the tree, so a tree kept under a version is never older than it.
// The caller gets its own copy of the organisations; tree notes which kept
// tree they came from, for Recall and Remember.
func cached(ctx context.Context, d *db.DB, s scope.Subtree, tree *Orgs) ([]Org, error) {
	c, version, err := keep(ctx, d)
	if err != nil {
		return nil, err
	}
	all := c.list
	c.mu.Unlock()
	tree.kept, tree.version = c, version
	n := 0
	for i := range all {
		if s.Contains(all[i].Path) {
			n++
		}
	}
	out := make([]Org, 0, n)
	for i := range all { // in Subtree's order, which a part keeps
		if s.Contains(all[i].Path) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// keep returns the kept tree of d, read again when an organisation was
// written since, and its version; c.mu is held (the caller unlocks it).
func keep(ctx context.Context, d *db.DB) (c *treeCache, version int64, err error) {
	if err := d.QueryRowContext(ctx, "SELECT v FROM org_tree_version WHERE id = 1").Scan(&version); err != nil {
		return nil, 0, err
	}
	c = cacheOf(d)
	c.mu.Lock()
	if !c.read || c.version != version {
		list, err := Subtree(ctx, d, scope.All())
		if err != nil {
			c.mu.Unlock()
			return nil, 0, err
		}
		c.read, c.version, c.list, c.derived, c.pick = true, version, list, nil, nil
	}
	return c, version, nil
}

// Recall returns the figure name of tree's subtree that Remember kept for
// this version of the tree, and the version of the other data it was
// computed from: the leader's comparison reads at every view figures that
// change only with the tree and with data versioned on its own (the
// census, the months of 组织生活), so each is computed once per version.
// A tree read in a transaction recalls nothing. The value is shared by
// every caller and must not be changed.
func Recall(tree *Orgs, name string) (version, value any, ok bool) {
	if tree.kept == nil {
		return nil, nil, false
	}
	c := tree.kept
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != tree.version {
		return nil, nil, false
	}
	d, ok := c.derived[derivedKey{name, tree.Scope}]
	return d.version, d.value, ok
}

// Remember keeps value as the figure name of tree's subtree computed from
// the data at version (comparable), unless the kept tree was read again
// since tree was taken from it.
func Remember(tree *Orgs, name string, version, value any) {
	if tree.kept == nil {
		return
	}
	c := tree.kept
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != tree.version {
		return
	}
	if c.derived == nil || len(c.derived) >= derivedMax {
		c.derived = map[derivedKey]derived{}
	}
	c.derived[derivedKey{name, tree.Scope}] = derived{version, value}
}
