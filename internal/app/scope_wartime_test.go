package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bWartime is B's response event with a 党员突击队 of B's branch, B's person
// in it with a performance record (and a piece of evidence) and the
// 表现突出 flag, straight in the database.
type bWartime struct{ event, team, record, file int64 }

func newBWartime(t *testing.T, f *Fixture) bWartime {
	ctx := t.Context()
	var w bWartime
	var err error
	ins := func(q string, args ...any) int64 {
		if err != nil {
			return 0
		}
		var id int64
		id, err = db.InsertID(ctx, f.E.DB, q, args...)
		return id
	}
	w.event = ins(`INSERT INTO wartime_events (kind_id, org_id, title, starts_on, ends_on, created_at, updated_at) VALUES (1, ?, '乙分局安保', '2025-01-01', '2025-12-31', 0, 0)`, f.B)
	if err == nil {
		_, err = f.E.DB.ExecContext(ctx, "INSERT INTO wartime_units (event_id, org_id) VALUES (?, ?)", w.event, f.BBranch)
	}
	w.team = ins(`INSERT INTO wartime_teams (event_id, kind, name, org_id, formed_on, created_at, updated_at) VALUES (?, 'squad', '乙突击队', ?, '2025-01-02', 0, 0)`, w.event, f.BBranch)
	if err == nil {
		_, err = f.E.DB.ExecContext(ctx, "INSERT INTO wartime_members (team_id, person_id, role, joined_on, created_at) VALUES (?, ?, '队员', '2025-01-02', 0)", w.team, f.BPerson)
	}
	w.record = ins(`INSERT INTO wartime_records (event_id, team_id, person_id, on_date, deed, attested_by, dedup, created_at) VALUES (?, ?, ?, '2025-01-05', '值守', '乙队长', 'x', 0)`,
		w.event, w.team, f.BPerson)
	w.file = ins(`INSERT INTO wartime_files (record_id, file_name, stored_name, content_type, size, sha256, created_at) VALUES (?, 'a.png', 'missing', 'image/png', 1, 'x', 0)`, w.record)
	ins(`INSERT INTO wartime_standouts (event_id, person_id, team_id, org_id, on_date, reason, created_at) VALUES (?, ?, ?, ?, '2025-02-01', '突出', 0)`,
		w.event, f.BPerson, w.team, f.BBranch)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func init() {
	// path names the event with %[1]d, the team %[2]d, the record %[3]d,
	// the file %[4]d and B's person %[5]d.
	on := func(method, path string, body func(f *Fixture) any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			w := newBWartime(t, f)
			var b any
			if body != nil {
				b = body(f)
			}
			return method, fmt.Sprintf(path, w.event, w.team, w.record, w.file, f.BPerson), b
		}
	}
	person := func(f *Fixture) any {
		return map[string]any{"person_id": f.BPerson, "on_date": "2025-01-06", "joined_on": "2025-01-06", "left_on": "2025-01-06",
			"deed": "越权", "attested_by": "x", "reason": "越权"}
	}
	exempt("GET /api/v1/wartime/kinds", "the bureau-wide list of kinds of event: settings, no organisation's data")
	exempt("GET /wartime/kinds", "the bureau-wide list of kinds of event: settings, no organisation's data")
	exempt("GET /wartime/new", "an empty form offering only the caller's own organisations")
	exempt("GET /m/wartime", "the caller's own teams, deeds and reports (self only)")
	exempt("GET /api/v1/my-wartime", "the caller's own teams, deeds and reports (self only)")
	// Reporting in: only to a team the caller serves in (a member of another team gets 404: wartime.TestPhone).
	scoped("POST /m/wartime/teams/{id}/report", on("POST", "/m/wartime/teams/%[2]d/report", nil))
	scoped("POST /api/v1/my-wartime/teams/{id}/report", on("POST", "/api/v1/my-wartime/teams/%[2]d/report", func(f *Fixture) any { return map[string]any{} }))
	// Kinds are the bureau's: a 分局's 党务管理员 is refused (403).
	scoped("POST /api/v1/wartime/kinds", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/wartime/kinds", map[string]any{"name": "越权类型"}
	})
	scoped("POST /wartime/kinds", func(t *testing.T, f *Fixture) (string, string, any) { return "POST", "/wartime/kinds?name=x", nil })

	scoped("GET /api/v1/wartime/events", getB("/api/v1/wartime/events?org=%d"))
	scoped("GET /wartime", getB("/wartime?org=%d"))
	scoped("GET /wartime/export", getB("/wartime/export?org=%d"))
	scoped("GET /api/v1/wartime/records", getB("/api/v1/wartime/records?org=%d"))
	scoped("GET /wartime/records", getB("/wartime/records?org=%d"))
	scoped("GET /wartime/records/export", getB("/wartime/records/export?org=%d"))
	scoped("GET /api/v1/wartime/standouts", getB("/api/v1/wartime/standouts?org=%d"))
	scoped("GET /wartime/standouts", getB("/wartime/standouts?org=%d"))
	scoped("GET /wartime/standouts/export", getB("/wartime/standouts/export?org=%d"))
	scoped("POST /api/v1/wartime/events", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/wartime/events", map[string]any{"kind_id": 1, "org_id": f.B, "title": "越权启动", "starts_on": "2025-01-01",
			"ends_on": "2025-02-01", "unit_ids": []int64{f.BBranch}}
	})
	scoped("POST /wartime/events", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/wartime/events?kind_id=1&org_id=%d&title=x&starts_on=2025-01-01&ends_on=2025-02-01&unit_ids=%d", f.B, f.BBranch), nil
	})

	scoped("GET /api/v1/wartime/events/{id}", on("GET", "/api/v1/wartime/events/%[1]d", nil))
	scoped("PATCH /api/v1/wartime/events/{id}", on("PATCH", "/api/v1/wartime/events/%[1]d", func(f *Fixture) any {
		return map[string]any{"version": 1, "title": "越权"}
	}))
	scoped("GET /api/v1/wartime/events/{id}/end", on("GET", "/api/v1/wartime/events/%[1]d/end", nil))
	scoped("POST /api/v1/wartime/events/{id}/end", on("POST", "/api/v1/wartime/events/%[1]d/end", func(f *Fixture) any {
		return map[string]any{"version": 1, "ended_on": "2025-06-01"}
	}))
	scoped("POST /api/v1/wartime/events/{id}/teams", on("POST", "/api/v1/wartime/events/%[1]d/teams", func(f *Fixture) any {
		return map[string]any{"kind": "squad", "name": "越权", "org_id": f.ABranch, "formed_on": "2025-01-03"}
	}))
	scoped("GET /wartime/events/{id}", on("GET", "/wartime/events/%[1]d", nil))
	scoped("POST /wartime/events/{id}", on("POST", "/wartime/events/%[1]d?version=1&title=x&ends_on=2025-12-31", nil))
	scoped("GET /wartime/events/{id}/end", on("GET", "/wartime/events/%[1]d/end", nil))
	scoped("POST /wartime/events/{id}/end", on("POST", "/wartime/events/%[1]d/end?version=1&ended_on=2025-06-01", nil))
	scoped("POST /wartime/events/{id}/teams", on("POST", "/wartime/events/%[1]d/teams?kind=squad&name=x&formed_on=2025-01-03&org_id=%[2]d", nil))

	scoped("GET /api/v1/wartime/teams/{id}", on("GET", "/api/v1/wartime/teams/%[2]d", nil))
	scoped("POST /api/v1/wartime/teams/{id}/members", on("POST", "/api/v1/wartime/teams/%[2]d/members", person))
	scoped("POST /api/v1/wartime/teams/{id}/members/{pid}/leave", on("POST", "/api/v1/wartime/teams/%[2]d/members/%[5]d/leave", person))
	scoped("POST /api/v1/wartime/teams/{id}/records", on("POST", "/api/v1/wartime/teams/%[2]d/records", person))
	scoped("POST /api/v1/wartime/teams/{id}/standouts", on("POST", "/api/v1/wartime/teams/%[2]d/standouts", person))
	scoped("GET /wartime/teams/{id}", on("GET", "/wartime/teams/%[2]d?q=x", nil))
	form := "?person_id=%[5]d&on_date=2025-01-06&joined_on=2025-01-06&left_on=2025-01-06&deed=x&attested_by=x&reason=x"
	scoped("POST /wartime/teams/{id}/members", on("POST", "/wartime/teams/%[2]d/members"+form, nil))
	scoped("POST /wartime/teams/{id}/members/{pid}/leave", on("POST", "/wartime/teams/%[2]d/members/%[5]d/leave"+form, nil))
	scoped("POST /wartime/teams/{id}/records", on("POST", "/wartime/teams/%[2]d/records"+form, nil))
	scoped("POST /wartime/teams/{id}/standouts", on("POST", "/wartime/teams/%[2]d/standouts"+form, nil))

	scoped("GET /api/v1/wartime/records/{id}", on("GET", "/api/v1/wartime/records/%[3]d", nil))
	scoped("POST /api/v1/wartime/records/{id}/files", on("POST", "/api/v1/wartime/records/%[3]d/files", nil))
	scoped("POST /wartime/records/{id}/files", on("POST", "/wartime/records/%[3]d/files", nil))
	scoped("GET /wartime/records/{id}/files/{fid}", on("GET", "/wartime/records/%[3]d/files/%[4]d", nil))
}
