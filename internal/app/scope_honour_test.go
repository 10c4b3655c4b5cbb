package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bHonour records an honour of B's branch.
func bHonour(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO honours (kind, org_id, subject, title, issuer_id, awarded_on, created_at, updated_at)
		VALUES ('unit', ?, ?, '先进基层党组织', 1, '2025-06-28', 0, 0)`, f.BBranch, fmt.Sprintf("o%d", f.BBranch))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bMedal is an application for B's member.
func bMedal(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO medals (year, person_id, org_id, state, applied_on, created_at, updated_at)
		VALUES (2026, ?, ?, 'applied', '2026-05-01', 0, 0)`, f.BPerson, f.BBranch)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func init() {
	onHonour := func(method, format string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, bHonour(t, f)), body
		}
	}
	onMedal := func(method, format string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, bMedal(t, f)), body
		}
	}
	scoped("GET /honours", getB("/honours?org=%d"))
	scoped("GET /honours/export", getB("/honours/export?org=%d"))
	exempt("GET /honours/new", "an empty form offering only the caller's own organisations")
	scoped("POST /honours", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/honours?kind=unit&org_id=%d&title=x&issuer_id=1&awarded_on=2025-01-01", f.BBranch), nil
	})
	scoped("GET /honours/{id}", onHonour("GET", "/honours/%d", nil))
	scoped("POST /honours/{id}", onHonour("POST", "/honours/%d?kind=unit&title=y&issuer_id=1&awarded_on=2025-01-01", nil))
	scoped("POST /honours/{id}/delete", onHonour("POST", "/honours/%d/delete", nil))
	exempt("GET /honour-issuers", "the bureau-wide issuer → level mapping, no organisation's data")
	// The mapping is the bureau's: a 分局's 党务管理员 is refused (403).
	scoped("POST /honour-issuers", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/honour-issuers?name=x&level=city", nil
	})
	scoped("POST /honour-issuers/{id}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/honour-issuers/1?name=x&level=city", nil
	})
	scoped("GET /medals", getB("/medals?year=2026&org=%d"))
	scoped("GET /medals/export", getB("/medals/export?year=2026&org=%d"))
	scoped("GET /medals/apply-all", getB("/medals/apply-all?year=2026&org=%d"))
	scoped("POST /medals", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/medals?year=2026&person_id=%d", f.BPerson), nil
	})
	scoped("POST /medals/apply-all", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/medals/apply-all?year=2026&ids=%d", f.BPerson), nil
	})
	scoped("POST /medals/{id}/{action}", onMedal("POST", "/medals/%d/approve", nil))

	scoped("GET /api/v1/honours", getB("/api/v1/honours?org=%d"))
	scoped("GET /api/v1/honours/summary", getB("/api/v1/honours/summary?org=%d"))
	scoped("POST /api/v1/honours", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/honours", map[string]any{"kind": "person", "person_id": f.BPerson, "title": "优秀共产党员", "issuer_id": 1, "awarded_on": "2025-06-28"}
	})
	scoped("GET /api/v1/honours/{id}", onHonour("GET", "/api/v1/honours/%d", nil))
	scoped("PUT /api/v1/honours/{id}", onHonour("PUT", "/api/v1/honours/%d", map[string]any{"kind": "unit", "org_id": 1, "title": "y", "issuer_id": 1, "awarded_on": "2025-01-01", "version": 1}))
	scoped("DELETE /api/v1/honours/{id}", onHonour("DELETE", "/api/v1/honours/%d", nil))
	exempt("GET /api/v1/honour-issuers", "the bureau-wide issuer → level mapping, no organisation's data")
	scoped("POST /api/v1/honour-issuers", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/honour-issuers", map[string]any{"name": "x", "level": "city"}
	})
	scoped("PUT /api/v1/honour-issuers/{id}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PUT", "/api/v1/honour-issuers/1", map[string]any{"name": "x", "level": "city"}
	})
	scoped("GET /api/v1/medals/eligible", getB("/api/v1/medals/eligible?year=2026&org=%d"))
	scoped("POST /api/v1/medals", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/medals", map[string]any{"year": 2026, "person_id": f.BPerson}
	})
	scoped("POST /api/v1/medals/{id}/{action}", onMedal("POST", "/api/v1/medals/%d/approve", map[string]any{}))
}
