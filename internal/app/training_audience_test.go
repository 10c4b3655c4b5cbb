package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/training"
)

// A member sees the sessions of programs meant for them only: a program
// for 支部书记 is on the secretary's page, not on an ordinary member's.
func TestMyTrainingsRespectTheAudience(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		start := w.now.Add(24 * time.Hour)
		program := func(title string, cats []string) {
			t.Helper()
			var prog struct{ ID int64 }
			city.Expect(201, "POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026,
				"title": title, "categories": cats}, &prog)
			city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": title + "第一讲", "mode": "线下",
				"starts_at": start.UnixMilli(), "ends_at": start.Add(3 * time.Hour).UnixMilli(), "hours_x10": 30}, nil)
		}
		program("党支部书记政治轮训", []string{"支部书记"})
		program("全体党员轮训", nil)
		program("辅警党员轮训", []string{"辅警党员"})

		for person, want := range map[int64][]string{w.member: {"全体党员轮训"}, w.secretary: {"全体党员轮训", "党支部书记政治轮训"}} {
			c := e.Account(auth.Member, 0, person)
			var mine training.Mine
			c.Expect(200, "GET", "/api/v1/training/mine?year=2026", nil, &mine)
			var got []string
			for _, s := range mine.Sessions {
				got = append(got, s.Program)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("person %d sees %v, want %v", person, got, want)
			}
			if !mine.Sessions[0].Upcoming {
				t.Errorf("tomorrow's session is not upcoming")
			}
			if st := c.Do("GET", "/m", nil, nil); st != 200 || strings.Contains(c.Body(), "辅警党员轮训") || !strings.Contains(c.Body(), "未开始") || strings.Contains(c.Body(), "未签到") {
				t.Fatalf("/m: %d", st)
			}
		}
	})
}

// The program page lists each session's venues with the people each one
// serves: a branch venue takes its subtree off the main venue.
func TestVenuesExpectTheirAudience(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		city, adminA := e.Account(auth.OrgAdmin, w.root, 0), e.Account(auth.OrgAdmin, w.a, 0)
		var prog, course, other, sess struct{ ID int64 }
		city.Do("POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026, "title": "全市轮训"}, &prog)
		city.Do("POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026, "title": "另一项目"}, &other)
		city.Do("POST", fmt.Sprintf("/api/v1/training/programs/%d/courses", prog.ID), map[string]any{"topic": "学习贯彻党章", "hours_x10": 25}, &course)
		start := time.Date(2026, 1, 8, 14, 30, 0, 0, w.now.Location())
		body := map[string]any{"course_id": course.ID, "mode": "融合", "starts_at": start.UnixMilli(), "ends_at": start.Add(3 * time.Hour).UnixMilli()}
		if st := city.Do("POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", other.ID), body, nil); st != 400 || !strings.Contains(city.Body(), "所选课程不属于本培训项目") {
			t.Fatalf("another program's course: %d %s", st, city.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM training_sessions"); n != 0 {
			t.Fatalf("a refused session was stored")
		}
		// Title and hours left blank come from the course.
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), body, &sess) // session of a course
		city.Do("POST", fmt.Sprintf("/api/v1/training/sessions/%d/venues", sess.ID), map[string]any{"org_id": w.a, "name": "甲分局分会场"}, nil)

		expected := func(c *apptest.Client) map[string]string {
			var pr training.Program
			if st := c.Do("GET", fmt.Sprintf("/api/v1/training/programs/%d", prog.ID), nil, &pr); st != 200 || len(pr.Sessions) != 1 {
				t.Fatalf("program: %d %s", st, c.Body())
			}
			s := pr.Sessions[0]
			if s.Title != "学习贯彻党章" || s.HoursX10 != 25 || s.CourseID != course.ID || s.Course != "学习贯彻党章" || !s.Ended {
				t.Fatalf("session %+v", s)
			}
			out := map[string]string{}
			for _, v := range s.Venues {
				out[v.Name] = fmt.Sprintf("%d/%d", v.Present, v.Expected)
			}
			return out
		}
		if got := expected(city); got["主会场"] != "0/1" || got["甲分局分会场"] != "0/2" {
			t.Fatalf("city sees %v", got)
		}
		if got := expected(adminA); got["主会场"] != "0/0" || got["甲分局分会场"] != "0/2" {
			t.Fatalf("A sees %v (the main venue's numbers are not A's)", got)
		}
		if st := city.Do("GET", fmt.Sprintf("/training/programs/%d", prog.ID), nil, nil); st != 200 || !strings.Contains(city.Body(), "2026-01-08 14:30–17:30") ||
			!strings.Contains(city.Body(), "甲分局党委") || !strings.Contains(city.Body(), `<details class="session" id="session-`) {
			t.Fatalf("program page: %d %s", st, city.Body())
		}
	})
}

func TestSpan(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	at := func(d, h, m int) int64 { return time.Date(2026, 1, d, h, m, 0, 0, cst).UnixMilli() }
	for _, c := range []struct {
		from, to int64
		want     string
	}{
		{at(8, 14, 30), at(8, 17, 30), "2026-01-08 14:30–17:30"},
		{at(8, 20, 0), at(9, 8, 0), "2026-01-08 20:00 – 2026-01-09 08:00"},
	} {
		if got := training.Span(c.from, c.to); got != c.want {
			t.Errorf("Span = %q, want %q", got, c.want)
		}
	}

}
