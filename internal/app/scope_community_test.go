package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// communityOfB registers a community of B's branch with B's person
// reported to it, an activity B's person served in with a photo, and an
// issue, straight in the database.
func communityOfB(t *testing.T, f *Fixture) (site, activity, photo, issue int64) {
	ctx := context.Background()
	var err error
	must := func(id int64, e error) int64 {
		if e != nil && err == nil {
			err = e
		}
		return id
	}
	site = must(db.InsertID(ctx, f.E.DB, "INSERT INTO communities (org_id, name, created_at, updated_at) VALUES (?, '乙社区', 0, 0)", f.BBranch))
	must(db.InsertID(ctx, f.E.DB, `INSERT INTO community_reports (community_id, org_id, person_id, name, reported_on, created_at) VALUES (?, ?, ?, '乙某', '2025-01-01', 0)`,
		site, f.BBranch, f.BPerson))
	activity = must(db.InsertID(ctx, f.E.DB, `INSERT INTO community_activities (community_id, org_id, title, held_on, created_at) VALUES (?, ?, '乙服务', '2025-02-01', 0)`,
		site, f.BBranch))
	_, e := f.E.DB.ExecContext(ctx, "INSERT INTO community_activity_people (activity_id, person_id, name, hours_x10) VALUES (?, ?, '乙某', 20)", activity, f.BPerson)
	must(0, e)
	photo = must(db.InsertID(ctx, f.E.DB, `INSERT INTO community_photos (activity_id, file_name, stored_name, content_type, size, sha256, created_at)
		VALUES (?, 'x.png', 'none.sealed', 'image/png', 1, 'x', 0)`, activity))
	issue = must(db.InsertID(ctx, f.E.DB, `INSERT INTO community_issues (community_id, org_id, raised_on, what, created_at, updated_at) VALUES (?, ?, '2025-02-01', '乙事', 0, 0)`,
		site, f.BBranch))
	if err != nil {
		t.Fatal(err)
	}
	return
}

func init() {
	for _, r := range []string{"/api/v1/community/sites", "/api/v1/community/activities", "/api/v1/community/issues", "/api/v1/community/totals",
		"/community", "/community/export", "/community/activities", "/community/activities/export", "/community/activities/new",
		"/community/issues", "/community/issues/export", "/community/totals", "/community/totals/export"} {
		scoped("GET "+r, getBBranch(r+"?org=%d"))
	}
	exempt("GET /community/new", "an empty form whose pickers list the caller's own scope")
	scoped("POST /api/v1/community/sites", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/community/sites", map[string]any{"org_id": f.BBranch, "name": "越权社区"}
	})
	scoped("POST /community/sites", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/community/sites?org_id=%d&name=x", f.BBranch), nil
	})
	// A 党务管理员 has no member record: the member's own pages refuse them.
	scoped("GET /api/v1/community/mine", func(t *testing.T, f *Fixture) (string, string, any) { return "GET", "/api/v1/community/mine", nil })
	scoped("GET /m/service", func(t *testing.T, f *Fixture) (string, string, any) { return "GET", "/m/service", nil })
	// path names the community %[1]d, the activity %[2]d, the photo %[3]d, the issue %[4]d, B's branch %[5]d and B's person %[6]d.
	obj := func(method, path string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			site, act, ph, issue := communityOfB(t, f)
			var body any
			switch path {
			case "/api/v1/community/activities":
				body = map[string]any{"community_id": site, "org_id": f.BBranch, "title": "越权", "held_on": "2025-03-01",
					"people": []map[string]any{{"person_id": f.BPerson, "hours": 1}}}
			case "/api/v1/community/issues":
				body = map[string]any{"community_id": site, "org_id": f.BBranch, "raised_on": "2025-03-01", "what": "越权"}
			default:
				if method == "GET" {
					break
				}
				body = map[string]any{"version": 1, "community_id": site, "org_id": f.BBranch, "person_id": f.BPerson, "name": "改", "reported_on": "2025-03-01",
					"year": 2024, "rating": "satisfied", "given_on": "2025-01-10", "title": "越权", "held_on": "2025-03-01",
					"people": []map[string]any{{"person_id": f.BPerson, "hours": 1}}, "raised_on": "2025-03-01", "what": "越权",
					"step": "resolve", "resolved_on": "2025-03-02", "resolution": "x"}
			}
			if strings.Contains(path, "%") {
				path = fmt.Sprintf(path, site, act, ph, issue, f.BBranch, f.BPerson)
			}
			return method, path, body
		}
	}
	for route, path := range map[string]string{
		"GET /api/v1/community/sites/{id}":              "/api/v1/community/sites/%[1]d",
		"PUT /api/v1/community/sites/{id}":              "/api/v1/community/sites/%[1]d",
		"POST /api/v1/community/sites/{id}/reports":     "/api/v1/community/sites/%[1]d/reports",
		"POST /api/v1/community/sites/{id}/feedback":    "/api/v1/community/sites/%[1]d/feedback",
		"POST /api/v1/community/activities":             "/api/v1/community/activities",
		"GET /api/v1/community/activities/{id}":         "/api/v1/community/activities/%[2]d",
		"POST /api/v1/community/activities/{id}/photos": "/api/v1/community/activities/%[2]d/photos",
		"POST /api/v1/community/issues":                 "/api/v1/community/issues",
		"GET /api/v1/community/issues/{id}":             "/api/v1/community/issues/%[4]d",
		"POST /api/v1/community/issues/{id}/progress":   "/api/v1/community/issues/%[4]d/progress",
		"GET /community/sites/{id}":                     "/community/sites/%[1]d",
		"POST /community/sites/{id}":                    "/community/sites/%[1]d",
		"POST /community/sites/{id}/reports":            "/community/sites/%[1]d/reports",
		"POST /community/sites/{id}/feedback":           "/community/sites/%[1]d/feedback",
		"POST /community/activities":                    "/community/activities?community_id=%[1]d&org_id=%[5]d",
		"GET /community/activities/{id}":                "/community/activities/%[2]d",
		"POST /community/activities/{id}/photos":        "/community/activities/%[2]d/photos",
		"GET /community/photos/{id}":                    "/community/photos/%[3]d",
		"POST /community/issues":                        "/community/issues?community_id=%[1]d&org_id=%[5]d&raised_on=2025-03-01&what=x",
		"GET /community/issues/{id}":                    "/community/issues/%[4]d",
		"POST /community/issues/{id}/progress":          "/community/issues/%[4]d/progress",
		"POST /m/service/report":                        "/m/service/report",
		"POST /m/service/activities":                    "/m/service/activities",
	} {
		method, _, _ := strings.Cut(route, " ")
		scoped(route, obj(method, path))
	}
}
