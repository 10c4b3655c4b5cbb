package app_test

import (
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/dues"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau has a year of dues: most months paid, some by proxy and
// some late, a few members 3, 5 and 6 months behind whose warnings are in
// the 待办, and reductions approved, pending and refused.
func TestDemoHasAYearOfDues(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-12-05")
	e.Demo(demo.Options{Seed: 1, Members: 2000}, dues.SeedDemo)
	members := e.Count("SELECT COUNT(DISTINCT person_id) FROM dues_bases")
	paid := e.Count("SELECT COUNT(*) FROM dues_payments WHERE year = 2026 AND month = 11")
	if members < 1000 || paid < members*9/10 {
		t.Fatalf("%d members, %d paid November", members, paid)
	}
	if e.Count("SELECT COUNT(*) FROM dues_payments WHERE proxy = 1") == 0 || e.Count("SELECT COUNT(*) FROM dues_payments WHERE paid_on > '2026-10-31' AND month = 10 AND year = 2026") == 0 {
		t.Fatal("no 代缴 or no 补缴")
	}
	for _, c := range []struct {
		sev, like string
	}{{"warn", "%连续 3 个月%"}, {"bad", "%连续 5 个月%"}, {"bad", "%自行脱党%"}} {
		if e.Count("SELECT COUNT(*) FROM todos WHERE source = 'dues.unpaid' AND severity = ? AND title LIKE ? AND done_at IS NULL", c.sev, c.like) == 0 {
			t.Errorf("no %s 待办 like %s", c.sev, c.like)
		}
	}
	for _, state := range []string{dues.Approved, dues.Pending, dues.Refused} {
		if e.Count("SELECT COUNT(*) FROM dues_reductions WHERE state = ?", state) == 0 {
			t.Errorf("no %s reduction", state)
		}
	}
	if e.Count("SELECT COUNT(*) FROM todos WHERE source = 'dues.reduction' AND done_at IS NULL") != e.Count("SELECT COUNT(*) FROM dues_reductions WHERE state = 'pending'") {
		t.Error("a pending reduction without its 待办")
	}
	if e.Count("SELECT COUNT(*) FROM dues_bases b JOIN dues_reductions r ON r.person_id = b.person_id AND r.year = b.year AND r.state = 'approved' WHERE b.amount_fen = r.amount_fen") !=
		e.Count("SELECT COUNT(*) FROM dues_reductions WHERE state = 'approved'") {
		t.Error("an approved reduction not in its base")
	}
}
