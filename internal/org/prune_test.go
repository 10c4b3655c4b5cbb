package org

import "testing"

func TestPruneKeepsTheTopLevels(t *testing.T) {
	// A root, 3 分局 and 4 branches under each: 16 organisations.
	root := &Node{Org: &Org{ID: 1}}
	for i := range 3 {
		fj := &Node{Org: &Org{ID: int64(10 + i)}}
		for j := range 4 {
			fj.Children = append(fj.Children, &Node{Org: &Org{ID: int64(100 + 10*i + j)}})
		}
		root.Children = append(root.Children, fj)
	}
	tree := func() *Tree { return &Tree{Roots: []*Node{root}} }
	if prune(tree(), 16) || len(root.Children[0].Children) != 4 {
		t.Fatal("a tree that fits is pruned")
	}
	if !prune(tree(), 15) {
		t.Fatal("a tree too big is not pruned")
	}
	if len(root.Children) != 3 || root.Hidden != 0 {
		t.Fatalf("the 分局 level must stay: %+v", root)
	}
	for _, fj := range root.Children {
		if fj.Children != nil || fj.Hidden != 4 {
			t.Fatalf("分局 %d: children %v, hidden %d", fj.ID, fj.Children, fj.Hidden)
		}
	}
	root.Children = nil
	if prune(&Tree{Roots: []*Node{root}}, 0) || root.Hidden != 0 {
		t.Fatal("a lone root hides nothing")
	}
}
