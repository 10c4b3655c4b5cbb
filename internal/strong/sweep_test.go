package strong

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// TestSweepKeepsWritesMadeWhileItRead: the hourly recompute reads and
// compares on the pool, then writes; a branch that submits its
// self-assessment in between keeps its points (the totals count them) and
// its 待办 stays with the reviewer, while what moved elsewhere is written.
func TestSweepKeepsWritesMadeWhileItRead(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dbh *db.DB) {
		ctx := context.Background()
		k, err := crypto.NewKeys(bytes.Repeat([]byte{7}, 32))
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
		d := &core.Deps{DB: dbh, Keys: k, Audit: audit.New(k.Audit), Now: func() time.Time { return now }}
		root := dbtest.AddOrg(t, dbh, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
		unit := dbtest.AddOrg(t, dbh, dbtest.Org{Parent: root, Name: "甲分局党委", Kind: "committee", CanApprove: true})
		a := dbtest.AddOrg(t, dbh, dbtest.Org{Parent: unit, Name: "甲支部", Kind: "branch"})
		b := dbtest.AddOrg(t, dbh, dbtest.Org{Parent: unit, Name: "乙支部", Kind: "branch"})
		for i, o := range []int64{a, a, b, b} {
			dbtest.AddPerson(t, dbh, dbtest.Person{Org: o, Name: fmt.Sprint("党员", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		}
		admin := func(id int64, name string) *auth.Principal {
			return &auth.Principal{Role: auth.OrgAdmin, Username: name, OrgID: id, OrgPath: pathOf(t, dbh, id)}
		}
		shiju, branchA := admin(root, "shiju"), admin(a, "jiazhibu")
		in := RoundInput{Year: 2026, SelfDue: "2026-06-30", ReviewDue: "2026-07-15"}
		pl, err := PlanRound(ctx, d, dbh, shiju, in)
		if err != nil {
			t.Fatal(err)
		}
		in.Expect = pl.Expect
		if _, err := OpenRound(ctx, d, shiju, in); err != nil {
			t.Fatal(err)
		}

		// Past the self-assessment's due date every self 待办 turns red, and
		// both branches held a meeting: the sweep finds every entry moved.
		now = time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
		for _, o := range []int64{a, b} {
			if _, err := dbh.ExecContext(ctx, "INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES (?, 'congress', '2026-02-10', '会议', 1, 0, 0)", o); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := openRounds(ctx, dbh)
		if err != nil {
			t.Fatal(err)
		}
		today := civil.Today(now)
		s, err := readSweep(ctx, dbh, today, rs)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.plans) != 1 || len(s.plans[0].changes) != 2 || len(s.todos) != 2 {
			t.Fatalf("the sweep should find both entries moved: %+v, 待办 %v", s.plans, s.todos)
		}

		// Meanwhile 甲支部 submits its self-assessment.
		var entryA int64
		if err := dbh.QueryRowContext(ctx, "SELECT id FROM strong_entries WHERE org_id = ?", a).Scan(&entryA); err != nil {
			t.Fatal(err)
		}
		e, err := GetEntry(ctx, d, branchA, entryA)
		if err != nil {
			t.Fatal(err)
		}
		self := SelfInput{Version: e.Version, Submit: true}
		for _, it := range e.System.Items() {
			if !it.Computed() {
				pts := float64(it.Points)
				self.Items = append(self.Items, SelfMark{ItemID: it.ID, Points: &pts, Evidence: "会议记录"})
			}
		}
		if _, err := SelfAssess(ctx, d, branchA, entryA, self); err != nil {
			t.Fatal(err)
		}

		if err := dbh.InTx(ctx, func(tx *db.Tx) error {
			open, err := openRounds(ctx, tx)
			if err != nil {
				return err
			}
			return s.write(ctx, d, tx, today, open)
		}); err != nil {
			t.Fatal(err)
		}

		for _, o := range []int64{a, b} {
			var id int64
			var state string
			var computed, selfX, score int64
			if err := dbh.QueryRowContext(ctx, "SELECT id, state, computed_x100, self_x100, score_x100 FROM strong_entries WHERE org_id = ?", o).
				Scan(&id, &state, &computed, &selfX, &score); err != nil {
				t.Fatal(err)
			}
			stored, err := loadEntry(ctx, dbh, scope.All(), id)
			if err != nil {
				t.Fatal(err)
			}
			res := stored.Result
			if computed != toX100(res.Computed) || selfX != toX100(res.Self) || score != toX100(res.Total) {
				t.Errorf("org %d (%s): stored totals %d/%d/%d, its marks score %.2f/%.2f/%.2f", o, state, computed, selfX, score, res.Computed, res.Self, res.Total)
			}
			if o == a && (state != Submitted || selfX == 0) {
				t.Errorf("甲支部's submission lost: state %s, self %d", state, selfX)
			}
		}
		open := func(source string, id int64) (severity string) {
			err := dbh.QueryRowContext(ctx, "SELECT severity FROM todos WHERE source = ? AND dedup_key = ? AND done_at IS NULL", source, fmt.Sprint(id)).Scan(&severity)
			if err != nil && !db.IsNoRows(err) {
				t.Fatal(err)
			}
			return severity
		}
		if sev := open(srcSelf, entryA); sev != "" {
			t.Errorf("甲支部 submitted, yet its self-assessment 待办 is open again (%s)", sev)
		}
		if sev := open(srcReview, entryA); sev == "" {
			t.Error("甲支部's review 待办 was closed")
		}
		var entryB int64
		if err := dbh.QueryRowContext(ctx, "SELECT id FROM strong_entries WHERE org_id = ?", b).Scan(&entryB); err != nil {
			t.Fatal(err)
		}
		if sev := open(srcSelf, entryB); sev != "bad" {
			t.Errorf("乙支部's self-assessment 待办 past its due date: %q, want bad", sev)
		}
	})
}

func pathOf(t *testing.T, q db.Querier, id int64) string {
	t.Helper()
	var p string
	if err := q.QueryRowContext(context.Background(), "SELECT path FROM orgs WHERE id = ?", id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}
