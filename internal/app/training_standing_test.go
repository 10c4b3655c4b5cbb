package app_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
	"hongdun/internal/training"
)

// TestStandingFollowsPersons credits hours, then changes people's
// organisation and status by each statement that writes them — a member
// edit (member.Update, also the roster import's update), a party event
// (the history update, also transfers and the development steps), an
// inside transfer — and moves a branch to another 分局; after each step
// StandingOf, counted from training_hours, must equal the ledger it
// summarises for the bureau and for each 分局.
func TestStandingFollowsPersons(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		w := newBureau(t, e)
		if _, err := e.DB.ExecContext(ctx, "INSERT INTO training_requirements (year, general_x10, key_x10, updated_at) VALUES (2026, 10, 30, 0)"); err != nil {
			t.Fatal(err)
		}
		a1, b1 := e.Org(w.a, "甲分局一支部", "branch"), e.Org(w.b, "乙分局一支部", "branch")
		add := func(org int64, name, id17 string) int64 {
			p := member.Person{OrgID: org, Name: name, IDNumber: idcard.WithCheckDigit(id17), Status: "probationary", JoinDate: "2026-01-05"}
			if fe := member.Validate(&p, civil.Today(w.now)); len(fe) > 0 {
				t.Fatal(fe)
			}
			var id int64
			if err := e.DB.InTx(ctx, func(tx *db.Tx) error {
				var err error
				id, err = member.Insert(ctx, tx, e.App.Keys, &p)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		edited, moved, left, sent := add(a1, "张一", "11010119900307011"), add(a1, "张二", "11010119900307021"), add(a1, "张三", "11010119900307031"), add(a1, "张四", "11010119900307041")
		lone := add(b1, "李一", "11010119900307051") // no hours: counted, not met

		city, adminA := e.Account(auth.OrgAdmin, w.root, 0), e.Account(auth.OrgAdmin, w.a, 0)
		var prog, sess, venue struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026, "title": "全市轮训"}, &prog)
		start := w.now.Add(-3 * time.Hour)
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": "第一讲", "mode": "融合",
			"starts_at": start.UnixMilli(), "ends_at": start.Add(2 * time.Hour).UnixMilli(), "hours_x10": 20, "open_before_min": 30, "late_after_min": 10,
			"main_venue": "市局主会场"}, &sess)
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/sessions/%d/venues", sess.ID), map[string]any{"org_id": w.a, "name": "甲分局分会场"}, &venue)
		// Two hours meet the general requirement (one) and not the
		// secretary's (three).
		for _, id := range []int64{w.secretary, w.member, edited, moved, left, sent} {
			adminA.Expect(201, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venue.ID), map[string]any{"person_id": id, "reason": "现场核实"}, nil)
		}

		pathOf := func(id int64) string {
			var p string
			if err := e.DB.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		compare := func(step string) {
			t.Helper()
			for _, sub := range []scope.Subtree{scope.All(), scope.Under(pathOf(w.a)), scope.Under(pathOf(w.b))} {
				standingAgrees(t, e, step, sub, 2026)
			}
		}
		// Each step starts from the hours met all kept (none noted): the
		// write must note what it changes, else the kept counts read stale.
		// Then they are recounted and must agree alone.
		agree := func(step string) {
			t.Helper()
			hoursKept(t, e)
			compare(step)
			if err := training.Keep(ctx, e.App.Deps); err != nil {
				t.Fatal(err)
			}
			if n := e.Count("SELECT COUNT(*) FROM training_met_dirty"); n != 0 {
				t.Fatalf("%s: %d notes left after Keep", step, n)
			}
			compare(step + ", recounted")
		}
		agree("credited")
		if s, _ := training.StandingOf(ctx, e.DB, scope.All(), 2026); s[a1] != (training.Standing{Members: 4, Met: 4}) || s[w.aBranch] != (training.Standing{Members: 2, Met: 1}) {
			t.Fatalf("credited: %v", s)
		}

		version := func(id int64) int {
			return e.Count("SELECT version FROM persons WHERE id = ?", id)
		}
		// A correction of the status by an edit, then a party event back.
		adminA.Expect(200, "PATCH", fmt.Sprintf("/api/v1/members/%d", edited), map[string]any{"version": version(edited), "status": "suspended", "left_date": "2026-03-01"}, nil)
		agree("status edited")
		adminA.Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", edited), map[string]any{"kind": "restore", "on_date": "2026-03-05"}, nil)
		agree("restored by an event")
		// Party events: moved to the other 分局, and leaving the party.
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", moved), map[string]any{"kind": "transfer_in", "on_date": "2026-03-06", "org_id": b1}, nil)
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", left), map[string]any{"kind": "death", "on_date": "2026-03-06"}, nil)
		agree("events")
		// An inside transfer, received.
		var tr struct {
			ID      int64
			Version int
		}
		adminA.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": sent, "to_org_id": b1, "dues_paid_to": "2026-02", "reason": "工作调动"}, &tr)
		for _, step := range []struct {
			c      *apptest.Client
			action string
		}{{adminA, "review"}, {adminA, "send"}, {e.Account(auth.OrgAdmin, b1, 0), "receive"}} {
			step.c.Expect(200, "POST", fmt.Sprintf("/api/v1/transfers/%d/%s", tr.ID, step.action), map[string]any{"version": tr.Version}, &tr)
		}
		agree("transferred")
		// A branch moved to the other 分局 takes its people's hours along.
		city.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", a1), map[string]any{"parent_id": w.b, "version": 1}, nil)
		agree("branch moved")
		if s, _ := training.StandingOf(ctx, e.DB, scope.Under(pathOf(w.b)), 2026); s[a1].Members != 1 || s[b1] != (training.Standing{Members: 3, Met: 2}) {
			t.Fatalf("after the moves: %v", s)
		}
		// A committee seat holds its holder to the key requirement (three
		// hours; two credited), and ending it in the year does not release
		// them; then the year's requirement changes (two hours meet it, a
		// member without any is credited them), and again (two meet it no
		// more).
		var seat struct{ ID int64 }
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee", w.aBranch), map[string]any{"person_id": w.member, "post": "组织委员", "term_start": "2026-01-01"}, &seat)
		agree("seated")
		if s, _ := training.StandingOf(ctx, e.DB, scope.All(), 2026); s[w.aBranch] != (training.Standing{Members: 2, Met: 0}) {
			t.Fatalf("seated: %v", s)
		}
		city.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/committee/%d/end", w.aBranch, seat.ID), map[string]any{"ended_on": "2026-03-09"}, nil)
		agree("seat ended")
		city.Expect(200, "PUT", "/api/v1/training/requirements/2026", map[string]any{"general_x10": 20, "key_x10": 20}, nil)
		agree("requirement lowered")
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venue.ID), map[string]any{"person_id": lone, "reason": "现场核实"}, nil)
		agree("credited again")
		if s, _ := training.StandingOf(ctx, e.DB, scope.All(), 2026); s[w.aBranch].Met != 2 || s[b1] != (training.Standing{Members: 3, Met: 3}) {
			t.Fatalf("lowered and credited: %v", s)
		}
		city.Expect(200, "PUT", "/api/v1/training/requirements/2026", map[string]any{"general_x10": 25, "key_x10": 40}, nil)
		agree("requirement raised")
		if s, _ := training.StandingOf(ctx, e.DB, scope.All(), 2026); s[w.aBranch].Met != 0 || s[b1].Met != 0 {
			t.Fatalf("raised: %v", s)
		}
	})
}

// standingAgrees fails unless StandingOf of sub in a year equals the
// ledger it summarises.
func standingAgrees(t *testing.T, e *apptest.Env, step string, sub scope.Subtree, year int) {
	t.Helper()
	lines, _, err := training.LedgerOf(context.Background(), e.DB, sub, year)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]training.Standing{}
	for _, l := range lines {
		s := want[l.OrgID]
		s.Members++
		if l.Short() == 0 {
			s.Met++
		}
		want[l.OrgID] = s
	}
	got, err := training.StandingOf(context.Background(), e.DB, sub, year)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s, %s: StandingOf %v, the ledger counts %v", step, sub.Root(), got, want)
	}
}
