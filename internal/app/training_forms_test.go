package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The organiser builds a program through the pages: program, course,
// activity, session with its main venue, and branch venues; bad input is
// shown again with the reason and changes nothing.
func TestProgramForms(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		adminA, adminB := e.Account(auth.OrgAdmin, w.a, 0), e.Account(auth.OrgAdmin, w.b, 0)
		prog := url.Values{"org_id": {fmt.Sprint(w.a)}, "audience_org_id": {fmt.Sprint(w.aBranch)}, "tier": {"党委(党组)普遍培训"}, "year": {"2026"},
			"title": {"甲分局党务工作者轮训"}, "categories": {"党务工作者", "支部书记"}}
		if st := adminA.PostForm("/training/programs", prog); st != 303 {
			t.Fatalf("program: %d %s", st, adminA.Body())
		}
		var id int64
		var cats string
		e.DB.QueryRowContext(context.Background(), "SELECT id, categories FROM training_programs").Scan(&id, &cats)
		if !strings.Contains(cats, "党务工作者") {
			t.Fatalf("categories %s", cats)
		}
		prog.Set("categories", "群众")
		if st := adminA.PostForm("/training/programs", prog); st != 400 || !strings.Contains(adminA.Body(), "对象类别“群众”无效") || !strings.Contains(adminA.Body(), `value="甲分局党务工作者轮训"`) {
			t.Fatalf("bad category: %d", st)
		}
		prog.Del("categories")
		prog.Set("audience_org_id", fmt.Sprint(w.b))
		if st := adminA.PostForm("/training/programs", prog); st != 400 || !strings.Contains(adminA.Body(), "培训对象应在主办组织及其下级范围内") {
			t.Fatalf("audience outside: %d", st)
		}

		base := fmt.Sprintf("/training/programs/%d", id)
		steps := []struct {
			path string
			form url.Values
		}{
			{base + "/courses", url.Values{"c_topic": {"学习贯彻党章"}, "c_teacher": {"市委党校 王教授"}, "c_hours": {"1.5"}}},
			{base + "/activities", url.Values{"a_kind": {"学习研讨"}, "a_title": {"专题研讨"}, "a_on_date": {"2026-03-15"}, "a_record": {"研讨记录"}}},
			{base + "/sessions", url.Values{"s_title": {"第一讲"}, "s_mode": {"融合"}, "s_starts_at": {"2026-03-20T09:00"}, "s_ends_at": {"2026-03-20T12:00"},
				"s_hours": {"3"}, "s_stream_url": {"https://live.example/1"}, "s_main_venue": {"甲分局主会场"}, "s_open_before_min": {"30"}, "s_late_after_min": {"10"}}},
		}
		for _, s := range steps {
			if st := adminA.PostForm(s.path, s.form); st != 303 {
				t.Fatalf("%s: %d %s", s.path, st, adminA.Body())
			}
		}
		var session, course int64
		e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_sessions").Scan(&session)
		// A session of the course may leave its title and hours to the course.
		e.DB.QueryRowContext(context.Background(), "SELECT id FROM training_courses").Scan(&course)
		if st := adminA.PostForm(base+"/sessions", url.Values{"s_course_id": {fmt.Sprint(course)}, "s_mode": {"线下"}, "s_starts_at": {"2026-03-27T09:00"},
			"s_ends_at": {"2026-03-27T10:30"}}); st != 303 {
			t.Fatalf("session of a course: %d %s", st, adminA.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM training_sessions WHERE course_id = ? AND title = '学习贯彻党章' AND hours_x10 = 15", course); n != 1 {
			t.Fatal("the course's session did not take its topic and hours")
		}
		venue := fmt.Sprintf("/training/sessions/%d/venues", session)
		if st := adminA.PostForm(venue, url.Values{"v_org_id": {fmt.Sprint(w.aBranch)}, "v_name": {"甲支部分会场"}}); st != 303 {
			t.Fatalf("branch venue: %d %s", st, adminA.Body())
		}
		if st := adminA.Do("GET", base, nil, nil); st != 200 || !strings.Contains(adminA.Body(), "甲支部分会场") || !strings.Contains(adminA.Body(), "学习贯彻党章") {
			t.Fatalf("program page: %d", st)
		}

		for _, c := range []struct {
			path  string
			form  url.Values
			field string
		}{
			{base + "/courses", url.Values{"c_topic": {"无学时"}, "c_hours": {"1.55"}}, "学时应为 0.1 至 100"},
			{base + "/activities", url.Values{"a_kind": {"唱歌"}, "a_title": {"x"}, "a_on_date": {"2026-03-15"}}, "活动形式应为"},
			{base + "/activities", url.Values{"a_kind": {"学习研讨"}, "a_title": {"x"}, "a_on_date": {"2026-02-30"}}, "日期应为真实的日期"},
			{base + "/sessions", url.Values{"s_title": {"倒序"}, "s_mode": {"线下"}, "s_starts_at": {"2026-03-20T12:00"}, "s_ends_at": {"2026-03-20T09:00"}, "s_hours": {"1"}}, "结束时间应晚于开始时间"},
			{base + "/sessions", url.Values{"s_title": {"无时间"}, "s_mode": {"线下"}, "s_starts_at": {"下午"}, "s_hours": {"1"}}, "请填写开始时间"},
			{base + "/sessions", url.Values{"s_course_id": {"abc"}, "s_mode": {"线下"}, "s_starts_at": {"2026-03-20T09:00"}, "s_ends_at": {"2026-03-20T10:00"}}, "课程选择无效"},
			{venue, url.Values{"v_org_id": {fmt.Sprint(w.bBranch)}, "v_name": {"越权分会场"}}, "承办组织应在您的管理范围内"},
		} {
			if st := adminA.PostForm(c.path, c.form); st != 400 || !strings.Contains(adminA.Body(), c.field) {
				t.Fatalf("%s %v: %d, want %q", c.path, c.form, st, c.field)
			}
		}
		// Another county's organiser gets 404 on every form of A's program.
		for _, s := range steps {
			if st := adminB.PostForm(s.path, s.form); st != 404 {
				t.Fatalf("B posting %s: %d", s.path, st)
			}
		}
		if st := adminB.PostForm(venue, url.Values{"v_org_id": {fmt.Sprint(w.bBranch)}, "v_name": {"乙分会场"}}); st != 404 {
			t.Fatalf("B adding a venue to A's session: %d", st)
		}
		for table, want := range map[string]int{"training_courses": 1, "training_activities": 1, "training_sessions": 2, "training_venues": 3} {
			if n := e.Count("SELECT COUNT(*) FROM " + table); n != want {
				t.Fatalf("%s: %d rows, want %d", table, n, want)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'training.%'"); n != 6 {
			t.Fatalf("%d audit records, want 6", n)
		}
	})
}
