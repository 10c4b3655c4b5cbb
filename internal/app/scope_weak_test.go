package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bWeakCase lists B's branch for rectification, straight in the database.
func bWeakCase(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO weak_cases (org_id, year, triggers, problems, leader, deadline, state, listed_on, created_at, updated_at)
		VALUES (?, 2026, 'divided', '班子不团结', '乙某', '2026-12-31', 'submitted', '2026-01-10', 0, 0)`, f.BBranch)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func init() {
	onCase := func(method, format string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, bWeakCase(t, f)), body
		}
	}
	scoped("GET /api/v1/weak/cases", getB("/api/v1/weak/cases?org=%d"))
	scoped("GET /weak", getB("/weak?org=%d"))
	scoped("GET /weak/export", getB("/weak/export?org=%d"))
	scoped("GET /api/v1/weak/check", getB("/api/v1/weak/check?org=%d"))
	scoped("GET /weak/check", getB("/weak/check?org=%d"))
	scoped("GET /weak/new", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/weak/new?org=%d", f.BBranch), nil
	})
	scoped("POST /api/v1/weak/cases", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/weak/cases", map[string]any{"org_id": f.BBranch, "year": 2026, "triggers": []string{"divided"}, "problems": "x", "leader": "x", "deadline": "2026-12-31"}
	})
	scoped("POST /weak/cases", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/weak/cases?org_id=%d&year=2026&triggers=divided&problems=x&leader=x&deadline=2026-12-31", f.BBranch), nil
	})
	scoped("GET /api/v1/weak/cases/{id}", onCase("GET", "/api/v1/weak/cases/%d", nil))
	scoped("GET /weak/cases/{id}", onCase("GET", "/weak/cases/%d", nil))
	scoped("PUT /api/v1/weak/cases/{id}", onCase("PUT", "/api/v1/weak/cases/%d", map[string]any{"version": 1, "problems": "x", "leader": "x", "deadline": "2026-12-31"}))
	scoped("POST /api/v1/weak/cases/{id}/actions", onCase("POST", "/api/v1/weak/cases/%d/actions", map[string]any{"kind": "accept", "version": 1, "body": "越权验收"}))
	scoped("POST /weak/cases/{id}/plan", onCase("POST", "/weak/cases/%d/plan?version=1&problems=x&leader=x&deadline=2026-12-31", nil))
	scoped("POST /weak/cases/{id}/actions", onCase("POST", "/weak/cases/%d/actions?kind=accept&version=1&body=x", nil))
	exempt("GET /api/v1/weak/params", "the caller's own bureau's numbers for the checks: settings, no organisation's data")
	// The numbers hold bureau-wide: a 分局's 党务管理员 is refused (403).
	scoped("PUT /api/v1/weak/params", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PUT", "/api/v1/weak/params", map[string]any{"year": 2026, "params": map[string]int{"vacant_months": 6}}
	})
	scoped("POST /weak/params", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/weak/params?year=2026&vacant_months=6", nil
	})
}
