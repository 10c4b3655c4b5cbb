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
}

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
// The caller gets its own copy of the organisations.
func cached(ctx context.Context, d *db.DB, s scope.Subtree) ([]Org, error) {
	var version int64
	if err := d.QueryRowContext(ctx, "SELECT v FROM org_tree_version WHERE id = 1").Scan(&version); err != nil {
		return nil, err
	}
	c := cacheOf(d)
	c.mu.Lock()
	if !c.read || c.version != version {
		list, err := Subtree(ctx, d, scope.All())
		if err != nil {
			c.mu.Unlock()
			return nil, err
		}
		c.read, c.version, c.list = true, version, list
	}
	all := c.list
	c.mu.Unlock()
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
