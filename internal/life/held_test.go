package life_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/scope"
)

// TestTalliesKept writes meetings by every path (recorded, their
// attendance changing whether they count, their text edited, any statement
// moving one to another date or organisation or deleting it, several at
// once) and moves and dissolves organisations. Each step starts with the
// months held all kept (none noted); after it the tallies, which read the
// kept months, must equal the compliance calendar they link to, which counts
// the meetings themselves; then once more after Keep recomputed what the
// write noted.
func TestTalliesKept(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := setup(t, e)
		group := e.Org(b.branch, "第一党小组", org.Group)
		second := e.Org(b.root, "交警大队党支部", org.Branch)
		e.At("2026-06-15")
		today := civil.MustParse("2026-06-15")
		admin := e.Account(auth.OrgAdmin, b.root, 0)
		agree := func(step string) {
			t.Helper()
			compare := func(step string) {
				t.Helper()
				tree, err := org.ReadOrgs(ctx, e.DB, scope.Under(fmt.Sprintf("/%d/", b.root)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := life.Tallies(ctx, e.DB, tree, 2026, today)
				if err != nil {
					t.Fatal(err)
				}
				var ov life.Overview
				admin.Expect(200, "GET", "/api/v1/meetings/compliance?year=2026&per_page=200", nil, &ov)
				want := map[int64]life.Tally{}
				for _, r := range ov.Items {
					want[r.OrgID] = life.Tally{Done: r.Done, Overdue: r.Overdue, Due: r.Due}
				}
				if len(got) != len(want) || len(want) != ov.Total {
					t.Errorf("%s: tallies of %d branches, the calendar %d of %d", step, len(got), len(want), ov.Total)
				}
				for id, w := range want {
					if got[id] != w {
						t.Errorf("%s: branch %d tallied %+v, the calendar says %+v", step, id, got[id], w)
					}
				}
			}
			compare(step)
			if err := life.Keep(ctx, e.App.Deps); err != nil {
				t.Fatal(err)
			}
			if n := e.Count("SELECT COUNT(*) FROM life_held_dirty"); n != 0 {
				t.Fatalf("%s: %d notes left after Keep", step, n)
			}
			compare(step + ", recomputed")
		}
		agree("none held")

		present := func(people ...int64) []map[string]any {
			var out []map[string]any
			for _, id := range people {
				out = append(out, map[string]any{"person_id": id, "status": "present"})
			}
			return out
		}
		p := b.people
		create := func(orgID int64, kind, day string, attendees []map[string]any) life.Meeting {
			var m life.Meeting
			admin.Expect(201, "POST", "/api/v1/meetings", map[string]any{"org_id": orgID, "kind": kind, "held_on": day, "topic": kind + day, "attendees": attendees}, &m)
			return m
		}
		create(b.branch, life.Committee, "2026-01-12", present(p[0], p[1], p[2]))
		agree("a 支委会 recorded")
		create(group, life.Group, "2026-02-03", nil) // no quorum to meet
		agree("a 党小组会 of the branch's group")
		// Two of four voting members: no quorum, it does not count until
		// the attendance is completed.
		congress := create(b.branch, life.Congress, "2026-03-20", present(p[0], p[1]))
		if congress.Counts {
			t.Fatal("a 党员大会 without quorum counts")
		}
		agree("a 党员大会 without quorum")
		admin.Expect(200, "PUT", fmt.Sprintf("/api/v1/meetings/%d/attendance", congress.ID), map[string]any{"version": congress.Version,
			"attendees": present(p[2], p[3])}, &congress)
		if !congress.Counts {
			t.Fatalf("attendance completed: %+v", congress.Quorum)
		}
		agree("its attendance completed")
		admin.Expect(200, "PATCH", fmt.Sprintf("/api/v1/meetings/%d", congress.ID), map[string]any{"version": congress.Version, "place": "大会议室"}, nil)
		agree("its text edited")

		// Whatever statement writes the meetings: moved to another quarter,
		// to another branch, deleted, several inserted at once.
		e.Exec("UPDATE life_meetings SET held_on = '2026-04-02' WHERE id = ?", congress.ID)
		agree("a meeting moved to the next quarter")
		e.Exec("UPDATE life_meetings SET org_id = ? WHERE id = ?", second, congress.ID)
		agree("a meeting moved to another branch")
		e.Exec("DELETE FROM life_attendees WHERE meeting_id = ?", congress.ID)
		e.Exec("DELETE FROM life_meetings WHERE id = ?", congress.ID)
		agree("a meeting deleted")
		e.Exec(`INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES
			(?, 'lecture', '2026-05-06', '党课', 1, 0, 0), (?, 'theme_day', '2026-05-07', '主题党日', 1, 0, 0), (?, 'lecture', '2025-11-06', '去年党课', 1, 0, 0)`,
			b.branch, second, second)
		agree("several inserted at once")

		// Organisations: the group moved to the second branch takes its
		// meeting along; the second branch dissolved leaves the calendar.
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", group), map[string]any{"parent_id": second, "version": 1}, nil)
		agree("the group moved")
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", group), map[string]any{"version": 2, "dissolved_on": "2026-06-01"}, nil)
		agree("the group dissolved")
	})
}
