package app_test

import (
	"fmt"
	"testing"
)

// bProgram makes a program run by B with one session and its main venue at B.
func bProgram(t *testing.T, f *Fixture) int64 {
	return examInsert(t, f, `INSERT INTO training_programs (org_id, tier, year, title, audience_org_id, created_at, updated_at)
		VALUES (?, '党委(党组)普遍培训', 2026, '乙分局轮训', ?, 0, 0)`, f.B, f.B)
}

func bSession(t *testing.T, f *Fixture) int64 {
	return examInsert(t, f, `INSERT INTO training_sessions (program_id, title, mode, starts_at, ends_at, hours_x10, created_at)
		VALUES (?, '第一讲', '线下', 0, 9999999999999, 30, 0)`, bProgram(t, f))
}

func bVenue(t *testing.T, f *Fixture) int64 {
	return examInsert(t, f, "INSERT INTO training_venues (session_id, org_id, name, main, created_at) VALUES (?, ?, '乙分局主会场', 1, 0)", bSession(t, f), f.B)
}

func trainingProbe(method, format string, body any, id func(*testing.T, *Fixture) int64) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return method, fmt.Sprintf(format, id(t, f)), body
	}
}

func init() {
	exempt("GET /api/v1/training/requirements/{year}", "全市统一的年度学时要求，不含组织或个人数据")
	exempt("PUT /api/v1/training/requirements/{year}", "仅市局（顶层组织）党务管理员可设置，分局管理员得 403")
	exempt("GET /api/v1/training/mine", "仅返回本人（党员）的培训与学时")

	scoped("GET /api/v1/training/programs", trainingProbe("GET", "/api/v1/training/programs?org=%d", nil, fBt))
	scoped("POST /api/v1/training/programs", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/training/programs", map[string]any{"org_id": f.B, "tier": "党委(党组)普遍培训", "year": 2026, "title": "越权项目"}
	})
	scoped("GET /api/v1/training/programs/{id}", trainingProbe("GET", "/api/v1/training/programs/%d", nil, bProgram))
	scoped("POST /api/v1/training/programs/{id}/courses", trainingProbe("POST", "/api/v1/training/programs/%d/courses",
		map[string]any{"topic": "越权课程", "hours_x10": 10}, bProgram))
	scoped("POST /api/v1/training/programs/{id}/activities", trainingProbe("POST", "/api/v1/training/programs/%d/activities",
		map[string]any{"kind": "学习研讨", "title": "越权活动", "on_date": "2026-03-01"}, bProgram))
	scoped("POST /api/v1/training/programs/{id}/sessions", trainingProbe("POST", "/api/v1/training/programs/%d/sessions",
		map[string]any{"title": "越权场次", "mode": "线下", "starts_at": 1, "ends_at": 2, "hours_x10": 10}, bProgram))
	scoped("POST /api/v1/training/sessions/{id}/venues", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/training/sessions/%d/venues", bSession(t, f)), map[string]any{"org_id": f.A, "name": "甲分会场"}
	})
	scoped("GET /api/v1/training/venues/{id}/attendance", trainingProbe("GET", "/api/v1/training/venues/%d/attendance", nil, bVenue))
	scoped("POST /api/v1/training/venues/{id}/attendance", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", bVenue(t, f)), map[string]any{"person_id": f.BPerson, "reason": "补登"}
	})
	scoped("GET /api/v1/training/venues/{id}/qr", trainingProbe("GET", "/api/v1/training/venues/%d/qr", nil, bVenue))
	scoped("GET /api/v1/training/venues/{id}/count", trainingProbe("GET", "/api/v1/training/venues/%d/count", nil, bVenue))
	// An organiser has no person: check-in is for members only.
	scoped("POST /api/v1/training/checkin", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/training/checkin", map[string]any{"token": "1.1.x"}
	})
	scoped("GET /api/v1/training/ledger", trainingProbe("GET", "/api/v1/training/ledger?org=%d", nil, fBt))
	scoped("POST /api/v1/training/fallback", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/training/fallback", map[string]any{"org_id": f.B, "year": 2026, "expect": "x"}
	})
	scoped("GET /api/v1/training/fallback", trainingProbe("GET", "/api/v1/training/fallback?org=%d", nil, fBt))
}

func init() {
	exempt("GET /m", "仅显示本人（党员）的培训与学时")
	exempt("GET /m/checkin", "确认页，只回显链接中的令牌，不读数据")
	scoped("POST /m/checkin", func(t *testing.T, f *Fixture) (string, string, any) { return "POST", "/m/checkin?t=1.1.x", nil })
	scoped("GET /training", trainingProbe("GET", "/training?org=%d", nil, fBt))
	scoped("POST /training/programs", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/training/programs?org_id=%d&tier=%s&year=2026&title=x", f.B, "%E5%85%9A%E5%A7%94(%E5%85%9A%E7%BB%84)%E6%99%AE%E9%81%8D%E5%9F%B9%E8%AE%AD"), nil
	})
	scoped("GET /training/programs/{id}", trainingProbe("GET", "/training/programs/%d", nil, bProgram))
	scoped("GET /training/venues/{id}", trainingProbe("GET", "/training/venues/%d", nil, bVenue))
	scoped("POST /training/venues/{id}/mark", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/training/venues/%d/mark?person_id=%d&reason=x", bVenue(t, f), f.BPerson), nil
	})
	scoped("GET /training/venues/{id}/screen", trainingProbe("GET", "/training/venues/%d/screen", nil, bVenue))
	scoped("GET /training/venues/{id}/qr.png", trainingProbe("GET", "/training/venues/%d/qr.png", nil, bVenue))
	scoped("GET /training/ledger", trainingProbe("GET", "/training/ledger?org=%d", nil, fBt))
	scoped("GET /training/ledger.xlsx", trainingProbe("GET", "/training/ledger.xlsx?org=%d", nil, fBt))
	scoped("POST /training/programs/{id}/courses", trainingProbe("POST", "/training/programs/%d/courses?c_topic=x&c_hours=1", nil, bProgram))
	scoped("POST /training/programs/{id}/activities", trainingProbe("POST", "/training/programs/%d/activities?a_kind=%%E5%%AD%%A6%%E4%%B9%%A0%%E7%%A0%%94%%E8%%AE%%A8&a_title=x&a_on_date=2026-03-01", nil, bProgram))
	scoped("POST /training/programs/{id}/sessions", trainingProbe("POST", "/training/programs/%d/sessions?s_title=x&s_mode=%%E7%%BA%%BF%%E4%%B8%%8B&s_starts_at=2026-03-01T09:00&s_ends_at=2026-03-01T11:00&s_hours=2", nil, bProgram))
	scoped("POST /training/sessions/{id}/venues", trainingProbe("POST", "/training/sessions/%d/venues?v_name=x", nil, bSession))
	scoped("POST /training/fallback", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/training/fallback?org_id=%d&year=2026&expect=x", f.B), nil
	})
	scoped("GET /training/fallback", trainingProbe("GET", "/training/fallback?org=%d", nil, fBt))
}
