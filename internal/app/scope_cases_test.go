package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// casesUnderB is a case held by B's branch with a file, a visit and a
// running pairing of it.
func casesUnderB(t *testing.T, f *Fixture) (kase, file, pairing int64) {
	ctx := context.Background()
	err := f.E.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if kase, err = db.InsertID(ctx, tx, `INSERT INTO practice_cases (org_id, title, origin, source, problem, practice, effect, created_at, updated_at)
			VALUES (?, '乙案例', 'internal', '乙', 'p', 'q', 'e', 0, 0)`, f.BBranch); err != nil {
			return err
		}
		if file, err = db.InsertID(ctx, tx, `INSERT INTO practice_case_files (case_id, file_name, content_type, size, sha256, content, created_at)
			VALUES (?, 'a.pdf', 'application/pdf', 5, 'x', ?, 0)`, kase, []byte("%PDF-")); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO study_visits (org_id, host, topic, visited_on, participants, takeaways, created_at)
			VALUES (?, '丙所', '阵地', '2026-01-10', '乙', '收获', 0)`, f.BBranch); err != nil {
			return err
		}
		pairing, err = db.InsertID(ctx, tx, `INSERT INTO pairings (org_id, partner, goal, started_on, created_at, updated_at) VALUES (?, '先进所', '目标', '2026-01-01', 0, 0)`, f.BBranch)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func init() {
	for _, path := range []string{"/api/v1/cases", "/cases", "/cases/export", "/api/v1/study-visits", "/cases/visits", "/cases/visits/export", "/api/v1/pairings", "/cases/pairings", "/cases/pairings/export"} {
		scoped("GET "+path, func(t *testing.T, f *Fixture) (string, string, any) {
			casesUnderB(t, f)
			return "GET", fmt.Sprintf("%s?org=%d", path, f.BBranch), nil
		})
	}
	byID := func(method, path string, which int, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			ids := [3]int64{}
			ids[0], ids[1], ids[2] = casesUnderB(t, f)
			p := strings.Replace(path, "{id}", fmt.Sprint(ids[which]), 1)
			if form, ok := body.(map[string]string); ok {
				return method, asForm(p, form), nil
			}
			return method, p, body
		}
	}
	scoped("GET /api/v1/cases/{id}", byID("GET", "/api/v1/cases/{id}", 0, nil))
	scoped("GET /cases/{id}", byID("GET", "/cases/{id}", 0, nil))
	scoped("GET /api/v1/case-files/{id}", byID("GET", "/api/v1/case-files/{id}", 1, nil))
	scoped("GET /cases/files/{id}", byID("GET", "/cases/files/{id}", 1, nil))
	scoped("POST /api/v1/cases/{id}/feature", byID("POST", "/api/v1/cases/{id}/feature", 0, map[string]any{"featured": true}))
	scoped("POST /cases/{id}/feature", byID("POST", "/cases/{id}/feature", 0, map[string]string{"featured": "1"}))
	scoped("GET /api/v1/pairings/{id}", byID("GET", "/api/v1/pairings/{id}", 2, nil))
	scoped("GET /cases/pairings/{id}", byID("GET", "/cases/pairings/{id}", 2, nil))
	session := map[string]string{"held_on": "2026-02-01", "topic": "越权", "result": "越权"}
	scoped("POST /api/v1/pairings/{id}/sessions", byID("POST", "/api/v1/pairings/{id}/sessions", 2, map[string]any{"held_on": "2026-02-01", "topic": "越权", "result": "越权"}))
	scoped("POST /cases/pairings/{id}/sessions", byID("POST", "/cases/pairings/{id}/sessions", 2, session))
	scoped("POST /api/v1/pairings/{id}/end", byID("POST", "/api/v1/pairings/{id}/end", 2, map[string]any{"ended_on": "2026-02-01", "result": "越权"}))
	scoped("POST /cases/pairings/{id}/end", byID("POST", "/cases/pairings/{id}/end", 2, map[string]string{"ended_on": "2026-02-01", "result": "越权"}))
	for _, path := range []string{"/api/v1/cases/{id}/files", "/cases/{id}/files"} {
		// The case is looked up before the upload is read: no body needed.
		scoped("POST "+path, byID("POST", path, 0, nil))
	}
	caseIn := map[string]any{"title": "越权", "origin": "internal", "source": "乙", "problem": "p", "practice": "q", "effect": "e"}
	scoped("POST /api/v1/cases", func(t *testing.T, f *Fixture) (string, string, any) {
		body := map[string]any{"org_id": f.BBranch}
		for k, v := range caseIn {
			body[k] = v
		}
		return "POST", "/api/v1/cases", body
	})
	scoped("POST /cases", func(t *testing.T, f *Fixture) (string, string, any) {
		form := map[string]string{"org_id": fmt.Sprint(f.BBranch)}
		for k, v := range caseIn {
			form[k] = fmt.Sprint(v)
		}
		return "POST", asForm("/cases", form), nil
	})
	visit := map[string]string{"host": "丙所", "topic": "越权", "visited_on": "2026-01-10", "participants": "甲", "takeaways": "越权"}
	scoped("POST /api/v1/study-visits", func(t *testing.T, f *Fixture) (string, string, any) {
		body := map[string]any{"org_id": f.BBranch}
		for k, v := range visit {
			body[k] = v
		}
		return "POST", "/api/v1/study-visits", body
	})
	scoped("POST /cases/visits", func(t *testing.T, f *Fixture) (string, string, any) {
		form := map[string]string{"org_id": fmt.Sprint(f.BBranch)}
		for k, v := range visit {
			form[k] = v
		}
		return "POST", asForm("/cases/visits", form), nil
	})
	pairing := map[string]string{"partner": "先进所", "goal": "越权", "started_on": "2026-01-10"}
	scoped("POST /api/v1/pairings", func(t *testing.T, f *Fixture) (string, string, any) {
		body := map[string]any{"org_id": f.BBranch}
		for k, v := range pairing {
			body[k] = v
		}
		return "POST", "/api/v1/pairings", body
	})
	scoped("POST /cases/pairings", func(t *testing.T, f *Fixture) (string, string, any) {
		form := map[string]string{"org_id": fmt.Sprint(f.BBranch)}
		for k, v := range pairing {
			form[k] = v
		}
		return "POST", asForm("/cases/pairings", form), nil
	})
	// An innovation of B's branch, credited: only B (above it) puts it in the library.
	for _, path := range []string{"/api/v1/innovations/{id}/case", "/assess/innovations/{id}/case"} {
		scoped("POST "+path, func(t *testing.T, f *Fixture) (string, string, any) {
			_, _, _, inv := assessUnderB(t, f)
			if _, err := f.E.DB.ExecContext(context.Background(), "UPDATE assess_innovations SET state = 'succeeded', ruling = 'credit', credit = 2 WHERE id = ?", inv); err != nil {
				t.Fatal(err)
			}
			return "POST", strings.Replace(path, "{id}", fmt.Sprint(inv), 1), map[string]any{}
		})
	}
}
