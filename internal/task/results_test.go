package task_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/scope"
	"hongdun/internal/task"
)

// TestResultsEqualTheArena compares the standings that Results sums from
// the copies' own year and weight (kept per organisation) with the 擂台 of
// the branches and of the 党委 (each copy read with its item), after every
// kind of write and on days before, at and after the deadlines, and again
// once Keep recounted what the write noted.
func TestResultsEqualTheArena(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := newBureau(t, e)
		at := func(day string) {
			d, _ := time.Parse(time.DateOnly, day)
			e.App.Now = func() time.Time { return d.Add(2 * time.Hour) }
		}
		check := func(after string) {
			t.Helper()
			tree, err := org.ReadOrgs(ctx, e.DB, scope.All())
			if err != nil {
				t.Fatal(err)
			}
			for _, kind := range []string{task.ToBranches, task.ToCommittees} {
				var board task.Board
				b.rootAdm.Expect(200, "GET", fmt.Sprintf("/api/v1/task-arena?org=%d&year=2026&kind=%s", b.root, kind), nil, &board)
				kept, err := task.Results(ctx, e.DB, tree, 2026, kind, board.AsOf)
				if err != nil {
					t.Fatal(err)
				}
				if len(kept) != len(board.Standings) {
					t.Errorf("after %s, %s on %s: %d standings kept, the arena has %d", after, kind, board.AsOf, len(kept), len(board.Standings))
				}
				for _, s := range board.Standings {
					k := kept[s.OrgID]
					if k == nil || k.Due != s.Due || k.Done != s.Done || k.OnTime != s.OnTime || k.Overdue != s.Overdue ||
						k.Rate != s.Rate || k.Score != s.Score {
						t.Errorf("after %s, %s on %s, organisation %d: kept %+v, the arena %+v", after, kind, board.AsOf, s.OrgID, k, s)
					}
				}
			}
		}
		// Each write starts from the sums all kept (none noted): its notes
		// must make the read sum what it changed; then Keep recounts.
		keep := func() {
			t.Helper()
			if err := task.Keep(ctx, e.App.Deps); err != nil {
				t.Fatal(err)
			}
			asOf := civil.YearAsOf(2026, civil.MustParse(e.App.Today())).String()
			if n := e.Count("SELECT COUNT(*) FROM task_results_kept WHERE year = 2026 AND as_of = ?", asOf); n != 1 {
				t.Fatalf("2026 kept as of %s: %d rows", asOf, n)
			}
		}
		agree := func(after string) {
			t.Helper()
			check(after)
			keep()
			check(after + ", kept")
		}
		post := func(c *apptest.Client, path string, body map[string]any) {
			t.Helper()
			c.Expect(201, "POST", path, body, nil)
		}
		item := b.item(t, b.rootAdm, b.root, nil) // due 06-30, weight 10
		keep()
		post(b.rootAdm, fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"target": "branches", "confirm": true})
		quarterly := b.item(t, b.rootAdm, b.root, map[string]any{"title": "每季度开展一次学习", "recurrence": "quarterly", "verifier": "training.held", "weight": 3})
		post(b.rootAdm, fmt.Sprintf("/api/v1/task-items/%d/dispatch", quarterly), map[string]any{"target": "committees", "confirm": true})
		at("2026-04-02") // Q1 is due
		agree("dispatch")
		post(b.aAdm, fmt.Sprintf("/api/v1/tasks/%d/dispatch", b.copyOf(t, quarterly, b.a)), map[string]any{"target": "branches", "confirm": true})
		agree("a sub-dispatch")

		// Completion, return, completion again and acceptance, before the deadline.
		c1 := b.copyOf(t, item, b.a1)
		done, review := fmt.Sprintf("/api/v1/tasks/%d/complete", c1), fmt.Sprintf("/api/v1/tasks/%d/review", c1)
		b.a1Adm.Expect(200, "POST", done, map[string]any{"evidence": "书记讲党课"}, nil)
		agree("a completion")
		b.rootAdm.Expect(200, "POST", review, map[string]any{"accept": false, "reason": "缺少讲稿"}, nil)
		agree("a return")
		b.a1Adm.Expect(200, "POST", done, map[string]any{"evidence": "补充讲稿"}, nil)
		b.rootAdm.Expect(200, "POST", review, map[string]any{"accept": true}, nil)
		agree("an acceptance")

		// A2 completes after the deadline; a study session completes A1's
		// quarterly copies by the system's check.
		at("2026-07-15")
		agree("the deadline passed")
		c2 := b.copyOf(t, item, b.a2)
		b.a2Adm.Expect(200, "POST", fmt.Sprintf("/api/v1/tasks/%d/complete", c2), map[string]any{"evidence": "补讲党课"}, nil)
		b.rootAdm.Expect(200, "POST", fmt.Sprintf("/api/v1/tasks/%d/review", c2), map[string]any{"accept": true}, nil)
		agree("a late acceptance")
		studied(t, e, b.a1, "2026-05-12")
		if err := task.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ? AND auto = 1", quarterly); n == 0 {
			t.Fatal("no copy completed by the system's check")
		}
		agree("a verification")

		// Raw statements stand for any other path: a copy written without
		// its year and weight (the item's are filled in), the item's weight
		// changed, the copy deleted.
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.DB.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`INSERT INTO task_copies (item_id, org_id, dispatcher_org_id, period, starts_on, due_on, status, done_on, created_at, updated_at)
			VALUES (?, ?, ?, 'raw', '2026-01-01', '2026-06-30', 'done', '2026-06-01', 0, 0)`, item, b.b1, b.root)
		agree("a copy inserted without its year")
		exec("UPDATE task_items SET weight = 7 WHERE id = ?", item)
		agree("an item's weight changed")
		exec("DELETE FROM task_copies WHERE item_id = ? AND period = 'raw'", item)
		agree("a copy deleted")

		// A branch moved to the other 分局, another dissolved; the year seen
		// from the next (as of its last day).
		b.rootAdm.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", b.a2), map[string]any{"parent_id": b.b}, nil)
		agree("an organisation moved")
		b.rootAdm.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", b.b1), map[string]any{}, nil)
		agree("an organisation dissolved")
		at("2027-01-10")
		agree("the year ended")
	})
}
