package transfer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/transfer"
)

// TestSeedDemo seeds the demo bureau's transfers: every state of every
// kind that has it, the members moved as the app moves them, one overdue
// in both sides' 待办; idempotent; the pages show them.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		const password = "Demo-Pass-2026!"
		e.Demo(demo.Options{Seed: 1, Password: password}, transfer.SeedDemo)
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := e.DB.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		total := count("SELECT COUNT(*) FROM transfers")
		t.Logf("SeedDemo: %d transfers", total)
		for _, ks := range [][2]string{{"inside", "applied"}, {"inside", "reviewed"}, {"inside", "sent"}, {"inside", "received"}, {"inside", "returned"},
			{"inside", "withdrawn"}, {"out", "reviewed"}, {"out", "sent"}, {"out", "received"}, {"out", "withdrawn"},
			{"in", "applied"}, {"in", "reviewed"}, {"in", "received"}, {"in", "returned"}} {
			if n := count("SELECT COUNT(*) FROM transfers WHERE kind = ? AND state = ?", ks[0], ks[1]); n < 1 {
				t.Errorf("%d %s transfers %s", n, ks[0], ks[1])
			}
		}
		// The members moved: received inside sits in the receiving branch,
		// sent out is 已转出, received from outside is a member now.
		if n := count(`SELECT COUNT(*) FROM transfers t JOIN persons p ON p.id = t.person_id WHERE t.kind = 'inside' AND t.state = 'received' AND p.org_id = t.to_org_id`); n != 1 {
			t.Error("the member received inside did not move")
		}
		if n := count(`SELECT COUNT(*) FROM transfers t JOIN persons p ON p.id = t.person_id WHERE t.kind = 'out' AND t.state IN ('sent', 'received') AND p.status = 'transferred'`); n != 2 {
			t.Errorf("%d members sent out are 已转出", n)
		}
		if n := count(`SELECT COUNT(*) FROM transfers t JOIN persons p ON p.id = t.person_id WHERE t.kind = 'in' AND t.state = 'received' AND p.status = 'full' AND p.org_id = t.to_org_id`); n != 1 {
			t.Error("the member received from outside is not registered")
		}
		if n := count(`SELECT COUNT(*) FROM transfers t JOIN persons p ON p.id = t.person_id WHERE t.state IN ('applied', 'reviewed', 'sent') AND t.kind <> 'in' AND p.org_id <> t.from_org_id`); n != 0 {
			t.Errorf("%d open transfers whose member left the sending branch", n)
		}
		// Dates run in order and none lies ahead.
		today := e.App.Today()
		if n := count(`SELECT COUNT(*) FROM transfers WHERE applied_on > ? OR reviewed_on < applied_on OR sent_on < reviewed_on OR closed_on < applied_on
			OR COALESCE(closed_on, sent_on, reviewed_on, applied_on) > ?`, today, today); n != 0 {
			t.Errorf("%d transfers with dates out of order", n)
		}
		// One overdue, in the 待办 of both sides.
		var overdue int64
		if err := e.DB.QueryRowContext(ctx, "SELECT id FROM transfers WHERE state IN ('applied', 'reviewed', 'sent') AND due_on < ?", today).Scan(&overdue); err != nil {
			t.Fatalf("no overdue transfer: %v", err)
		}
		if n := count(`SELECT COUNT(*) FROM todos WHERE source = 'transfer.overdue' AND done_at IS NULL AND link = ?`, fmt.Sprintf("/transfers/%d", overdue)); n != 2 {
			t.Errorf("%d 待办 for the overdue transfer", n)
		}

		// Idempotent.
		if err := transfer.SeedDemo(ctx, e.App.Deps); err != nil || count("SELECT COUNT(*) FROM transfers") != total {
			t.Fatalf("second SeedDemo: %v", err)
		}

		// The pages, as the 市局 and as 雁塔分局 see them.
		shiju, yanta := e.Login("shiju", password), e.Login("yanta", password)
		var name string
		e.DB.QueryRowContext(ctx, "SELECT person_name FROM transfers WHERE id = ?", overdue).Scan(&name)
		for path, want := range map[string]string{"/transfers": name, fmt.Sprintf("/transfers/%d", overdue): "超期", "/transfers/stats": "转出",
			"/api/v1/transfers?open=1": name} {
			if st := shiju.Do("GET", path, nil, nil); st != 200 || !strings.Contains(shiju.Body(), want) {
				t.Errorf("GET %s: %d, want %q", path, st, want)
			}
		}
		if st := yanta.Do("GET", "/transfers", nil, nil); st != 200 || !strings.Contains(yanta.Body(), "小寨路派出所") || !strings.Contains(yanta.Body(), "赵卫国") {
			t.Errorf("雁塔's transfers: %d", st)
		}
	})
}
