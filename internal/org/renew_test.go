package org_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// A 换届 ends the old committee on the election day, seats the new one for
// a fresh term and clears the expiry warning; a bad committee changes
// nothing.
func TestRenew(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		branch := b.create(b.root, "一支部", org.Branch, "term_start", "2023-04-01") // ends 2026-04-01: warned
		other := b.create(b.root, "二支部", org.Branch)
		full := b.people(branch, "full", 4)
		prob := b.people(branch, "probationary", 1)[0]
		stranger := b.people(other, "full", 1)[0]
		b.admin.Expect(201, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee", branch), map[string]any{"person_id": full[0], "post": "书记"}, nil)
		b.sync()
		if !strings.Contains(b.openTodos(), fmt.Sprintf("term_expiring:%d", branch)) {
			t.Fatalf("no expiry warning: %s", b.openTodos())
		}
		p, err := b.App.Auth.Authenticate(context.Background(), b.admin.Token)
		if err != nil {
			t.Fatal(err)
		}
		renew := func(r org.Renewal) error {
			return b.DB.InTx(context.Background(), func(tx *db.Tx) error { return org.Renew(context.Background(), tx, b.App.Deps, p, branch, r) })
		}
		good := []org.NewMember{{PersonID: full[1], Post: "书记"}, {PersonID: full[0], Post: "组织委员"}, {PersonID: full[2], Post: "宣传委员"}}
		before := b.get(branch)
		for _, bad := range []struct {
			name string
			r    org.Renewal
			rule string
		}{
			{"a 预备党员", org.Renewal{On: "2026-03-10", Members: []org.NewMember{{PersonID: full[1], Post: "书记"}, {PersonID: prob, Post: "委员"}}}, "R-ORG-COMMITTEE"},
			{"from another branch", org.Renewal{On: "2026-03-10", Members: []org.NewMember{{PersonID: stranger, Post: "书记"}}}, ""},
			{"two 书记", org.Renewal{On: "2026-03-10", Members: []org.NewMember{{PersonID: full[1], Post: "书记"}, {PersonID: full[2], Post: "书记"}}}, ""},
			{"no 书记", org.Renewal{On: "2026-03-10", Members: []org.NewMember{{PersonID: full[1], Post: "委员"}}}, ""},
			{"a term one year long", org.Renewal{On: "2026-03-10", TermEnd: "2027-03-10", Members: good}, "R-ORG-TERM"},
		} {
			err := renew(bad.r)
			var fe *fail.Error
			if !errors.As(err, &fe) || fe.Rule != bad.rule {
				t.Errorf("%s: %v", bad.name, err)
			}
		}
		if after := b.get(branch); after.Version != before.Version || len(after.Committee) != 1 {
			t.Fatalf("a refused renewal changed the branch: %+v", after.Committee)
		}
		if err := renew(org.Renewal{On: "2026-03-10", Members: good, Reason: "批复文号 甲党委〔2026〕3号"}); err != nil {
			t.Fatal(err)
		}
		d := b.get(branch)
		current := 0
		for _, m := range d.Committee {
			if m.Current {
				current++
				if m.TermStart != "2026-03-10" || m.TermEnd != "2029-03-10" {
					t.Errorf("new member's term %s–%s", m.TermStart, m.TermEnd)
				}
			} else if m.PersonID == full[0] && m.Post == "书记" && m.EndedOn != "2026-03-10" {
				t.Errorf("old 书记 ended %q", m.EndedOn)
			}
		}
		if current != 3 || d.TermStart != "2026-03-10" || d.TermEnd != "2029-03-10" {
			t.Fatalf("after renewal: %d current, term %s–%s", current, d.TermStart, d.TermEnd)
		}
		if strings.Contains(b.openTodos(), fmt.Sprintf("term_expiring:%d", branch)) {
			t.Fatalf("expiry warning still open: %s", b.openTodos())
		}
		if n := b.count("SELECT COUNT(*) FROM org_history WHERE org_id = ? AND action = 'term' AND detail LIKE '%甲党委%'", branch); n != 1 {
			t.Fatalf("history: %d", n)
		}
		leader := e.Account(auth.Leader, b.root, 0)
		lp, err := b.App.Auth.Authenticate(context.Background(), leader.Token)
		if err != nil {
			t.Fatal(err)
		}
		err = b.DB.InTx(context.Background(), func(tx *db.Tx) error {
			return org.Renew(context.Background(), tx, b.App.Deps, lp, branch, org.Renewal{On: "2026-03-11", Members: good})
		})
		if !errors.As(err, new(*fail.Error)) {
			t.Fatalf("a 领导 renewed: %v", err)
		}
	})
}
