package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// lifeMeeting records a 党员大会 of B's branch held today, with B's person
// on its roster and one decision, straight in the database.
func lifeMeeting(t *testing.T, f *Fixture) (id, decision int64) {
	ctx := context.Background()
	today := f.E.App.Now().Format("2006-01-02")
	id, err := db.InsertID(ctx, f.E.DB, `INSERT INTO life_meetings (org_id, kind, held_on, topic, expected, created_at, updated_at)
		VALUES (?, 'congress', ?, '乙支部党员大会', 1, 0, 0)`, f.BBranch, today)
	if err == nil {
		_, err = f.E.DB.ExecContext(ctx, `INSERT INTO life_attendees (meeting_id, person_id, name, voting, status) VALUES (?, ?, '乙某', 1, 'pending')`, id, f.BPerson)
	}
	if err == nil {
		decision, err = db.InsertID(ctx, f.E.DB, `INSERT INTO life_decisions (meeting_id, what, created_at) VALUES (?, '整改', 0)`, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id, decision
}

func init() {
	scoped("GET /api/v1/meetings", getBBranch("/api/v1/meetings?org=%d"))
	scoped("GET /life", getBBranch("/life?org=%d"))
	scoped("GET /life/export", getBBranch("/life/export?org=%d"))
	scoped("GET /life/new", getBBranch("/life/new?org=%d&kind=congress"))
	scoped("GET /api/v1/meetings/compliance", getBBranch("/api/v1/meetings/compliance?org=%d"))
	scoped("GET /life/compliance", getBBranch("/life/compliance?org=%d"))
	scoped("GET /api/v1/meetings/roster", getBBranch("/api/v1/meetings/roster?org=%d&kind=congress&date=2025-01-10"))
	scoped("POST /api/v1/meetings", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/meetings", map[string]any{"org_id": f.BBranch, "kind": "congress", "held_on": "2025-01-10", "topic": "越权登记"}
	})
	scoped("POST /life/meetings", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/life/meetings?org_id=%d&kind=congress&held_on=2025-01-10&topic=x", f.BBranch), nil
	})
	exempt("GET /api/v1/meetings/frequencies", "the caller's own bureau's frequencies: settings, no organisation's data")
	scoped("PUT /api/v1/meetings/frequencies", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PUT", "/api/v1/meetings/frequencies", map[string]any{"year": 2025, "per": map[string]string{"lecture": "year"}}
	})
	scoped("POST /life/frequencies", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/life/frequencies", map[string]any{"year": "2025", "per_lecture": "year"}
	})
	// path names the meeting with %[1]d and its decision with %[2]d.
	meeting := func(method, path string, body func(f *Fixture, id, did int64) any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			id, did := lifeMeeting(t, f)
			var b any
			if body != nil {
				b = body(f, id, did)
			}
			return method, fmt.Sprintf(path, id, did), b
		}
	}
	patch := func(f *Fixture, id, did int64) any { return map[string]any{"version": 1, "topic": "改"} }
	scoped("GET /api/v1/meetings/{id}", meeting("GET", "/api/v1/meetings/%[1]d", nil))
	scoped("PUT /api/v1/meetings/{id}", meeting("PUT", "/api/v1/meetings/%[1]d", patch))
	scoped("PATCH /api/v1/meetings/{id}", meeting("PATCH", "/api/v1/meetings/%[1]d", patch))
	scoped("PUT /api/v1/meetings/{id}/attendance", meeting("PUT", "/api/v1/meetings/%[1]d/attendance", func(f *Fixture, id, did int64) any {
		return map[string]any{"version": 1, "attendees": []map[string]any{{"person_id": f.BPerson, "status": "present"}}}
	}))
	scoped("POST /api/v1/meetings/{id}/decisions", meeting("POST", "/api/v1/meetings/%[1]d/decisions", func(f *Fixture, id, did int64) any {
		return map[string]any{"version": 1, "what": "越权"}
	}))
	scoped("POST /api/v1/meetings/{id}/decisions/{did}/done", meeting("POST", "/api/v1/meetings/%[1]d/decisions/%[2]d/done", func(f *Fixture, id, did int64) any {
		return map[string]any{"version": 1, "done_on": "2025-01-10"}
	}))
	scoped("GET /api/v1/meetings/{id}/qr", meeting("GET", "/api/v1/meetings/%[1]d/qr", nil))
	scoped("GET /life/meetings/{id}", meeting("GET", "/life/meetings/%[1]d", nil))
	scoped("GET /life/meetings/{id}/screen", meeting("GET", "/life/meetings/%[1]d/screen", nil))
	scoped("GET /life/meetings/{id}/qr.png", meeting("GET", "/life/meetings/%[1]d/qr.png", nil))
	form := func(f *Fixture, id, did int64) any {
		return map[string]any{"version": "1", "what": "越权", "done_on": "2025-01-10", fmt.Sprintf("att_%d", f.BPerson): "present"}
	}
	scoped("POST /life/meetings/{id}/attendance", meeting("POST", "/life/meetings/%[1]d/attendance", form))
	scoped("POST /life/meetings/{id}/decisions", meeting("POST", "/life/meetings/%[1]d/decisions", form))
	scoped("POST /life/meetings/{id}/decisions/{did}/done", meeting("POST", "/life/meetings/%[1]d/decisions/%[2]d/done", form))
	scoped("POST /api/v1/meetings/{id}/files", meeting("POST", "/api/v1/meetings/%[1]d/files", nil))
	scoped("POST /life/meetings/{id}/files", meeting("POST", "/life/meetings/%[1]d/files", nil))
	scoped("GET /life/meetings/{id}/files/{fid}", func(t *testing.T, f *Fixture) (string, string, any) {
		id, _ := lifeMeeting(t, f)
		fid, err := db.InsertID(context.Background(), f.E.DB, `INSERT INTO life_files (meeting_id, file_name, stored_name, content_type, size, sha256, created_at)
			VALUES (?, '签到表.pdf', 'x.sealed', 'application/pdf', 1, 'x', 0)`, id)
		if err != nil {
			t.Fatal(err)
		}
		return "GET", fmt.Sprintf("/life/meetings/%d/files/%d", id, fid), nil
	})
	// A 党务管理员 has no member record: check-in refuses them whatever the token.
	scoped("POST /api/v1/meetings/checkin", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/meetings/checkin", map[string]any{"token": "1.1.x"}
	})
	scoped("POST /m/life/checkin", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/m/life/checkin", map[string]any{"t": "1.1.x"}
	})
	exempt("GET /m/life/checkin", "shows the confirm button of a token; reads nothing")
}
