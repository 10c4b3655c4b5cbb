package life_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
)

// bureau is a small tree: a 市局 with two branches, five party members in
// the first (four 正式, one 预备), one in the second, and a committee of
// three in the first.
type bureau struct {
	root, branch, other int64
	people              []int64 // of branch: four full, then the probationary one
	outsider            int64   // of other
}

func setup(t *testing.T, e *apptest.Env) *bureau {
	ctx := context.Background()
	b := &bureau{}
	ins := e.Org
	person := func(org int64, name, status, join, full string) int64 {
		return e.Person(dbtest.Person{Org: org, Name: name, Pinyin: name, Status: status, JoinDate: join, FullDate: full})
	}
	b.root = ins(0, "市公安局党委", "committee")
	b.branch = ins(b.root, "城关派出所党支部", "branch")
	b.other = ins(ins(0, "外局党委", "committee"), "外局党支部", "branch")
	for i, n := range []string{"甲", "乙", "丙", "丁"} {
		b.people = append(b.people, person(b.branch, n, "full", "2010-01-0"+fmt.Sprint(i+1), "2011-01-01"))
	}
	b.people = append(b.people, person(b.branch, "戊", "probationary", "2025-06-01", ""))
	b.outsider = person(b.other, "己", "full", "2010-01-01", "2011-01-01")
	for i, post := range []string{"书记", "组织委员", "宣传委员"} {
		if _, err := e.DB.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?,?,?,'2024-01-01',0)",
			b.branch, b.people[i], post); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// at fixes the server's clock.
func TestMeetingFlowAndBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := setup(t, e)
		e.At("2026-02-10")
		c := e.Account(auth.OrgAdmin, b.branch, 0)
		p := b.people
		meetings := func() int { return e.Count("SELECT COUNT(*) FROM life_meetings") }
		body := func() map[string]any {
			return map[string]any{"org_id": b.branch, "kind": "congress", "held_on": "2026-02-09", "topic": "讨论发展对象", "place": "会议室",
				"attendees": []map[string]any{{"person_id": p[0], "status": "present"}, {"person_id": p[1], "status": "present"},
					{"person_id": p[4], "status": "present"}, {"person_id": p[2], "status": "absent", "reason": "公差"}},
				"decisions": []map[string]any{{"what": "报上级党委预审", "owner_id": p[0], "due_on": "2026-02-28", "todo": true}}}
		}
		// Bad input, each refused with its field and nothing written.
		for _, bad := range []struct {
			name   string
			change func(m map[string]any)
			status int
			field  string
		}{
			{"future date", func(m map[string]any) { m["held_on"] = "2026-02-11" }, 422, "held_on"},
			{"no such date", func(m map[string]any) { m["held_on"] = "2026-02-30" }, 400, "held_on"},
			{"unknown kind", func(m map[string]any) { m["kind"] = "party" }, 400, "kind"},
			{"no topic", func(m map[string]any) { m["topic"] = " " }, 400, "topic"},
			{"attendee outside the branch", func(m map[string]any) {
				m["attendees"] = []map[string]any{{"person_id": b.outsider, "status": "present"}}
			}, 422, "attendees"},
			{"observer outside scope", func(m map[string]any) {
				m["attendees"] = []map[string]any{{"person_id": b.outsider, "status": "observer"}}
			}, 422, "attendees"},
			{"absent without reason", func(m map[string]any) {
				m["attendees"] = []map[string]any{{"person_id": p[3], "status": "absent"}}
			}, 400, "attendees"},
			{"decision due before the meeting", func(m map[string]any) {
				m["decisions"] = []map[string]any{{"what": "x", "owner_id": p[0], "due_on": "2026-01-01", "todo": true}}
			}, 422, "decisions"},
			{"todo without owner", func(m map[string]any) {
				m["decisions"] = []map[string]any{{"what": "x", "due_on": "2026-03-01", "todo": true}}
			}, 400, "decisions"},
		} {
			m := body()
			bad.change(m)
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := c.Do("POST", "/api/v1/meetings", m, &out); st != bad.status || out.Error.Field != bad.field || out.Error.Message == "" {
				t.Errorf("%s: %d %+v, want %d on %s", bad.name, st, out.Error, bad.status, bad.field)
			}
		}
		if n := meetings(); n != 0 {
			t.Fatalf("refused meetings wrote %d rows", n)
		}
		c.Expect(404, "POST", "/api/v1/meetings", map[string]any{"org_id": b.other, "kind": "congress", "held_on": "2026-02-09", "topic": "x"}, nil) // out-of-scope org

		var m life.Meeting
		c.Expect(201, "POST", "/api/v1/meetings", body(), &m)
		// 4 voting (the 预备党员 does not vote), 2 of them present: not more than half.
		if m.Quorum.Expected != 4 || m.Quorum.Present != 2 || m.Quorum.Met || m.Counts || len(m.Attendees) != 5 {
			t.Fatalf("quorum %+v counts %v attendees %d", m.Quorum, m.Counts, len(m.Attendees))
		}
		c.Expect(409, "POST", "/api/v1/meetings", body(), nil) // double submit
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.decision' AND done_at IS NULL AND due_on = '2026-02-28'"); n != 1 {
			t.Fatalf("decision 待办: %d", n)
		}
		var ov life.Overview
		cell := func() string {
			if st := c.Do("GET", fmt.Sprintf("/api/v1/meetings/compliance?year=2026&quarter=1&org=%d", b.branch), nil, &ov); st != 200 || ov.Total != 1 {
				t.Fatalf("compliance: %d %s", st, c.Body())
			}
			for j, col := range ov.Columns {
				if col.Kind == "congress" {
					return ov.Items[0].Cells[j].State
				}
			}
			return ""
		}
		if s := cell(); s != life.Due {
			t.Fatalf("党员大会 without quorum: %s", s)
		}
		// A third voting member arrives: the meeting counts.
		if st := c.Do("PUT", fmt.Sprintf("/api/v1/meetings/%d/attendance", m.ID), map[string]any{"version": m.Version,
			"attendees": []map[string]any{{"person_id": p[3], "status": "present"}}}, &m); st != 200 || !m.Counts || m.Quorum.Present != 3 {
			t.Fatalf("attendance: %d %+v", st, m.Quorum)
		}
		if s := cell(); s != life.Done {
			t.Fatalf("党员大会 with quorum: %s", s)
		}
		// An edit racing another: the stale version is refused.
		c.Expect(409, "PATCH", fmt.Sprintf("/api/v1/meetings/%d", m.ID), map[string]any{"version": m.Version - 1, "minutes": "改"}, nil) // stale version
		if st := c.Do("PATCH", fmt.Sprintf("/api/v1/meetings/%d", m.ID), map[string]any{"version": m.Version, "minutes": "会议记录"}, &m); st != 200 || m.Minutes != "会议记录" {
			t.Fatalf("patch: %d %s", st, c.Body())
		}
		// The decision is done: its 待办 closes.
		d := m.Decisions[0]
		c.Expect(200, "POST", fmt.Sprintf("/api/v1/meetings/%d/decisions/%d/done", m.ID, d.ID), map[string]any{"version": m.Version, "done_on": "2026-02-10"}, &m)
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.decision' AND done_at IS NULL"); n != 0 {
			t.Fatalf("decision 待办 still open: %d", n)
		}
		// The 支委会's roster is its committee: 2 of 3 is at least half.
		var cm life.Meeting
		c.Expect(201, "POST", "/api/v1/meetings", map[string]any{"org_id": b.branch, "kind": "committee", "held_on": "2026-02-10", "topic": "研究月度工作",
			"attendees": []map[string]any{{"person_id": p[0], "status": "present"}, {"person_id": p[1], "status": "present"}, {"person_id": p[3], "status": "observer"}}}, &cm)
		if cm.Quorum.Expected != 3 || cm.Quorum.Present != 2 || !cm.Counts {
			t.Fatalf("支委会 quorum %+v", cm.Quorum)
		}
		var l life.List
		if st := c.Do("GET", "/api/v1/meetings?kind=committee&from=2026-02-01&to=2026-02-28&per_page=1", nil, &l); st != 200 || l.Total != 1 || len(l.Items) != 1 {
			t.Fatalf("list: %d %s", st, c.Body())
		}
		c.Expect(422, "GET", "/api/v1/meetings?from=2026-03-01&to=2026-02-01", nil, nil) // reversed range
	})
}

