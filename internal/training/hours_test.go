package training_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/training"
)

// hoursKept fails unless training_hours holds exactly each person's hours
// per calendar year in Shanghai, recomputed here from training_checkins.
func hoursKept(t *testing.T, e *apptest.Env) {
	t.Helper()
	type key struct {
		person int64
		year   int
	}
	ctx := context.Background()
	read := func(q string, each func(person, x int64, h int) key) map[key]int {
		rows, err := e.DB.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[key]int{}
		for rows.Next() {
			var person, x int64
			var h int
			if err := rows.Scan(&person, &x, &h); err != nil {
				t.Fatal(err)
			}
			out[each(person, x, h)] += h
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	cst := time.FixedZone("CST", 8*3600)
	want := read("SELECT person_id, at, hours_x10 FROM training_checkins", func(p, at int64, _ int) key {
		return key{p, time.UnixMilli(at).In(cst).Year()}
	})
	got := read("SELECT person_id, year, hours_x10 FROM training_hours", func(p, y int64, _ int) key { return key{p, int(y)} })
	if len(want) == 0 {
		t.Fatal("no check-ins to compare")
	}
	for k, h := range want {
		if got[k] != h {
			t.Errorf("person %d in %d: training_hours has %d, the check-ins add up to %d", k.person, k.year, got[k], h)
		}
	}
	for k, h := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("person %d in %d: training_hours has %d, no check-in", k.person, k.year, h)
		}
	}
}

// TestHoursKept writes check-ins by every path (a member's QR code, the
// organiser's 补登; the demo seed in TestSeedDemo) on both sides of New
// Year in Shanghai, which is still the old year in UTC, and compares the
// maintained hours with the check-ins; then the migration's backfill.
func TestHoursKept(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		cst := w.now.Location()
		w.now = time.Date(2025, 12, 31, 22, 0, 0, 0, cst)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		var prog struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2025, "title": "跨年轮训"}, &prog)
		session := func(start time.Time, hours int) int64 {
			var sess, venue struct{ ID int64 }
			city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": start.Format("01-02 15:04"), "mode": "融合",
				"starts_at": start.UnixMilli(), "ends_at": start.Add(2 * time.Hour).UnixMilli(), "hours_x10": hours, "open_before_min": 30, "late_after_min": 10,
				"main_venue": "市局主会场"}, &sess)
			city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/sessions/%d/venues", sess.ID), map[string]any{"org_id": w.a, "name": "甲分局分会场"}, &venue)
			return venue.ID
		}
		checkin := func(person, venue int64) {
			e.Account(auth.Member, 0, person).Expect(201, "POST", "/api/v1/training/checkin", map[string]string{"token": qrAt(t, adminA, venue)}, nil)
		}
		late := session(time.Date(2025, 12, 31, 22, 0, 0, 0, cst), 15)
		w.now = w.now.Add(5 * time.Minute)
		checkin(w.member, late)
		adminA.Expect(201, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", late), map[string]any{"person_id": w.secretary, "reason": "现场核实"}, nil) // 补登 in 2025
		// 06:00 on New Year's Day in Shanghai is 22:00 on New Year's Eve in UTC.
		early := session(time.Date(2026, 1, 1, 6, 0, 0, 0, cst), 20)
		w.now = time.Date(2026, 1, 1, 6, 5, 0, 0, cst)
		checkin(w.member, early)
		w.now = w.now.Add(3 * time.Hour)
		adminA.Expect(201, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", early), map[string]any{"person_id": w.secretary, "reason": "现场核实"}, nil) // 补登 after the end
		hoursKept(t, e)
		if n := e.Count("SELECT hours_x10 FROM training_hours WHERE person_id = ? AND year = 2026", w.member); n != 20 {
			t.Errorf("the member's 2026: %d tenths, want the session of New Year's morning", n)
		}

		// The backfill of the migration gives the same from the check-ins.
		src, err := os.ReadFile("../platform/db/migrations/00306_training_hours.sql")
		if err != nil {
			t.Fatal(err)
		}
		token := map[db.Dialect]string{db.SQLite: "{{SQLITE}}", db.Postgres: "{{PG}}"}[e.DB.Dialect]
		e.Exec("DELETE FROM training_hours")
		ran := 0
		for line := range strings.Lines(string(src)) {
			if stmt, ok := strings.CutPrefix(line, token); ok && strings.HasPrefix(stmt, "INSERT INTO training_hours") {
				if _, err := e.DB.ExecContext(context.Background(), stmt); err != nil {
					t.Fatal(err)
				}
				ran++
			}
		}
		if ran != 1 {
			t.Fatalf("%d backfills for the dialect in the migration", ran)
		}
		hoursKept(t, e)
	})
}
