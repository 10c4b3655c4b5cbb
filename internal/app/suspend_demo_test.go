package app_test

import (
	"context"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/rules"
)

// TestDemoSuspendedOnGround: every 停止党籍 of the demo stands on R-suspend's
// ground: out of contact (失联) for the rule's months by the day it was
// stopped, and its event says so, not the ground of 自行脱党.
func TestDemoSuspendedOnGround(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-11-20")
	e.Demo(demo.Options{Seed: 1, Members: 1500, History: true})
	months := rules.Default("R-suspend").Value("months")
	rows, err := e.DB.QueryContext(context.Background(), `SELECT p.name, p.left_date, p.lost_contact, COALESCE(p.lost_since, ''), ev.note
		FROM persons p JOIN person_events ev ON ev.person_id = p.id AND ev.kind = 'suspend' WHERE p.status = 'suspended'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name, left, since, note string
		var lost int
		if err := rows.Scan(&name, &left, &lost, &since, &note); err != nil {
			t.Fatal(err)
		}
		n++
		from, err := civil.Parse(since)
		if lost != 1 || err != nil || civil.MustParse(left).Before(from.AddMonths(months)) {
			t.Errorf("%s stopped on %s: 失联 %d since %q", name, left, lost, since)
		}
		if !strings.Contains(note, "失去联系") || strings.Contains(note, "组织生活") {
			t.Errorf("%s: the 停止党籍's note %q", name, note)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the demo has no 停止党籍")
	}
}
