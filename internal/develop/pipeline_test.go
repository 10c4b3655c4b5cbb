package develop_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"golang.org/x/sync/errgroup"

	"hongdun/internal/apptest"
	"hongdun/internal/develop"
	"hongdun/internal/importer"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
)

// TestPipelinesFollowEveryWrite counts the open and overdue cases per
// organisation from the cases' own organisation (Pipelines, kept per
// organisation) and directly from their persons', for the bureau and each
// 分局, after every kind of write that changes a case or where its person
// belongs, and again once Keep recounted what the write noted. Raw statements
// stand for any path that writes the same columns: the cases keep their
// persons' organisation whatever statement makes the change.
func TestPipelinesFollowEveryWrite(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := newBureau(t, e)
		today := civil.MustParse(e.App.Today())
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.DB.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		check := func(after string) {
			t.Helper()
			pipelinesAgree(t, e, today, after, b.root, b.fenju, b.other)
		}
		// Each write starts from the pipelines all kept (none noted): its
		// notes must make the read count what it changed; then Keep recounts.
		keep := func() {
			t.Helper()
			if err := develop.Keep(ctx, e.App.Deps); err != nil {
				t.Fatal(err)
			}
			if n := e.Count("SELECT COUNT(*) FROM dev_pipelines_kept WHERE day = ?", today.String()); n != 1 {
				t.Fatalf("kept as of %s: %d rows", today, n)
			}
		}
		agree := func(after string) {
			t.Helper()
			check(after)
			keep()
			check(after + ", kept")
		}
		keep()
		agree("nothing")
		r := b.openApplication()
		agree("a case opened")
		b.fenjuAdmin.Expect(201, "POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", r.Case.ID), map[string]any{"step": 2, "date": "2023-01-20"}, nil)
		agree("a case advanced")

		// A transfer, then the deadlines following it, then a write of the
		// case that names its old organisation.
		exec("UPDATE persons SET org_id = ?, org_path = (SELECT path FROM orgs WHERE id = ?) WHERE id = ?", b.otherBranch, b.otherBranch, b.applicant)
		agree("a person transferred")
		if err := e.DB.InTx(ctx, func(tx *db.Tx) error { return develop.FollowTransfer(ctx, tx, b.applicant, today, 1) }); err != nil {
			t.Fatal(err)
		}
		agree("the case's deadlines followed")
		exec("UPDATE dev_cases SET org_id = ? WHERE id = ?", b.branch, r.Case.ID)
		agree("a case written with a stale organisation")

		// Closed, reopened, deleted.
		exec("UPDATE dev_cases SET status = 'cancelled' WHERE id = ?", r.Case.ID)
		agree("a case closed")
		exec("UPDATE dev_cases SET status = 'open' WHERE id = ?", r.Case.ID)
		agree("a case reopened")
		for _, q := range []string{"DELETE FROM dev_deadlines WHERE case_id = ?", "DELETE FROM dev_records WHERE case_id = ?", "DELETE FROM dev_cases WHERE id = ?"} {
			exec(q, r.Case.ID)
		}
		agree("a case deleted")

		// The 台账 import: a person registered from a row with an open case,
		// another whose case ends converted.
		branch := "甲分局城关派出所党支部"
		if j := importLedger(t, b.fenjuAdmin, ledgerBook(t, ledgerHead, fullRow("王导入", idcard.WithCheckDigit("11010119950505002"), branch, 12),
			fullRow("赵导入", idcard.WithCheckDigit("11010119950505003"), branch, 25))); j.State != importer.Done {
			t.Fatalf("import: %+v", j)
		}
		agree("the 台账 imported")

		// An organisation moved to the other 分局, then one dissolved after its
		// last person left with an open case.
		b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", b.branch), map[string]any{"parent_id": b.other}, nil)
		agree("an organisation moved")
		gone := addOrg(t, e, b.fenju, "甲分局临时党支部", "branch", false)
		leaving := addPerson(t, e, gone, "钱申请", "applicant", "1996-06-06")
		b.fenjuAdmin.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": leaving, "date": "2023-02-10"}, nil)
		exec("UPDATE persons SET org_id = ?, org_path = (SELECT path FROM orgs WHERE id = ?) WHERE id = ?", b.otherBranch, b.otherBranch, leaving)
		b.admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", gone), map[string]any{}, nil)
		agree("an organisation dissolved")
		if n := e.Count("SELECT COUNT(*) FROM dev_cases WHERE status = 'open'"); n != 2 {
			t.Fatalf("%d open cases at the end, want 2", n)
		}
	})
}

