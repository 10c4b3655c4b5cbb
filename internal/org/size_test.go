package org_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/org"
)

// warningOf is the organisation's warning of a kind, as the API shows it.
func (b *bureau) warningOf(id int64, kind string) (org.Warning, bool) {
	b.t.Helper()
	for _, w := range b.get(id).Warnings {
		if w.Kind == kind {
			return w, true
		}
	}
	return org.Warning{}, false
}

// TestGeneralAndCommitteeSizes: a 党总支 of fewer than 50 党员 and a 党委 of
// fewer than 100 are warned about, and a 党总支 of 100 or more is told to
// become a 党委 (R-org-size, its citation in the message); counted over
// the organisation's whole subtree, shown on its page and API and posted
// to the 待办, which closes when the numbers are right.
func TestGeneralAndCommitteeSizes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		a := b.create(b.root, "甲分局党委", org.Committee, "can_approve", true, "term_start", "2024-03-12")
		g := b.create(a, "刑侦大队党总支", org.General, "term_start", "2024-03-12")
		branch := b.create(g, "第一党支部", org.Branch, "term_start", "2024-03-12")
		b.people(branch, "full", 40)
		b.people(branch, "probationary", 9)
		w, ok := b.warningOf(g, org.WarnGeneralSmall)
		if !ok || !strings.Contains(w.Message, "党员 49 名，不足 50 名") || !strings.Contains(w.Message, "《中国共产党党和国家机关基层组织工作条例》") {
			t.Fatalf("a 党总支 of 49: %+v", b.get(g).Warnings)
		}
		if w, ok := b.warningOf(a, org.WarnCommitteeSmall); !ok || !strings.Contains(w.Message, "党员 49 名，不足 100 名") {
			t.Fatalf("a 党委 of 49: %+v", b.get(a).Warnings)
		}
		b.sync()
		for _, key := range []string{org.WarnGeneralSmall + fmt.Sprintf(":%d", g), org.WarnCommitteeSmall + fmt.Sprintf(":%d", a)} {
			if !strings.Contains(" "+b.openTodos()+" ", " "+key+" ") {
				t.Fatalf("no 待办 %s in %s", key, b.openTodos())
			}
		}
		b.people(branch, "full", 51) // 100 党员
		if _, ok := b.warningOf(g, org.WarnGeneralSmall); ok {
			t.Fatal("a 党总支 of 100 is warned as too small")
		}
		if w, ok := b.warningOf(g, org.WarnGeneralLarge); !ok || !strings.Contains(w.Message, "应经上级党组织批准设立党的基层委员会") {
			t.Fatalf("a 党总支 of 100: %+v", b.get(g).Warnings)
		}
		if _, ok := b.warningOf(a, org.WarnCommitteeSmall); ok {
			t.Fatal("a 党委 of 100 is warned as too small")
		}
		b.sync()
		if todos := b.openTodos(); strings.Contains(todos, org.WarnGeneralSmall) || strings.Contains(todos, org.WarnCommitteeSmall+fmt.Sprintf(":%d", a)) ||
			!strings.Contains(todos, org.WarnGeneralLarge+fmt.Sprintf(":%d", g)) {
			t.Fatalf("待办 after the 党总支 grew to 100: %s", todos)
		}
	})
}
