package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// careObjects are B's: a campaign B's 分局党委 opened listing B's person, a
// hardship entry of that person and a visit to them in the campaign, with
// a photo row, straight in the database.
type careObjects struct{ campaign, hardship, visit, photo int64 }

func careFixture(t *testing.T, f *Fixture) careObjects {
	ctx := context.Background()
	today := f.E.App.Now().Format("2006-01-02")
	var o careObjects
	var err error
	o.campaign, err = db.InsertID(ctx, f.E.DB, `INSERT INTO care_campaigns (org_id, name, kind, starts_on, ends_on, ledgers, standard_fen, state, created_at, updated_at)
		VALUES (?, '乙分局七一走访', 'qiyi', ?, ?, 'elder', 50000, 'open', 0, 0)`, f.B, today, today)
	if err == nil {
		_, err = f.E.DB.ExecContext(ctx, "INSERT INTO care_targets (campaign_id, person_id, org_id, ledgers) VALUES (?, ?, ?, 'elder')", o.campaign, f.BPerson, f.BBranch)
	}
	if err == nil {
		o.hardship, err = db.InsertID(ctx, f.E.DB, `INSERT INTO care_hardship (person_id, org_id, cause, level, since, state, entered_by, created_at, updated_at)
			VALUES (?, ?, 'illness', 'general', ?, 'pending', 'b', 0, 0)`, f.BPerson, f.BBranch, today)
	}
	if err == nil {
		o.visit, err = db.InsertID(ctx, f.E.DB, `INSERT INTO care_visits (person_id, org_id, campaign_id, visited_on, form, visitors, amount_fen, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'home', '乙书记', 50000, 0, 0)`, f.BPerson, f.BBranch, o.campaign, today)
	}
	if err == nil {
		o.photo, err = db.InsertID(ctx, f.E.DB, `INSERT INTO care_photos (visit_id, file_name, stored_name, content_type, size, sha256, created_at)
			VALUES (?, 'x.jpg', 'missing.sealed', 'image/jpeg', 3, 'abc', 0)`, o.visit)
	}
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func init() {
	// probe builds a probe whose path names B's objects with %[1]d (a
	// branch), %[2]d (a person), %[3]d (the campaign), %[4]d (the entry),
	// %[5]d (the visit) and %[6]d (its photo).
	probe := func(method, path string, body func(f *Fixture, o careObjects) any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			o := careFixture(t, f)
			var b any
			if body != nil {
				b = body(f, o)
			}
			if strings.Contains(path, "%[") {
				path = fmt.Sprintf(path, f.BBranch, f.BPerson, o.campaign, o.hardship, o.visit, o.photo)
			}
			return method, path, b
		}
	}
	get := func(path string) Probe { return probe("GET", path, nil) }
	visitBody := func(f *Fixture, o careObjects) any {
		return map[string]any{"person_id": f.BPerson, "visited_on": "2025-01-10", "form": "home", "visitors": "越权", "version": 1}
	}
	hardBody := func(f *Fixture, o careObjects) any {
		return map[string]any{"person_id": f.BPerson, "cause": "illness", "level": "general", "since": "2025-01-10", "version": 1}
	}
	campBody := func(f *Fixture, o careObjects) any {
		return map[string]any{"org_id": f.B, "name": "越权", "kind": "qiyi", "starts_on": "2025-01-10", "ends_on": "2099-01-10",
			"ledgers": []string{"elder"}, "version": 1}
	}
	version := func(f *Fixture, o careObjects) any {
		return map[string]any{"version": 1, "decision": "approve", "note": "越权"}
	}

	scoped("GET /api/v1/care/ledgers", get("/api/v1/care/ledgers?org=%[1]d"))
	exempt("GET /api/v1/care/elder-rule", "the caller's own bureau's 老党员 rule: a setting, no organisation's data")
	scoped("PUT /api/v1/care/elder-rule", probe("PUT", "/api/v1/care/elder-rule", func(f *Fixture, o careObjects) any {
		return map[string]any{"party_years": 40, "age": 75}
	}))
	scoped("GET /api/v1/care/hardship", get("/api/v1/care/hardship?org=%[1]d"))
	scoped("POST /api/v1/care/hardship", probe("POST", "/api/v1/care/hardship", hardBody))
	scoped("GET /api/v1/care/hardship/{id}", get("/api/v1/care/hardship/%[4]d"))
	scoped("PUT /api/v1/care/hardship/{id}", probe("PUT", "/api/v1/care/hardship/%[4]d", hardBody))
	scoped("POST /api/v1/care/hardship/{id}/review", probe("POST", "/api/v1/care/hardship/%[4]d/review", version))
	scoped("GET /api/v1/care/visits", get("/api/v1/care/visits?org=%[1]d"))
	scoped("POST /api/v1/care/visits", probe("POST", "/api/v1/care/visits", visitBody))
	scoped("GET /api/v1/care/visits/{id}", get("/api/v1/care/visits/%[5]d"))
	scoped("PUT /api/v1/care/visits/{id}", probe("PUT", "/api/v1/care/visits/%[5]d", visitBody))
	scoped("DELETE /api/v1/care/visits/{id}", probe("DELETE", "/api/v1/care/visits/%[5]d?version=1", nil))
	scoped("POST /api/v1/care/visits/{id}/photos", probe("POST", "/api/v1/care/visits/%[5]d/photos", nil))
	exempt("GET /api/v1/care/campaigns", "lists only the campaigns of the caller's subtree and above it, each with the caller's part (care tests: A never sees B's)")
	scoped("POST /api/v1/care/campaigns", probe("POST", "/api/v1/care/campaigns", campBody))
	scoped("GET /api/v1/care/campaigns/{id}", get("/api/v1/care/campaigns/%[3]d"))
	scoped("PUT /api/v1/care/campaigns/{id}", probe("PUT", "/api/v1/care/campaigns/%[3]d", campBody))
	scoped("POST /api/v1/care/campaigns/{id}/close", probe("POST", "/api/v1/care/campaigns/%[3]d/close", version))
	scoped("GET /api/v1/care/campaigns/{id}/progress", get("/api/v1/care/campaigns/%[3]d/progress"))
	scoped("GET /api/v1/care/campaigns/{id}/targets", get("/api/v1/care/campaigns/%[3]d/targets"))

	scoped("GET /care", get("/care?org=%[1]d"))
	scoped("GET /care/export", get("/care/export?org=%[1]d&kind=elder"))
	scoped("POST /care/elder-rule", probe("POST", "/care/elder-rule?party_years=40&age=75", nil))
	scoped("GET /care/hardship", get("/care/hardship?org=%[1]d"))
	scoped("GET /care/hardship/export", get("/care/hardship/export?org=%[1]d"))
	scoped("GET /care/hardship/new", get("/care/hardship/new?person=%[2]d"))
	scoped("POST /care/hardship", probe("POST", "/care/hardship?person_id=%[2]d&cause=illness&level=general&since=2025-01-10", nil))
	scoped("GET /care/hardship/{id}", get("/care/hardship/%[4]d"))
	scoped("POST /care/hardship/{id}", probe("POST", "/care/hardship/%[4]d?cause=illness&level=general&since=2025-01-10&version=1", nil))
	scoped("POST /care/hardship/{id}/review", probe("POST", "/care/hardship/%[4]d/review?decision=approve&version=1", nil))
	scoped("GET /care/visits", get("/care/visits?org=%[1]d"))
	scoped("GET /care/visits/export", get("/care/visits/export?org=%[1]d"))
	scoped("GET /care/visits/new", get("/care/visits/new?person=%[2]d"))
	scoped("POST /care/visits", probe("POST", "/care/visits?person_id=%[2]d&campaign_id=%[3]d&visited_on=2025-01-10&form=home&visitors=x", nil))
	scoped("GET /care/visits/{id}", get("/care/visits/%[5]d"))
	scoped("POST /care/visits/{id}", probe("POST", "/care/visits/%[5]d?visited_on=2025-01-10&form=home&visitors=x&version=1", nil))
	scoped("POST /care/visits/{id}/delete", probe("POST", "/care/visits/%[5]d/delete?version=1", nil))
	scoped("POST /care/visits/{id}/photos", probe("POST", "/care/visits/%[5]d/photos", nil))
	scoped("GET /care/visits/{id}/photos/{pid}", get("/care/visits/%[5]d/photos/%[6]d"))
	exempt("GET /care/campaigns", "lists only the campaigns of the caller's subtree and above it, each with the caller's part (care tests: A never sees B's)")
	scoped("GET /care/campaigns/new", get("/care/campaigns/new?preview=1&org_id=%[1]d&name=x&kind=qiyi&starts_on=2025-01-10&ends_on=2099-01-10&ledgers=elder"))
	scoped("POST /care/campaigns", probe("POST", "/care/campaigns?org_id=%[1]d&name=x&kind=qiyi&starts_on=2025-01-10&ends_on=2099-01-10&ledgers=elder", nil))
	scoped("GET /care/campaigns/{id}", get("/care/campaigns/%[3]d"))
	scoped("POST /care/campaigns/{id}", probe("POST", "/care/campaigns/%[3]d?name=x&kind=qiyi&starts_on=2025-01-10&ends_on=2099-01-10&version=1", nil))
	scoped("POST /care/campaigns/{id}/close", probe("POST", "/care/campaigns/%[3]d/close?version=1", nil))
	scoped("GET /care/campaigns/{id}/export", get("/care/campaigns/%[3]d/export"))
	scoped("GET /care/campaigns/{id}/print", get("/care/campaigns/%[3]d/print"))
	scoped("GET /care/campaigns/{id}/receipt", get("/care/campaigns/%[3]d/receipt"))
	exempt("GET /m/care", "the phone list of the open campaigns of the caller's subtree and above it, each with the caller's part")
	scoped("GET /m/care/campaigns/{id}", get("/m/care/campaigns/%[3]d"))
	scoped("GET /m/care/campaigns/{id}/visit", get("/m/care/campaigns/%[3]d/visit?person=%[2]d"))
	scoped("POST /m/care/campaigns/{id}/visit", probe("POST", "/m/care/campaigns/%[3]d/visit?person_id=%[2]d&visited_on=2025-01-10&form=home&visitors=x", nil))
}