// pipelinesAgree compares Pipelines with the open and overdue cases
// counted from their persons' organisation under each root.
func pipelinesAgree(t *testing.T, e *apptest.Env, today civil.Date, after string, roots ...int64) {
	t.Helper()
	ctx := context.Background()
	for _, root := range roots {
		var path string
		if err := e.DB.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", root).Scan(&path); err != nil {
			t.Fatal(err)
		}
		sub := scope.Under(path)
		tree, err := org.ReadOrgs(ctx, e.DB, sub)
		if err != nil {
			t.Fatal(err)
		}
		kept, err := develop.Pipelines(ctx, e.DB, tree, today)
		if err != nil {
			t.Fatal(err)
		}
		w, args := sub.HasOrg("p.org_id")
		rows, err := e.DB.QueryContext(ctx, `SELECT p.org_id, COUNT(*), SUM(CASE WHEN c.next_due < ? THEN 1 ELSE 0 END)
			FROM dev_cases c JOIN persons p ON p.id = c.person_id WHERE c.status = 'open' AND `+w+` GROUP BY p.org_id`, append([]any{today.String()}, args...)...)
		direct := map[int64]develop.Pipeline{}
		_, err = db.Collect(rows, err, func(r db.Scanner) (id int64, err error) {
			var pl develop.Pipeline
			err = r.Scan(&id, &pl.Open, &pl.Overdue)
			direct[id] = pl
			return id, err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(kept, direct) {
			t.Errorf("after %s, under %d: kept %v, counted %v", after, root, kept, direct)
		}
	}
}

// TestPipelinesKeptUnderConcurrentWriters transfers people with open cases
// between two branches and moves their deadlines, each writer in its own
// transactions, while Keep recounts: no write waits forever or fails (the
// writes only add notes, which nobody else updates), and the pipelines
// then equal the cases counted, before and after the last Keep.
func TestPipelinesKeptUnderConcurrentWriters(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := newBureau(t, e)
		today := civil.MustParse(e.App.Today())
		var people []int64
		for i := range 6 {
			id := addPerson(t, e, b.branch, fmt.Sprintf("申请%d", i), "applicant", "1995-05-05")
			b.fenjuAdmin.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": id, "date": "2023-01-10"}, nil)
			people = append(people, id)
		}
		if err := develop.Keep(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		var g errgroup.Group
		for i, id := range people {
			g.Go(func() error {
				for n := range 8 {
					to := []int64{b.otherBranch, b.branch}[(i+n)%2]
					if err := e.DB.InTx(ctx, func(tx *db.Tx) error {
						if _, err := tx.ExecContext(ctx, "UPDATE persons SET org_id = ?, org_path = (SELECT path FROM orgs WHERE id = ?) WHERE id = ?", to, to, id); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, "UPDATE dev_cases SET next_due = ? WHERE person_id = ?", today.AddDays(n-4).String(), id)
						return err
					}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		g.Go(func() error {
			for range 8 {
				if err := develop.Keep(ctx, e.App.Deps); err != nil {
					return err
				}
			}
			return nil
		})
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		pipelinesAgree(t, e, today, "concurrent writes", b.root, b.fenju, b.other)
		if err := develop.Keep(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		pipelinesAgree(t, e, today, "concurrent writes, kept", b.root, b.fenju, b.other)
	})
}
