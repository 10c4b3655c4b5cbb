package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// assessUnderB is B's published set over its branches with one scored
// indicator, a 述职 of B's branch and an innovation of it, registered.
func assessUnderB(t *testing.T, f *Fixture) (set, indicator, report, innovation int64) {
	ctx := context.Background()
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if set, err = db.InsertID(ctx, tx, `INSERT INTO assess_sets (org_id, year, kind, title, state, created_at, updated_at)
			VALUES (?, 2026, 'branches', '乙分局考评', 'published', 0, 0)`, f.B); err != nil {
			return err
		}
		if indicator, err = db.InsertID(ctx, tx, `INSERT INTO assess_indicators (set_id, seq, name, kind, weight, created_at)
			VALUES (?, 1, '融合', 'scored', 100, 0)`, set); err != nil {
			return err
		}
		if report, err = db.InsertID(ctx, tx, `INSERT INTO assess_reports (set_id, org_id, secretary, body, submitted_on, created_at, updated_at)
			VALUES (?, ?, '乙书记', '述职', '2026-01-10', 0, 0)`, set, f.BBranch); err != nil {
			return err
		}
		innovation, err = db.InsertID(ctx, tx, `INSERT INTO assess_innovations (org_id, year, title, problem, idea, expected, risks, planned_start, registered_on, created_at, updated_at)
			VALUES (?, 2026, '乙创新', 'p', 'i', 'e', 'r', '2026-02-01', '2026-01-10', 0, 0)`, f.BBranch)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func init() {
	fill := func(path string, set, ind, rep, inv int64) string {
		return strings.NewReplacer("{id}", fmt.Sprint(set), "{iid}", fmt.Sprint(ind)).Replace(path)
	}
	probe := func(method, path string, body func(f *Fixture) any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			set, ind, rep, inv := assessUnderB(t, f)
			p := fill(path, set, ind, rep, inv)
			switch {
			case strings.HasPrefix(path, "/api/v1/assess-reports/"), strings.HasPrefix(path, "/assess/reports/"):
				p = strings.Replace(path, "{id}", fmt.Sprint(rep), 1)
			case strings.Contains(path, "innovations/{id}"):
				p = strings.Replace(path, "{id}", fmt.Sprint(inv), 1)
			}
			var b any
			if body != nil {
				b = body(f)
			}
			if form, ok := b.(map[string]string); ok {
				return method, asForm(p, form), nil
			}
			return method, p, b
		}
	}
	byOrg := func(f *Fixture) any { return nil }
	for _, path := range []string{"/api/v1/assess-sets/{id}", "/assess/sets/{id}", "/api/v1/assess-sets/{id}/results", "/assess/sets/{id}/export",
		"/api/v1/assess-sets/{id}/reports", "/assess/sets/{id}/reports", "/assess/sets/{id}/indicators/{iid}",
		"/api/v1/innovations/{id}", "/assess/innovations/{id}"} {
		scoped("GET "+path, probe("GET", path, byOrg))
	}
	for _, path := range []string{"/api/v1/assess-sets", "/assess"} {
		exempt("GET "+path, "lists only the sets published in or above the caller's scope (a set of B is checked by GET /api/v1/assess-sets/{id})")
	}
	for _, path := range []string{"/api/v1/innovations", "/assess/innovations", "/assess/innovations/export"} {
		scoped("GET "+path, func(t *testing.T, f *Fixture) (string, string, any) {
			assessUnderB(t, f)
			return "GET", fmt.Sprintf("%s?org=%d", path, f.BBranch), nil
		})
	}
	scoped("POST /api/v1/assess-sets", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/assess-sets", map[string]any{"org_id": f.B, "year": 2026, "title": "越权考评"}
	})
	scoped("POST /assess/sets", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", asForm("/assess/sets", map[string]string{"org_id": fmt.Sprint(f.B), "year": "2026", "title": "越权考评"}), nil
	})
	indicator := func(f *Fixture) any { return map[string]any{"name": "越权", "kind": "scored", "weight": 1} }
	scoped("POST /api/v1/assess-sets/{id}/indicators", probe("POST", "/api/v1/assess-sets/{id}/indicators", indicator))
	scoped("POST /assess/sets/{id}/indicators", probe("POST", "/assess/sets/{id}/indicators", func(f *Fixture) any {
		return map[string]string{"name": "越权", "kind": "scored", "weight": "1"}
	}))
	scoped("DELETE /api/v1/assess-sets/{id}/indicators/{iid}", probe("DELETE", "/api/v1/assess-sets/{id}/indicators/{iid}", nil))
	scoped("POST /assess/sets/{id}/indicators/{iid}/delete", probe("POST", "/assess/sets/{id}/indicators/{iid}/delete", nil))
	scoped("POST /api/v1/assess-sets/{id}/publish", probe("POST", "/api/v1/assess-sets/{id}/publish", func(f *Fixture) any { return map[string]int{"version": 1} }))
	scoped("POST /assess/sets/{id}/publish", probe("POST", "/assess/sets/{id}/publish", nil))
	scores := func(f *Fixture) any {
		return map[string]any{"scores": []map[string]any{{"org_id": f.BBranch, "points": 50, "evidence": "越权"}}}
	}
	scoped("PUT /api/v1/assess-sets/{id}/indicators/{iid}/scores", probe("PUT", "/api/v1/assess-sets/{id}/indicators/{iid}/scores", scores))
	scoped("POST /assess/sets/{id}/indicators/{iid}/scores", probe("POST", "/assess/sets/{id}/indicators/{iid}/scores", func(f *Fixture) any {
		return map[string]string{fmt.Sprintf("points_%d", f.BBranch): "50", fmt.Sprintf("evidence_%d", f.BBranch): "越权"}
	}))
	report := func(f *Fixture) any { return map[string]any{"org_id": f.BBranch, "secretary": "甲", "body": "越权"} }
	scoped("POST /api/v1/assess-sets/{id}/reports", probe("POST", "/api/v1/assess-sets/{id}/reports", report))
	scoped("POST /assess/sets/{id}/reports", probe("POST", "/assess/sets/{id}/reports", func(f *Fixture) any {
		return map[string]string{"org_id": fmt.Sprint(f.BBranch), "secretary": "甲", "body": "越权"}
	}))
	review := func(f *Fixture) any { return map[string]any{"grade": "poor", "review": "越权"} }
	scoped("POST /api/v1/assess-reports/{id}/review", probe("POST", "/api/v1/assess-reports/{id}/review", review))
	scoped("POST /assess/reports/{id}/review", probe("POST", "/assess/reports/{id}/review", func(f *Fixture) any {
		return map[string]string{"grade": "poor", "review": "越权"}
	}))
	register := map[string]string{"title": "越权", "problem": "p", "idea": "i", "expected": "e", "risks": "r", "planned_start": "2099-01-01"}
	scoped("POST /api/v1/innovations", func(t *testing.T, f *Fixture) (string, string, any) {
		body := map[string]any{"org_id": f.BBranch}
		for k, v := range register {
			body[k] = v
		}
		body["planned_start"] = f.E.App.Now().AddDate(0, 1, 0).Format("2006-01-02")
		return "POST", "/api/v1/innovations", body
	})
	scoped("POST /assess/innovations", func(t *testing.T, f *Fixture) (string, string, any) {
		form := map[string]string{"org_id": fmt.Sprint(f.BBranch)}
		for k, v := range register {
			form[k] = v
		}
		form["planned_start"] = f.E.App.Now().AddDate(0, 1, 0).Format("2006-01-02")
		return "POST", asForm("/assess/innovations", form), nil
	})
	steps := map[string]map[string]any{"review": {"accept": true, "sound": true}, "outcome": {"succeeded": true, "tried_from": "2026-02-01", "note": "越权"},
		"ruling": {"ruling": "credit", "credit": 1, "note": "越权"}}
	forms := map[string]map[string]string{"review": {"decision": "accept", "sound": "1"}, "outcome": {"result": "succeeded", "tried_from": "2026-02-01", "note": "越权"},
		"ruling": {"ruling": "credit", "credit": "1", "note": "越权"}}
	for step := range steps {
		scoped("POST /api/v1/innovations/{id}/"+step, probe("POST", "/api/v1/innovations/{id}/"+step, func(f *Fixture) any { return steps[step] }))
		scoped("POST /assess/innovations/{id}/"+step, probe("POST", "/assess/innovations/{id}/"+step, func(f *Fixture) any { return forms[step] }))
	}
}
