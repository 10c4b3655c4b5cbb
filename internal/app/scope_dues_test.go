package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bDuesBase sets B's member's base for 2026 straight in the database.
func bDuesBase(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO dues_bases (person_id, year, kind, base_fen, standard_fen, amount_fen, created_at, updated_at)
		VALUES (?, 2026, 'service', 400000, 4000, 4000, 0, 0)`, f.BPerson)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bReduction is a pending reduction for B's member, decided by B.
func bReduction(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO dues_reductions (person_id, org_id, approver_id, year, standard_fen, amount_fen, reason_enc,
		decided_on, state, created_at, updated_at) VALUES (?, ?, ?, 2026, 4000, 0, ?, '2026-01-10', 'pending', 0, 0)`, f.BPerson, f.BBranch, f.B, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bImport is a checked import of B's branch.
func bImport(t *testing.T, f *Fixture) int64 {
	job, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO import_jobs (kind, org_id, file_name, stored_name, state, dry_run, created_at, updated_at)
		VALUES ('dues_payments', ?, 'x.csv', 'x.upload', 'checked', 1, 0, 0)`, f.BBranch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.E.DB.ExecContext(t.Context(), `INSERT INTO dues_imports (job_id, org_id, kind, year, file_name, items, problems, state, created_at)
		VALUES (?, ?, 'payments', 2026, 'x.csv', ?, '[]', 'checked', 0)`, job, f.BBranch, fmt.Sprintf(`[{"row":2,"person_id":%d,"name":"乙某","year":2026,"month":12,"amount_fen":4000}]`, f.BPerson)); err != nil {
		t.Fatal(err)
	}
	return job
}

func init() {
	person := func(method, format string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, f.BPerson), nil
		}
	}
	scoped("GET /dues", getB("/dues?org=%d"))
	scoped("GET /dues/export", getB("/dues/export?org=%d"))
	scoped("GET /dues/pay", person("GET", "/dues/pay?person_id=%d&year=2026"))
	scoped("POST /dues/pay", person("POST", "/dues/pay?person_id=%d&year=2026&month=1"))
	scoped("GET /dues/base", person("GET", "/dues/base?person_id=%d&year=2026"))
	scoped("POST /dues/base", person("POST", "/dues/base?person_id=%d&year=2026&kind=service&base=4000"))
	exempt("GET /m/dues", "the caller's own dues (self only)")

	scoped("GET /api/v1/dues", getB("/api/v1/dues?org=%d"))
	exempt("GET /api/v1/dues/brackets", "the national brackets of 2008: no organisation's data")
	scoped("POST /api/v1/dues/bases", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/dues/bases", map[string]any{"person_id": f.BPerson, "year": 2026, "kind": "service", "base_fen": 400000}
	})
	scoped("PUT /api/v1/dues/bases/{id}", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PUT", fmt.Sprintf("/api/v1/dues/bases/%d", bDuesBase(t, f)), map[string]any{"kind": "retired", "base_fen": 300000, "version": 1}
	})
	scoped("POST /api/v1/dues/payments", func(t *testing.T, f *Fixture) (string, string, any) {
		bDuesBase(t, f)
		return "POST", "/api/v1/dues/payments", map[string]any{"person_id": f.BPerson, "year": 2026, "month": 1}
	})
	exempt("GET /api/v1/dues/mine", "the caller's own dues (self only)")
	exempt("GET /api/v1/dues/rules", "the rules of the regulations: no organisation's data")

	reduction := func(method, format string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return method, fmt.Sprintf(format, bReduction(t, f)), body
		}
	}
	onImport := func(method, format string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			bDuesBase(t, f)
			return method, fmt.Sprintf(format, bImport(t, f)), nil
		}
	}
	exempt("GET /dues/imports", "the upload form: no organisation's data")
	exempt("GET /dues/imports/template.xlsx", "an empty template")
	scoped("POST /dues/imports", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/dues/imports?kind=bases&org_id=%d", f.B), nil
	})
	scoped("GET /dues/imports/{id}", onImport("GET", "/dues/imports/%d"))
	scoped("POST /dues/imports/{id}/confirm", onImport("POST", "/dues/imports/%d/confirm"))
	scoped("GET /dues/report", getB("/dues/report?org=%d"))
	scoped("GET /dues/report/export", getB("/dues/report/export?org=%d"))
	scoped("GET /api/v1/dues/report", getB("/api/v1/dues/report?org=%d"))
	scoped("POST /dues/voluntary", person("POST", "/dues/voluntary?person_id=%d&amount=10"))
	scoped("POST /api/v1/dues/voluntary", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/dues/voluntary", map[string]any{"person_id": f.BPerson, "amount_fen": 100000}
	})
	scoped("GET /api/v1/dues/voluntary", getB("/api/v1/dues/voluntary?org=%d"))
	scoped("GET /dues/reductions", getB("/dues/reductions?org=%d"))
	scoped("GET /dues/reductions/export", getB("/dues/reductions/export?org=%d"))
	scoped("GET /dues/reductions/new", person("GET", "/dues/reductions/new?person_id=%d&year=2026"))
	scoped("POST /dues/reductions", person("POST", "/dues/reductions?person_id=%d&year=2026&amount=0&reason=x&decided_on=2026-01-10"))
	scoped("GET /dues/reductions/{id}", reduction("GET", "/dues/reductions/%d", nil))
	scoped("POST /dues/reductions/{id}/decision", reduction("POST", "/dues/reductions/%d/decision?version=1&approve=1", nil))
	scoped("GET /api/v1/dues/reductions", getB("/api/v1/dues/reductions?org=%d"))
	scoped("POST /api/v1/dues/reductions", func(t *testing.T, f *Fixture) (string, string, any) {
		bDuesBase(t, f)
		return "POST", "/api/v1/dues/reductions", map[string]any{"person_id": f.BPerson, "year": 2026, "amount_fen": 0, "reason": "困难", "decided_on": "2026-01-10"}
	})
	scoped("GET /api/v1/dues/reductions/{id}", reduction("GET", "/api/v1/dues/reductions/%d", nil))
	scoped("POST /api/v1/dues/reductions/{id}/decision", reduction("POST", "/api/v1/dues/reductions/%d/decision", map[string]any{"approve": true, "version": 1}))
}