// The calendar across a year boundary: the bureau set 党课 yearly for 2025
// and quarterly again for 2026 (a year without its own setting inherits the
// last one). On 2026-01-05 a meeting of
// 2025-12-31 still counts for 2025's fourth quarter, one of 2026-01-01 for
// the first quarter of 2026, and the 待办 name what December and 2025 missed.
func TestCalendarAcrossYearBoundary(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := setup(t, e)
		ctx := context.Background()
		e.At("2025-12-31")
		admin := e.Account(auth.OrgAdmin, b.root, 0)
		admin.Expect(200, "PUT", "/api/v1/meetings/frequencies", map[string]any{"year": 2025, "per": map[string]string{"lecture": "year"}}, nil)
		var fr struct {
			Set bool
			Per map[string]string
		}
		if st := admin.Do("GET", "/api/v1/meetings/frequencies?year=2026", nil, &fr); st != 200 || fr.Set || fr.Per["lecture"] != "year" {
			t.Fatalf("2026 inherits 2025: %d %+v", st, fr)
		}
		admin.Expect(200, "PUT", "/api/v1/meetings/frequencies", map[string]any{"year": 2026, "per": map[string]string{"lecture": "quarter"}}, nil) // frequencies 2026
		admin.Expect(422, "PUT", "/api/v1/meetings/frequencies", map[string]any{"year": 2025, "per": map[string]string{"lecture": "weekly"}}, nil)  // bad frequency
		all := []map[string]any{}
		for _, id := range b.people[:4] {
			all = append(all, map[string]any{"person_id": id, "status": "present"})
		}
		create := func(kind, day string) {
			e.At(day)
			admin.Expect(201, "POST", "/api/v1/meetings", map[string]any{"org_id": b.branch, "kind": kind, "held_on": day, "topic": kind + day, "attendees": all}, nil)
		}
		create("congress", "2025-12-31")
		create("congress", "2026-01-01")
		items, err := life.Reminders(ctx, e.DB, civil.MustParse("2026-01-05"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, it := range items {
			if it.OrgID == b.branch {
				got[it.Key] = it.Severity + " " + it.Title
			}
		}
		key := func(kind, due string) string { return fmt.Sprintf("%d:%s:%s", b.branch, kind, due) }
		want := map[string]string{
			key("committee", "2025-12-31"): "bad 2025年12月未召开支委会",
			key("group", "2025-12-31"):     "bad 2025年12月未召开党小组会",
			key("theme_day", "2025-12-31"): "bad 2025年12月未召开主题党日",
			key("lecture", "2025-12-31"):   "bad 2025年未召开党课", // yearly in 2025
			key("life_meet", "2025-12-31"): "bad 2025年未召开组织生活会",
			key("appraisal", "2025-12-31"): "bad 2025年未召开民主评议党员",
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %q, want %q", k, got[k], w)
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected 待办 %s: %s", k, g) // Q4 2025 党员大会 was held; January's periods are far from their end
			}
		}
		e.At("2026-01-05")
		var ov life.Overview
		admin.Expect(200, "GET", fmt.Sprintf("/api/v1/meetings/compliance?year=2026&quarter=1&org=%d", b.branch), nil, &ov)
		for j, col := range ov.Columns {
			if col.Kind == "congress" && ov.Items[0].Cells[j].Held != 1 {
				t.Errorf("2026-01-01 counted %d times in Q1 2026", ov.Items[0].Cells[j].Held)
			}
			if col.Kind == "lecture" && col.Per != "quarter" {
				t.Errorf("2026 党课 frequency %s", col.Per)
			}
		}
		// The periodic job posts them, and one branch's missed 党员大会 shows in the coverage.
		if err := life.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'life.due' AND org_id = ? AND done_at IS NULL", b.branch); n != len(want) {
			t.Fatalf("%d 待办 posted, want %d", n, len(want))
		}
		if st := admin.Do("GET", "/api/v1/meetings/compliance?year=2025&quarter=4&missing=congress", nil, &ov); st != 200 || ov.Total != 0 || ov.Branches != 1 {
			t.Fatalf("missed Q4 党员大会: %d total %d of %d", st, ov.Total, ov.Branches)
		}
	})
}
