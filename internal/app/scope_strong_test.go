package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/strong"
)

// bStrongEntry opens a 2026 round of the bureau with an entry of B's
// branch, straight in the database, and returns the entry.
func bStrongEntry(t *testing.T, f *Fixture) int64 {
	ctx := t.Context()
	sys, err := db.InsertID(ctx, f.E.DB, "INSERT INTO strong_systems (bureau_id, year, name, created_at, updated_at) VALUES (?, 2026, '指标体系', 0, 0)", f.Root)
	if err != nil {
		t.Fatal(err)
	}
	round, err := db.InsertID(ctx, f.E.DB, `INSERT INTO strong_rounds (bureau_id, year, system_id, self_due, review_due, state, created_at, updated_at)
		VALUES (?, 2026, ?, '2026-11-30', '2026-12-20', 'open', 0, 0)`, f.Root, sys)
	if err != nil {
		t.Fatal(err)
	}
	id, err := db.InsertID(ctx, f.E.DB, "INSERT INTO strong_entries (round_id, org_id, state, updated_at) VALUES (?, ?, 'submitted', 0)", round, f.BBranch)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bTitle records a 最强党支部 title of B's branch.
func bTitle(t *testing.T, f *Fixture) int64 {
	id := bHonour(t, f)
	if _, err := f.E.DB.ExecContext(t.Context(), "INSERT INTO strong_titles (honour_id, org_id, created_at) VALUES (?, ?, 0)", id, f.BBranch); err != nil {
		t.Fatal(err)
	}
	return id
}

func init() {
	onEntry := func(method, format string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, bStrongEntry(t, f)), body
		}
	}
	onTitle := func(method, format string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, bTitle(t, f)), nil
		}
	}
	// Bureau-wide settings and rounds belong to the whole bureau's 党务管理员:
	// a 分局's is refused (403).
	bureau := func(method, path string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) { return method, path, body }
	}
	exempt("GET /api/v1/strong/system", "the caller's own bureau's indicator system: settings, no organisation's data")
	exempt("GET /strong/system", "the caller's own bureau's indicator system: settings, no organisation's data")
	scoped("PUT /api/v1/strong/system", bureau("PUT", "/api/v1/strong/system", strong.Default(0, 2026)))
	scoped("POST /strong/system", bureau("POST", "/strong/system?year=2026&name=x", nil))
	scoped("POST /api/v1/strong/rounds", bureau("POST", "/api/v1/strong/rounds", map[string]any{"year": 2026, "self_due": "2026-11-30", "review_due": "2026-12-20"}))
	scoped("POST /strong/rounds", bureau("POST", "/strong/rounds?year=2026&self_due=2026-11-30&review_due=2026-12-20", nil))
	scoped("GET /api/v1/strong/rounds/preview", bureau("GET", "/api/v1/strong/rounds/preview?year=2026&self_due=2026-11-30&review_due=2026-12-20", nil))
	scoped("GET /strong/rounds/preview", bureau("GET", "/strong/rounds/preview?year=2026&self_due=2026-11-30&review_due=2026-12-20", nil))
	scoped("POST /api/v1/strong/rounds/{year}/recompute", onEntry("POST", "/api/v1/strong/rounds/2026/recompute?e=%d", nil))
	scoped("POST /strong/rounds/{year}/recompute", onEntry("POST", "/strong/rounds/2026/recompute?e=%d", nil))
	scoped("POST /api/v1/strong/rounds/{year}/close", onEntry("POST", "/api/v1/strong/rounds/2026/close?e=%d", map[string]int{"version": 1}))
	scoped("POST /strong/rounds/{year}/close", onEntry("POST", "/strong/rounds/2026/close?version=1&e=%d", nil))

	scoped("GET /api/v1/strong/entries", getB("/api/v1/strong/entries?org=%d"))
	scoped("GET /strong", getB("/strong?org=%d"))
	scoped("GET /strong/export", getB("/strong/export?org=%d"))
	scoped("GET /api/v1/strong/extent", getB("/api/v1/strong/extent?org=%d"))
	scoped("GET /api/v1/strong/ends", getB("/api/v1/strong/ends?org=%d"))
	scoped("GET /strong/ends", getB("/strong/ends?org=%d"))
	scoped("GET /api/v1/strong/titles", getB("/api/v1/strong/titles?org=%d"))
	scoped("GET /strong/titles", getB("/strong/titles?org=%d"))

	scoped("GET /api/v1/strong/entries/{id}", onEntry("GET", "/api/v1/strong/entries/%d", nil))
	scoped("GET /strong/entries/{id}", onEntry("GET", "/strong/entries/%d", nil))
	scoped("PUT /api/v1/strong/entries/{id}/self", onEntry("PUT", "/api/v1/strong/entries/%d/self", map[string]any{"version": 1, "submit": true}))
	scoped("PUT /api/v1/strong/entries/{id}/review", onEntry("PUT", "/api/v1/strong/entries/%d/review", map[string]any{"version": 1}))
	scoped("POST /api/v1/strong/entries/{id}/return", onEntry("POST", "/api/v1/strong/entries/%d/return", map[string]any{"version": 1, "note": "越权"}))
	scoped("POST /strong/entries/{id}/self", onEntry("POST", "/strong/entries/%d/self?version=1&submit=1", nil))
	scoped("POST /strong/entries/{id}/review", onEntry("POST", "/strong/entries/%d/review?version=1", nil))
	scoped("POST /strong/entries/{id}/return", onEntry("POST", "/strong/entries/%d/return?version=1&return_note=x", nil))

	scoped("POST /api/v1/strong/titles", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/strong/titles", map[string]any{"org_id": f.BBranch, "issuer_id": 1, "awarded_on": "2025-12-26"}
	})
	scoped("POST /strong/titles", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/strong/titles?org_id=%d&issuer_id=1&awarded_on=2025-12-26", f.BBranch), nil
	})
	scoped("DELETE /api/v1/strong/titles/{id}", onTitle("DELETE", "/api/v1/strong/titles/%d"))
	scoped("POST /strong/titles/{id}/delete", onTitle("POST", "/strong/titles/%d/delete"))
}
