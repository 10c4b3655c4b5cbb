package app_test

import (
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// TestTemporaryOrganisationHoldsNoElection: a 临时党支部's 书记 and 委员 are
// appointed and it holds no 换届 (rules.md §1, §8); an election recorded
// for it is refused naming the rule and its citation, and nothing changes.
func TestTemporaryOrganisationHoldsNoElection(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-03-20")
		root := dbtest.AddOrg(t, e.DB, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
		temp := dbtest.AddOrg(t, e.DB, dbtest.Org{Parent: root, Name: "安保临时党支部", Kind: "temp_branch"})
		var cands []map[string]any
		for i, name := range []string{"甲", "乙"} {
			id := e.Person(dbtest.Person{Org: root, Name: name, Pinyin: name, JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			cands = append(cands, map[string]any{"person_id": id, "votes": 3 - i})
		}
		admin := e.Account(auth.OrgAdmin, root, 0)
		fp := dbtest.Fingerprint(t, e.DB)
		var out struct {
			Error struct{ Code, Rule, Citation, Message string }
		}
		admin.Expect(422, "POST", "/api/v1/elections", map[string]any{"org_id": temp, "held_on": "2026-03-15", "seats": 1, "expected": 3, "present": 3,
			"issued": 3, "returned": 3, "candidates": cands}, &out)
		if out.Error.Code != "rule" || out.Error.Rule != "R-ORG-TEMP" || out.Error.Citation == "" {
			t.Fatalf("an election of a 临时党支部: %+v", out.Error)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused election changed the database")
		}
	})
}
