package app_test

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
	"hongdun/internal/platform/scope"
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
	if n := e.Count("SELECT COUNT(*) FROM training_hours h JOIN persons p ON p.id = h.person_id WHERE h.org_id <> p.org_id OR h.status <> p.status"); n > 0 {
		t.Errorf("%d rows of training_hours disagree with their person's organisation or status", n)
	}
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
// organiser's 补登; the demo seed in TestTrainingSeedDemo) on both sides of New
// Year in Shanghai, which is still the old year in UTC, and compares the
// maintained hours with the check-ins (and their people with persons);
// then the migrations' backfills.
func TestHoursKept(t *testing.T) {
	t.Parallel()
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

		// The backfills of the migrations give the same from the check-ins
		// and persons: 00720 and 00307 undone, 00306's sums, 00307 and 00720
		// again, whose hours met agree with the ledger.
		run := func(stmts []string) {
			for _, stmt := range stmts {
				if _, err := e.DB.ExecContext(context.Background(), stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
		}
		run([]string{"INSERT INTO training_requirements (year, general_x10, key_x10, updated_at) VALUES (2025, 10, 30, 0), (2026, 10, 30, 0)"}) // the member meets them, the secretary not
		run(migration(t, e, "00720_training_met.sql", "Down"))
		run(migration(t, e, "00307_training_hours_org.sql", "Down"))
		e.Exec("DELETE FROM training_hours")
		var sums []string
		for _, stmt := range migration(t, e, "00306_training_hours.sql", "Up") {
			if strings.HasPrefix(stmt, "INSERT INTO training_hours") {
				sums = append(sums, stmt)
			}
		}
		if len(sums) != 1 {
			t.Fatalf("%d backfills for the dialect in 00306", len(sums))
		}
		run(sums)
		run(migration(t, e, "00307_training_hours_org.sql", "Up"))
		run(migration(t, e, "00720_training_met.sql", "Up"))
		hoursKept(t, e)
		for _, year := range []int{2025, 2026} {
			if n := e.Count("SELECT COUNT(*) FROM training_met WHERE year = ?", year); n == 0 {
				t.Errorf("00720 kept nobody's hours met in %d", year)
			}
			standingAgrees(t, e, "00720's backfill", scope.All(), year)
		}
	})
}

// migration is the statements of one part ("Up" or "Down") of a migration
// for the test's database, one a line as this package's migrations write
// them.
func migration(t *testing.T, e *apptest.Env, file, part string) []string {
	t.Helper()
	src, err := os.ReadFile("../platform/db/migrations/" + file)
	if err != nil {
		t.Fatal(err)
	}
	mine, other := "{{SQLITE}}", "{{PG}}"
	if e.DB.Dialect == db.Postgres {
		mine, other = other, mine
	}
	var out []string
	in := false
	for line := range strings.Lines(string(src)) {
		line = strings.TrimSpace(line)
		if marker, ok := strings.CutPrefix(line, "-- +goose "); ok {
			in = marker == part
			continue
		}
		if stmt, ok := strings.CutPrefix(line, mine); ok {
			line = stmt
		}
		if in && line != "" && !strings.HasPrefix(line, "--") && !strings.HasPrefix(line, other) {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no statement in %s", file, part)
	}
	return out
}
