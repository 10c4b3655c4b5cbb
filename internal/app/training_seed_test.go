package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/training"
)

// TestTrainingSeedDemo seeds the demo bureau's training and checks what the pages
// show: three tiers, 融合 sessions with a branch venue per 分局 and most of
// the audience present, a session dangyuan1 can check in to now, a ledger
// with people short of their hours for the 兜底 action; idempotent.
func TestTrainingSeedDemo(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		// A fixed Friday morning, so the year has its sessions and the live
		// one is open for check-in.
		fixed := time.Date(2026, 11, 20, 10, 7, 0, 0, time.FixedZone("CST", 8*3600))
		e.App.Now = func() time.Time { return fixed }
		e.Demo(demo.Options{Seed: 1, Password: demoPassword}, training.SeedDemo)
		checkins := e.Count("SELECT COUNT(*) FROM training_checkins")
		t.Logf("SeedDemo: %d check-ins", checkins)
		for _, tier := range []string{training.TierDemo, training.TierGeneral} {
			if n := e.Count("SELECT COUNT(*) FROM training_programs WHERE tier = ?", tier); n < 1 {
				t.Errorf("no %s program", tier)
			}
		}
		for _, kind := range training.ActivityKinds {
			if n := e.Count("SELECT COUNT(*) FROM training_activities WHERE kind = ?", kind); n < 1 {
				t.Errorf("no %s activity", kind)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM training_courses WHERE teacher <> '' AND hours_x10 > 0"); n < 10 {
			t.Errorf("%d courses", n)
		}
		districts := e.Count("SELECT COUNT(*) FROM orgs WHERE parent_id = (SELECT id FROM orgs WHERE parent_id IS NULL) AND name LIKE '%分局%'")
		fusion := e.Count("SELECT COUNT(*) FROM training_sessions WHERE mode = '融合'")
		if n := e.Count("SELECT COUNT(*) FROM training_venues v JOIN training_sessions s ON s.id = v.session_id WHERE s.mode = '融合' AND v.main = 0"); n != fusion*districts || fusion < 2 {
			t.Errorf("%d branch venues for %d 融合 sessions and %d 分局", n, fusion, districts)
		}
		now := e.App.Now().UnixMilli()
		if n := e.Count("SELECT COUNT(*) FROM training_sessions WHERE starts_at < ? AND starts_at >= ?", now, time.Date(2026, 1, 1, 0, 0, 0, 0, fixed.Location()).UnixMilli()); n < 10 {
			t.Errorf("%d sessions held this year", n)
		}
		// Plausible stamps: during the session, never ahead of the clock;
		// the session under way has its first arrivals.
		if n := e.Count("SELECT COUNT(*) FROM training_checkins c JOIN training_sessions s ON s.id = c.session_id WHERE c.at < s.starts_at OR c.at >= s.ends_at OR c.at > ?", now); n != 0 {
			t.Errorf("%d check-ins outside their session or in the future", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM training_checkins c JOIN training_sessions s ON s.id = c.session_id WHERE s.starts_at <= ? AND s.ends_at > ?", now, now); n == 0 {
			t.Error("no one has checked in at the session under way")
		}
		// Most of the audience attended the last held 融合 session.
		var held int64
		e.DB.QueryRowContext(ctx, "SELECT id FROM training_sessions WHERE mode = '融合' AND ends_at < ? ORDER BY starts_at DESC", now).Scan(&held)
		if held != 0 {
			members := e.Count("SELECT COUNT(*) FROM persons WHERE status IN ('probationary', 'full')")
			if n := e.Count("SELECT COUNT(*) FROM training_checkins WHERE session_id = ?", held); n < members*3/4 {
				t.Errorf("%d of %d members at the last session", n, members)
			}
			if n := e.Count("SELECT COUNT(*) FROM training_checkins WHERE session_id = ? AND method = 'manual' AND reason <> ''", held); n == 0 {
				t.Error("no 补登 at the last session")
			}
		}

		// The ledger: most met the requirement, some are short.
		shiju := e.Login("shiju", demoPassword)
		var ledger struct {
			Members    int
			ShortTotal int `json:"short_total"`
		}
		shiju.Expect(200, "GET", "/api/v1/training/ledger", nil, &ledger)
		if ledger.ShortTotal == 0 || ledger.ShortTotal == ledger.Members {
			t.Errorf("%d of %d short of hours", ledger.ShortTotal, ledger.Members)
		}
		if ledger.ShortTotal > ledger.Members/2 {
			t.Errorf("%d of %d short of hours: coverage too low for a demo", ledger.ShortTotal, ledger.Members)
		}

		// The live session: dangyuan1 scans the code of their 分局's venue.
		var venue int64
		if err := e.DB.QueryRowContext(ctx, `SELECT v.id FROM training_venues v JOIN training_sessions s ON s.id = v.session_id JOIN orgs o ON o.id = v.org_id
			WHERE s.starts_at - s.open_before_min * 60000 <= ? AND s.ends_at > ? AND o.name LIKE '%雁塔分局%'`, now, now).Scan(&venue); err != nil {
			t.Fatalf("no venue open for check-in now: %v", err)
		}
		var qr struct{ Token string }
		if st := e.Login("yanta", demoPassword).Do("GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venue), nil, &qr); st != 200 {
			t.Fatalf("qr: %d", st)
		}
		member := e.Login("dangyuan1", demoPassword)
		member.Expect(201, "POST", "/api/v1/training/checkin", map[string]string{"token": qr.Token}, nil) // dangyuan1 check-in

		// Idempotent.
		if err := training.SeedDemo(ctx, e.App.Deps); err != nil || e.Count("SELECT COUNT(*) FROM training_checkins") != checkins+1 {
			t.Fatalf("second SeedDemo: %v", err)
		}
		hoursKept(t, e)

		// The pages show the programs; the 兜底 action has people to list.
		var program int64
		e.DB.QueryRowContext(ctx, "SELECT id FROM training_programs WHERE title LIKE '%党员政治轮训'").Scan(&program)
		for path, want := range map[string]string{"/training": "党支部书记政治轮训", fmt.Sprintf("/training/programs/%d", program): "分会场",
			"/training/ledger": "学时", fmt.Sprintf("/training/venues/%d", venue): "小寨路派出所"} {
			if st := shiju.Do("GET", path, nil, nil); st != 200 || !strings.Contains(shiju.Body(), want) {
				t.Errorf("GET %s: %d, want %q", path, st, want)
			}
		}
		var fb struct {
			PeopleAdded int `json:"people_added"`
		}
		var root int64
		e.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE parent_id IS NULL").Scan(&root)
		var plan training.FallbackPlan
		shiju.Do("GET", fmt.Sprintf("/api/v1/training/fallback?org=%d", root), nil, &plan)
		if st := shiju.Do("POST", "/api/v1/training/fallback", map[string]any{"org_id": root, "year": e.App.Now().Year(), "expect": plan.Expect}, &fb); st != 201 || fb.PeopleAdded != len(plan.People) || fb.PeopleAdded == 0 {
			t.Errorf("fallback: %d %s", st, shiju.Body())
		}
	})
}
