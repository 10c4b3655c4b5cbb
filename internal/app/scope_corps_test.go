package app_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"hongdun/internal/platform/db"
)

// corpsUnderB puts B's person on the roster of B's branch, with an award
// and a nomination waiting for B's decision.
func corpsUnderB(t *testing.T, f *Fixture) (worker, award, nomination int64) {
	ctx := context.Background()
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		worker, err = db.InsertID(ctx, tx, `INSERT INTO corps_workers (person_id, org_id, post, duty, category, appointed_on, created_at, updated_at)
			VALUES (?, ?, 'secretary', 'part', '民警', '2020-01-01', 0, 0)`, f.BPerson, f.BBranch)
		if err != nil {
			return err
		}
		award, err = db.InsertID(ctx, tx, `INSERT INTO corps_awards (person_id, org_id, field, title, issuer, awarded_on, created_at)
			VALUES (?, ?, 'business', '个人三等功', '乙分局', '2024-05-01', 0)`, f.BPerson, f.BBranch)
		if err != nil {
			return err
		}
		nomination, err = db.InsertID(ctx, tx, `INSERT INTO corps_nominations (year, worker_id, person_id, org_id, deciding_org_id, deeds, created_at, updated_at)
			VALUES (2026, ?, ?, ?, ?, '事迹', 0, 0)`, worker, f.BPerson, f.BBranch, f.B)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return worker, award, nomination
}

// asForm puts a page form's fields in the query string, where the page's
// r.FormValue reads them (the probe's body is JSON).
func asForm(path string, fields map[string]string) string {
	v := url.Values{}
	for k, x := range fields {
		v.Set(k, x)
	}
	return path + "?" + v.Encode()
}

func init() {
	byOrg := func(path string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			corpsUnderB(t, f)
			return "GET", fmt.Sprintf(path, f.BBranch), nil
		}
	}
	for _, path := range []string{"/api/v1/party-workers", "/corps", "/corps/export", "/api/v1/party-workers/turnover", "/corps/turnover",
		"/api/v1/party-worker-nominations", "/corps/nominations", "/corps/nominations/export"} {
		scoped("GET "+path, byOrg(path+"?org=%d"))
	}
	exempt("GET /corps/new", "an empty form whose organisation picker lists only the caller's scope")
	scoped("POST /api/v1/party-workers", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/party-workers", map[string]any{"person_id": f.BPerson, "org_id": f.BBranch, "post": "clerk", "duty": "part", "appointed_on": "2024-01-01"}
	})
	scoped("POST /corps/workers", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", asForm("/corps/workers", map[string]string{"person_id": fmt.Sprint(f.BPerson), "org_id": fmt.Sprint(f.BBranch), "post": "clerk", "duty": "part", "appointed_on": "2024-01-01"}), nil
	})
	worker := func(method, path string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			w, _, _ := corpsUnderB(t, f)
			if form, ok := body.(map[string]string); ok {
				return method, asForm(fmt.Sprintf(path, w), form), nil
			}
			return method, fmt.Sprintf(path, w), body
		}
	}
	edit := map[string]any{"post": "deputy", "duty": "full", "appointed_on": "2020-01-01", "version": 1}
	exit := map[string]any{"left_on": "2025-01-01", "reason": "transfer", "version": 1}
	award := map[string]any{"field": "party", "title": "越权", "issuer": "甲", "awarded_on": "2025-01-01"}
	scoped("GET /api/v1/party-workers/{id}", worker("GET", "/api/v1/party-workers/%d", nil))
	scoped("GET /corps/workers/{id}", worker("GET", "/corps/workers/%d", nil))
	scoped("PATCH /api/v1/party-workers/{id}", worker("PATCH", "/api/v1/party-workers/%d", edit))
	scoped("POST /corps/workers/{id}", worker("POST", "/corps/workers/%d", map[string]string{"post": "deputy", "duty": "full", "appointed_on": "2020-01-01", "version": "1"}))
	scoped("POST /api/v1/party-workers/{id}/exit", worker("POST", "/api/v1/party-workers/%d/exit", exit))
	scoped("POST /corps/workers/{id}/exit", worker("POST", "/corps/workers/%d/exit", map[string]string{"left_on": "2025-01-01", "reason": "transfer", "version": "1"}))
	scoped("POST /api/v1/party-workers/{id}/awards", worker("POST", "/api/v1/party-workers/%d/awards", award))
	scoped("POST /corps/workers/{id}/awards", worker("POST", "/corps/workers/%d/awards", map[string]string{"field": "party", "title": "越权", "issuer": "甲", "awarded_on": "2025-01-01"}))
	scoped("POST /api/v1/party-worker-nominations", func(t *testing.T, f *Fixture) (string, string, any) {
		w, _, _ := corpsUnderB(t, f)
		return "POST", "/api/v1/party-worker-nominations", map[string]any{"year": 2025, "worker_id": w, "deeds": "越权"}
	})
	scoped("POST /corps/nominations", func(t *testing.T, f *Fixture) (string, string, any) {
		w, _, _ := corpsUnderB(t, f)
		return "POST", asForm("/corps/nominations", map[string]string{"year": "2025", "worker_id": fmt.Sprint(w), "deeds": "越权"}), nil
	})
	awardProbe := func(method, path string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			_, a, _ := corpsUnderB(t, f)
			return method, fmt.Sprintf(path, a), nil
		}
	}
	scoped("DELETE /api/v1/party-worker-awards/{id}", awardProbe("DELETE", "/api/v1/party-worker-awards/%d"))
	scoped("POST /corps/awards/{id}/delete", awardProbe("POST", "/corps/awards/%d/delete"))
	scoped("POST /api/v1/party-worker-nominations/{id}/decide", func(t *testing.T, f *Fixture) (string, string, any) {
		_, _, n := corpsUnderB(t, f)
		return "POST", fmt.Sprintf("/api/v1/party-worker-nominations/%d/decide", n), map[string]any{"approve": false, "note": "越权"}
	})
	scoped("POST /corps/nominations/{id}/decide", func(t *testing.T, f *Fixture) (string, string, any) {
		_, _, n := corpsUnderB(t, f)
		return "POST", asForm(fmt.Sprintf("/corps/nominations/%d/decide", n), map[string]string{"decision": "decline", "note": "越权"}), nil
	})
}
