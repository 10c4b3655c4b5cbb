package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// electionOfB records an election of B's branch that elected B's person,
// straight in the database.
func electionOfB(t *testing.T, f *Fixture) int64 {
	ctx := context.Background()
	id, err := db.InsertID(ctx, f.E.DB, `INSERT INTO elections (org_id, held_on, seats, expected, present, issued, returned, created_at, updated_at)
		VALUES (?, '2025-01-10', 1, 1, 1, 1, 1, 0, 0)`, f.BBranch)
	if err == nil {
		_, err = f.E.DB.ExecContext(ctx, "INSERT INTO election_candidates (election_id, person_id, name, seq, votes, elected) VALUES (?, ?, '乙某', 0, 1, 1)", id, f.BPerson)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func init() {
	scoped("GET /api/v1/elections", getBBranch("/api/v1/elections?org=%d"))
	scoped("GET /api/v1/elections/due", getBBranch("/api/v1/elections/due?org=%d"))
	scoped("GET /elections", getBBranch("/elections?org=%d"))
	scoped("GET /elections/export", getBBranch("/elections/export?org=%d"))
	scoped("GET /elections/new", getBBranch("/elections/new?org=%d"))
	scoped("POST /api/v1/elections", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/elections", map[string]any{"org_id": f.BBranch, "held_on": "2025-01-10", "seats": 1, "expected": 1, "present": 1,
			"issued": 1, "returned": 1, "candidates": []map[string]any{{"person_id": f.BPerson, "votes": 1}}}
	})
	scoped("POST /elections", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/elections?org_id=%d&held_on=2025-01-10&seats=1&expected=1&present=1&issued=1&returned=1&cand=%d&votes_%d=1",
			f.BBranch, f.BPerson, f.BPerson), nil
	})
	one := func(method, path string, body func(f *Fixture) any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			id := electionOfB(t, f)
			var b any
			if body != nil {
				b = body(f)
			}
			return method, fmt.Sprintf(path, id), b
		}
	}
	api := func(f *Fixture) any {
		return map[string]any{"version": 1, "posts": []map[string]any{{"person_id": f.BPerson, "post": "书记"}}, "approved_on": "2025-01-20", "doc": "越权"}
	}
	form := func(f *Fixture) any {
		return map[string]any{"version": "1", fmt.Sprintf("post_%d", f.BPerson): "书记", "approved_on": "2025-01-20", "doc": "越权"}
	}
	scoped("GET /api/v1/elections/{id}", one("GET", "/api/v1/elections/%d", nil))
	scoped("PUT /api/v1/elections/{id}/posts", one("PUT", "/api/v1/elections/%d/posts", api))
	scoped("POST /api/v1/elections/{id}/approve", one("POST", "/api/v1/elections/%d/approve", api))
	scoped("GET /elections/{id}", one("GET", "/elections/%d", nil))
	scoped("POST /elections/{id}/posts", one("POST", "/elections/%d/posts", form))
	scoped("POST /elections/{id}/approve", one("POST", "/elections/%d/approve", form))
}
