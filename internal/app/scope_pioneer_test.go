package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// pioneerOfB sets up a post of B's branch with B's person on it, B's
// person's commitment of 2025 with a deed, and a photo of each, straight
// in the database.
func pioneerOfB(t *testing.T, f *Fixture) (post, commitment, deed, photo int64) {
	ctx := context.Background()
	var err error
	must := func(id int64, e error) int64 {
		if e != nil && err == nil {
			err = e
		}
		return id
	}
	post = must(db.InsertID(ctx, f.E.DB, `INSERT INTO pioneer_posts (org_id, kind, name, set_on, created_at, updated_at) VALUES (?, 'model', '乙示范岗', '2025-01-01', 0, 0)`, f.BBranch))
	_, e := f.E.DB.ExecContext(ctx, "INSERT INTO pioneer_post_members (post_id, person_id, name, role, joined_on) VALUES (?, ?, '乙某', '成员', '2025-01-01')", post, f.BPerson)
	must(0, e)
	commitment = must(db.InsertID(ctx, f.E.DB, `INSERT INTO pioneer_commitments (person_id, name, org_id, year, tasks, goals, made_on, created_at, updated_at)
		VALUES (?, '乙某', ?, 2025, '任务', '目标', '2025-02-01', 0, 0)`, f.BPerson, f.BBranch))
	deed = must(db.InsertID(ctx, f.E.DB, "INSERT INTO pioneer_deeds (commitment_id, done_on, what, created_at) VALUES (?, '2025-03-01', '践诺', 0)", commitment))
	photo = must(db.InsertID(ctx, f.E.DB, `INSERT INTO pioneer_photos (post_id, file_name, stored_name, content_type, size, sha256, created_at)
		VALUES (?, 'x.png', 'none.sealed', 'image/png', 1, 'x', 0)`, post))
	if err != nil {
		t.Fatal(err)
	}
	return
}

func init() {
	for _, r := range []string{"/api/v1/pioneer/posts", "/pioneer", "/pioneer/export", "/pioneer/posts/new", "/api/v1/commitments", "/pioneer/commitments",
		"/pioneer/commitments/export", "/pioneer/commitments/new", "/pioneer/board"} {
		scoped("GET "+r, getBBranch(r+"?org=%d"))
	}
	scoped("POST /api/v1/pioneer/posts", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/pioneer/posts", map[string]any{"org_id": f.BBranch, "kind": "model", "name": "越权", "duty": "x", "set_on": "2025-01-01"}
	})
	scoped("POST /pioneer/posts", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/pioneer/posts?org_id=%d&kind=model&name=x&duty=x&set_on=2025-01-01", f.BBranch), nil
	})
	scoped("POST /api/v1/commitments", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/commitments", map[string]any{"person_id": f.BPerson, "year": 2025, "tasks": "越权", "goals": "越权"}
	})
	scoped("POST /pioneer/commitments", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/pioneer/commitments?person_id=%d&year=2025&tasks=x&goals=x", f.BPerson), nil
	})
	// A 党务管理员 has no member record: the member's own pages refuse them.
	scoped("GET /api/v1/commitments/mine", func(t *testing.T, f *Fixture) (string, string, any) { return "GET", "/api/v1/commitments/mine", nil })
	scoped("GET /m/commitments", func(t *testing.T, f *Fixture) (string, string, any) { return "GET", "/m/commitments", nil })
	scoped("POST /m/commitments", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/m/commitments", map[string]any{"tasks": "x", "goals": "x"}
	})
	// path names the post %[1]d, the commitment %[2]d, the deed %[3]d, the photo %[4]d and B's person %[5]d.
	obj := func(method, path string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			post, c, d, ph := pioneerOfB(t, f)
			return method, fmt.Sprintf(path, post, c, d, ph, f.BPerson), body
		}
	}
	api := map[string]any{"version": 1, "kind": "model", "name": "改", "duty": "x", "set_on": "2025-01-01", "person_id": 1, "role": "成员",
		"joined_on": "2025-01-02", "left_on": "2025-02-01", "done_on": "2025-03-02", "what": "x", "review": "good"}
	for route, path := range map[string]string{
		"GET /api/v1/pioneer/posts/{id}":                      "/api/v1/pioneer/posts/%[1]d",
		"PUT /api/v1/pioneer/posts/{id}":                      "/api/v1/pioneer/posts/%[1]d",
		"POST /api/v1/pioneer/posts/{id}/members":             "/api/v1/pioneer/posts/%[1]d/members",
		"POST /api/v1/pioneer/posts/{id}/members/{pid}/leave": "/api/v1/pioneer/posts/%[1]d/members/%[5]d/leave",
		"POST /api/v1/pioneer/posts/{id}/photos":              "/api/v1/pioneer/posts/%[1]d/photos",
		"GET /api/v1/commitments/{id}":                        "/api/v1/commitments/%[2]d",
		"POST /api/v1/commitments/{id}/deeds":                 "/api/v1/commitments/%[2]d/deeds",
		"POST /api/v1/commitments/{id}/deeds/{did}/photos":    "/api/v1/commitments/%[2]d/deeds/%[3]d/photos",
		"POST /api/v1/commitments/{id}/review":                "/api/v1/commitments/%[2]d/review",
		"GET /pioneer/posts/{id}":                             "/pioneer/posts/%[1]d",
		"POST /pioneer/posts/{id}":                            "/pioneer/posts/%[1]d",
		"POST /pioneer/posts/{id}/members":                    "/pioneer/posts/%[1]d/members",
		"POST /pioneer/posts/{id}/members/{pid}/leave":        "/pioneer/posts/%[1]d/members/%[5]d/leave",
		"POST /pioneer/posts/{id}/photos":                     "/pioneer/posts/%[1]d/photos",
		"GET /pioneer/photos/{id}":                            "/pioneer/photos/%[4]d",
		"GET /pioneer/commitments/{id}":                       "/pioneer/commitments/%[2]d",
		"POST /pioneer/commitments/{id}/deeds":                "/pioneer/commitments/%[2]d/deeds",
		"POST /pioneer/commitments/{id}/review":               "/pioneer/commitments/%[2]d/review",
		"POST /m/commitments/{id}/deeds":                      "/m/commitments/%[2]d/deeds",
	} {
		method, _, _ := strings.Cut(route, " ")
		var body any
		if method != "GET" {
			body = api
		}
		scoped(route, obj(method, path, body))
	}
}
