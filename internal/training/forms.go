package training

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

// The organiser's forms on the program page: courses, study activities,
// sessions with their main venue, and branch venues. A refused form is
// shown again, filled in, with the reason in Chinese. Field names carry a
// prefix per form because the forms share one page.

// formTime reads a datetime-local field as Shanghai time.
func formTime(r *http.Request, field, label string) (int64, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(r.FormValue(field)), shanghai)
	if err != nil {
		return 0, ferr(field, "请填写%s（日期和时间）", label)
	}
	return t.UnixMilli(), nil
}

// formInt reads a whole number; empty reads as def.
func formInt(r *http.Request, field, label string, def int) (int, error) {
	v := strings.TrimSpace(r.FormValue(field))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, ferr(field, "%s应为整数", label)
	}
	return n, nil
}

func formHours(r *http.Request, field string) (int, error) {
	x, err := ParseHours(r.FormValue(field))
	if err != nil {
		return 0, ferr(field, "%s", err.Error())
	}
	return x, nil
}

// programDone redirects back to the program with a notice, or re-shows it
// with the refused form; a 404 stays an error page.
func (s *Service) programDone(w http.ResponseWriter, r *http.Request, programID int64, err error, ok string) error {
	return web.Answer(w, r, err, func(err error) error { return s.renderProgram(w, r, programID, err) }, fmt.Sprintf("/training/programs/%d", programID), ok)
}

func (s *Service) pageAddCourse(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	hours, err := formHours(r, "c_hours")
	if err == nil {
		_, err = s.AddCourse(r.Context(), web.Principal(r), id, Course{Topic: r.FormValue("c_topic"), Teacher: r.FormValue("c_teacher"),
			HoursX10: hours, Materials: r.FormValue("c_materials")})
	}
	return s.programDone(w, r, id, err, "已添加课程")
}

func (s *Service) pageAddActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.AddActivity(r.Context(), web.Principal(r), id, Activity{Kind: r.FormValue("a_kind"), Title: r.FormValue("a_title"),
		OnDate: r.FormValue("a_on_date"), Record: r.FormValue("a_record")})
	return s.programDone(w, r, id, err, "已记录学习活动")
}

func sessionOf(r *http.Request) (NewSession, error) {
	n := NewSession{Title: r.FormValue("s_title"), Mode: r.FormValue("s_mode"), StreamURL: r.FormValue("s_stream_url"),
		MainVenue: r.FormValue("s_main_venue"), Place: r.FormValue("s_place")}
	var err error
	if n.StartsAt, err = formTime(r, "s_starts_at", "开始时间"); err != nil {
		return n, err
	}
	if n.EndsAt, err = formTime(r, "s_ends_at", "结束时间"); err != nil {
		return n, err
	}
	if v := strings.TrimSpace(r.FormValue("s_course_id")); v != "" {
		if n.CourseID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return n, ferr("s_course_id", "课程选择无效")
		}
	}
	if n.CourseID == 0 || strings.TrimSpace(r.FormValue("s_hours")) != "" { // blank hours take the course's
		if n.HoursX10, err = formHours(r, "s_hours"); err != nil {
			return n, err
		}
	}
	if n.OpenBeforeMin, err = formInt(r, "s_open_before_min", "提前开放签到的分钟数", 30); err != nil {
		return n, err
	}
	n.LateAfterMin, err = formInt(r, "s_late_after_min", "迟到判定的分钟数", 10)
	return n, err
}

func (s *Service) pageAddSession(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := sessionOf(r)
	if err == nil {
		_, err = s.AddSession(r.Context(), web.Principal(r), id, n)
	}
	return s.programDone(w, r, id, err, "已添加场次和主会场")
}

func (s *Service) pageAddVenue(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var programID int64
	if err == nil {
		programID, err = s.sessionProgram(r, id)
	}
	if err != nil {
		return err
	}
	org, _ := strconv.ParseInt(r.FormValue("v_org_id"), 10, 64)
	_, err = s.AddVenue(r.Context(), web.Principal(r), id, org, r.FormValue("v_name"), r.FormValue("v_place"))
	return s.programDone(w, r, programID, err, "已添加分会场")
}

// sessionProgram is the program of a session; 404 when there is none.
func (s *Service) sessionProgram(r *http.Request, sessionID int64) (int64, error) {
	var id int64
	err := s.DB.QueryRowContext(r.Context(), "SELECT program_id FROM training_sessions WHERE id = ?", sessionID).Scan(&id)
	if db.IsNoRows(err) {
		return 0, fail.NotFound()
	}
	return id, err
}
