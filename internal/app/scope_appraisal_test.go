package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// appraisalRound opens a round of B's branch with B's person on its roster,
// straight in the database.
func appraisalRound(t *testing.T, f *Fixture) int64 {
	ctx := context.Background()
	id, err := db.InsertID(ctx, f.E.DB, `INSERT INTO appraisal_rounds (org_id, year, started_on, self_due, vote_due, rate_due, created_at, updated_at)
		VALUES (?, 2024, '2025-01-05', '2099-01-10', '2099-01-20', '2099-01-31', 0, 0)`, f.BBranch)
	if err == nil {
		_, err = f.E.DB.ExecContext(ctx, "INSERT INTO appraisal_members (round_id, person_id, name) VALUES (?, ?, '乙某')", id, f.BPerson)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func init() {
	scoped("GET /api/v1/appraisals", getBBranch("/api/v1/appraisals?org=%d"))
	scoped("GET /appraisals", getBBranch("/appraisals?org=%d"))
	scoped("GET /appraisals/export", getBBranch("/appraisals/export?org=%d"))
	scoped("GET /appraisals/new", getBBranch("/appraisals/new?org=%d"))
	open := map[string]any{"year": 2024, "started_on": "2025-01-05", "self_due": "2025-01-10", "vote_due": "2025-01-20", "rate_due": "2025-01-31"}
	scoped("POST /api/v1/appraisals", func(t *testing.T, f *Fixture) (string, string, any) {
		body := map[string]any{"org_id": f.BBranch}
		for k, v := range open {
			body[k] = v
		}
		return "POST", "/api/v1/appraisals", body
	})
	scoped("POST /appraisals", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/appraisals?org_id=%d&year=2024&started_on=2025-01-05&self_due=2025-01-10&vote_due=2025-01-20&rate_due=2025-01-31", f.BBranch), nil
	})
	// A 党务管理员 has no member record: the member's own pages refuse them.
	scoped("GET /api/v1/appraisals/mine", func(t *testing.T, f *Fixture) (string, string, any) { return "GET", "/api/v1/appraisals/mine", nil })
	scoped("GET /m/appraisal", func(t *testing.T, f *Fixture) (string, string, any) { return "GET", "/m/appraisal", nil })
	round := func(method, path string, body func(f *Fixture) any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			id := appraisalRound(t, f)
			var b any
			if body != nil {
				b = body(f)
			}
			return method, fmt.Sprintf(path, id), b
		}
	}
	api := func(f *Fixture) any {
		return map[string]any{"version": 1, "person_id": f.BPerson, "self_text": "越权", "paper_ballots": 1, "closed_on": "2025-01-31",
			"ratings": []map[string]any{{"person_id": f.BPerson, "rating": "excellent"}}, "result": "corrected", "result_on": "2025-02-01"}
	}
	form := func(f *Fixture) any {
		return map[string]any{"version": "1", "person_id": fmt.Sprint(f.BPerson), "self_text": "越权", "paper_ballots": "1", "closed_on": "2025-01-31",
			fmt.Sprintf("rating_%d", f.BPerson): "excellent", "result": "corrected", "result_on": "2025-02-01"}
	}
	scoped("GET /api/v1/appraisals/{id}", round("GET", "/api/v1/appraisals/%d", nil))
	scoped("PUT /api/v1/appraisals/{id}/self", round("PUT", "/api/v1/appraisals/%d/self", api))
	scoped("PUT /api/v1/appraisals/{id}/tally", round("PUT", "/api/v1/appraisals/%d/tally", api))
	scoped("PUT /api/v1/appraisals/{id}/ratings", round("PUT", "/api/v1/appraisals/%d/ratings", api))
	scoped("POST /api/v1/appraisals/{id}/close", round("POST", "/api/v1/appraisals/%d/close", api))
	scoped("POST /api/v1/appraisals/{id}/outcomes", round("POST", "/api/v1/appraisals/%d/outcomes", api))
	scoped("PUT /api/v1/appraisals/{id}/my-self", round("PUT", "/api/v1/appraisals/%d/my-self", api))
	scoped("POST /api/v1/appraisals/{id}/ballot", round("POST", "/api/v1/appraisals/%d/ballot", func(f *Fixture) any {
		return map[string]any{"marks": []map[string]any{{"person_id": f.BPerson, "grade": "excellent"}}}
	}))
	scoped("GET /appraisals/{id}", round("GET", "/appraisals/%d", nil))
	scoped("POST /appraisals/{id}/self", round("POST", "/appraisals/%d/self", form))
	scoped("POST /appraisals/{id}/tally", round("POST", "/appraisals/%d/tally", form))
	scoped("POST /appraisals/{id}/ratings", round("POST", "/appraisals/%d/ratings", form))
	scoped("POST /appraisals/{id}/close", round("POST", "/appraisals/%d/close", form))
	scoped("POST /appraisals/{id}/outcomes", round("POST", "/appraisals/%d/outcomes", form))
	scoped("POST /m/appraisal/{id}/self", round("POST", "/m/appraisal/%d/self", form))
	scoped("POST /m/appraisal/{id}/ballot", round("POST", "/m/appraisal/%d/ballot", form))
}
