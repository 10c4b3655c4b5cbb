package app_test

import (
	"context"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/strong"
)

// The hourly job reads the branches' facts before its transaction and
// rewrites only the entries whose figures moved: at a million people it
// held the writer for seconds, rewriting every entry every hour.
func TestRoundSyncWritesOnlyWhatMoved(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		admin := e.Account(auth.OrgAdmin, b.Root, 0)
		var plan strong.RoundPlan
		if st := admin.Do("GET", "/api/v1/strong/rounds/preview?year=2026&self_due=2026-06-30&review_due=2026-07-15", nil, &plan); st != 200 {
			t.Fatalf("preview: %d %s", st, admin.Body())
		}
		open := map[string]any{"year": 2026, "self_due": "2026-06-30", "review_due": "2026-07-15", "expect": plan.Expect}
		if st := admin.Do("POST", "/api/v1/strong/rounds", open, nil); st != 201 {
			t.Fatalf("open: %d %s", st, admin.Body())
		}
		ctx := context.Background()
		e.Exec("UPDATE strong_entries SET updated_at = 0")
		if err := strong.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_entries WHERE updated_at <> 0"); n != 0 {
			t.Fatalf("nothing moved, yet %d entries rewritten", n)
		}
		score := func() int { return e.Count("SELECT computed_x100 FROM strong_entries WHERE org_id = ?", b.A2) }
		before := score()
		e.Exec("INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES (?, 'congress', '2026-02-10', '会议', 1, 0, 0)", b.A2)
		if err := strong.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if after := score(); after <= before {
			t.Errorf("第二支部's 组织生活 held once more: computed %d → %d", before, after)
		}
		if n := e.Count("SELECT COUNT(*) FROM strong_entries WHERE updated_at <> 0 AND org_id <> ?", b.A2); n != 0 {
			t.Errorf("%d entries of other branches rewritten", n)
		}
	})
}
