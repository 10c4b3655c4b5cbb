package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bCommitteeMember makes B's person the 书记 of B's branch and returns the
// committee_members id.
func bCommitteeMember(t *testing.T, f *Fixture) int64 {
	ctx := context.Background()
	var id int64
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		id, err = db.InsertID(ctx, tx, "INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?,?,'书记','2024-01-01',0)",
			f.BBranch, f.BPerson)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func orgProbe(method, format string, body any, ids ...func(*Fixture) int64) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id(f)
		}
		return method, fmt.Sprintf(format, args...), body
	}
}

func fB(f *Fixture) int64       { return f.B }
func fBBranch(f *Fixture) int64 { return f.BBranch }

func init() {

	scoped("GET /orgs", orgProbe("GET", "/orgs?root=%d", nil, fB))
	scoped("GET /orgs/new", orgProbe("GET", "/orgs/new?parent=%d", nil, fB))
	scoped("POST /orgs", orgProbe("POST", "/orgs?parent_id=%d&name=x&kind=branch", nil, fB))
	scoped("GET /orgs/{id}", orgProbe("GET", "/orgs/%d", nil, fBBranch))
	scoped("POST /orgs/{id}/edit", orgProbe("POST", "/orgs/%d/edit?version=1&name=x&kind=branch", nil, fBBranch))
	scoped("POST /orgs/{id}/term", orgProbe("POST", "/orgs/%d/term?version=1&term_start=2025-01-01", nil, fBBranch))
	// A's own branch may not be moved under B.
	scoped("POST /orgs/{id}/move", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/orgs/%d/move?version=1&parent_id=%d", f.ABranch, f.B), nil
	})
	scoped("POST /orgs/{id}/dissolve", orgProbe("POST", "/orgs/%d/dissolve?version=1", nil, fB))
	scoped("POST /orgs/{id}/committee", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/orgs/%d/committee?person_id=%d&post=%s", f.BBranch, f.BPerson, "%E4%B9%A6%E8%AE%B0"), nil
	})
	scoped("POST /orgs/{id}/committee/{mid}/end", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/orgs/%d/committee/%d/end", f.BBranch, bCommitteeMember(t, f)), nil
	})

	scoped("GET /api/v1/orgs", orgProbe("GET", "/api/v1/orgs?root=%d", nil, fB))
	scoped("GET /api/v1/orgs/search", orgProbe("GET", "/api/v1/orgs/search?root=%d", nil, fB))
	scoped("GET /api/v1/orgs/{id}", orgProbe("GET", "/api/v1/orgs/%d", nil, fBBranch))
	scoped("POST /api/v1/orgs", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/orgs", map[string]any{"parent_id": f.B, "name": "乙分局新支部", "kind": "branch"}
	})
	scoped("PATCH /api/v1/orgs/{id}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PATCH", fmt.Sprintf("/api/v1/orgs/%d", f.BBranch), map[string]any{"version": 1, "name": "改名"}
	})
	scoped("POST /api/v1/orgs/{id}/move", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/orgs/%d/move", f.BBranch), map[string]any{"parent_id": f.A}
	})
	scoped("POST /api/v1/orgs/{id}/dissolve", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/orgs/%d/dissolve", f.BBranch), map[string]any{}
	})
	scoped("GET /api/v1/orgs/{id}/committee", orgProbe("GET", "/api/v1/orgs/%d/committee", nil, fBBranch))
	scoped("POST /api/v1/orgs/{id}/committee", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/orgs/%d/committee", f.BBranch), map[string]any{"person_id": f.BPerson, "post": "书记"}
	})
	// B's committee member reached through A's own branch.
	scoped("POST /api/v1/orgs/{id}/committee/{mid}/end", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/orgs/%d/committee/%d/end", f.ABranch, bCommitteeMember(t, f)), map[string]any{}
	})
}
