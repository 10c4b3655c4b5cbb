package app_test

import (
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bCase opens a development case for B's person directly in the database.
func bCase(t *testing.T, f *Fixture) int64 {
	t.Helper()
	var id int64
	err := f.E.DB.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(context.Background(), tx, "INSERT INTO dev_cases (person_id, org_id, last_step, created_at, updated_at) VALUES (?,?,1,0,0)", f.BPerson, f.BBranch)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(context.Background(), "INSERT INTO dev_records (case_id, kind, step, on_date, dedup, created_at) VALUES (?, 'step', 1, '2024-01-10', 'step:1', 0)", id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// bAttachment attaches a (never read) scan to B's case.
func bAttachment(t *testing.T, f *Fixture) (int64, int64) {
	t.Helper()
	c := bCase(t, f)
	var id int64
	err := f.E.DB.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(context.Background(), tx, `INSERT INTO dev_attachments (case_id, record_id, file_name, stored_name, content_type, size, sha256, created_at)
			SELECT ?, id, 'a.pdf', 'x.scan', 'application/pdf', 1, 'h', 0 FROM dev_records WHERE case_id = ?`, c, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, id
}

func devGet(path string) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf(path, f.B), nil
	}
}

// devRecord names B's case and its first record.
func devRecord(method, path string, body any) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		c := bCase(t, f)
		var rid int64
		if err := f.E.DB.QueryRowContext(context.Background(), "SELECT id FROM dev_records WHERE case_id = ?", c).Scan(&rid); err != nil {
			t.Fatal(err)
		}
		return method, fmt.Sprintf(path, c, rid), body
	}
}

func devCase(method, path string, body any) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return method, fmt.Sprintf(path, bCase(t, f)), body
	}
}

func init() {
	exempt("GET /development/rules", "规则集与工作日历为全市统一配置，不含组织数据")
	exempt("GET /api/v1/development/rules", "规则集与工作日历为全市统一配置，不含组织数据")

	scoped("GET /development", devGet("/development?org=%d"))
	scoped("GET /development/ledger.xlsx", devGet("/development/ledger.xlsx?org=%d"))
	scoped("GET /development/deadlines", devGet("/development/deadlines?org=%d"))
	scoped("GET /development/stats", devGet("/development/stats?org=%d"))
	scoped("GET /development/plans", devGet("/development/plans?org=%d"))
	scoped("GET /api/v1/development/cases", devGet("/api/v1/development/cases?org=%d"))
	scoped("GET /api/v1/development/deadlines", devGet("/api/v1/development/deadlines?org=%d"))
	scoped("GET /api/v1/development/stats", devGet("/api/v1/development/stats?org=%d"))
	scoped("GET /api/v1/development/plans", devGet("/api/v1/development/plans?org=%d"))

	scoped("POST /development/cases", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/development/cases?person_id=%d&date=2024-01-10", f.BPerson), nil
	})
	scoped("POST /api/v1/development/cases", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/development/cases", map[string]any{"person_id": f.BPerson, "date": "2024-01-10"}
	})
	scoped("GET /development/cases/{id}", devCase("GET", "/development/cases/%d", nil))
	scoped("POST /development/cases/{id}/attachments", devCase("POST", "/development/cases/%d/attachments", nil))
	scoped("POST /api/v1/development/cases/{id}/attachments", devCase("POST", "/api/v1/development/cases/%d/attachments", nil))
	scoped("GET /development/cases/{id}/attachments/{aid}", func(t *testing.T, f *Fixture) (string, string, any) {
		c, a := bAttachment(t, f)
		return "GET", fmt.Sprintf("/development/cases/%d/attachments/%d", c, a), nil
	})
	scoped("GET /development/cases/{id}/record", devCase("GET", "/development/cases/%d/record", nil))
	scoped("GET /development/cases/{id}/record.xlsx", devCase("GET", "/development/cases/%d/record.xlsx", nil))
	scoped("POST /development/cases/{id}/{action}", devCase("POST", "/development/cases/%d/steps?step=2&date=2024-01-20", nil))
	scoped("POST /development/cases/{id}/records/{rid}", devRecord("POST", "/development/cases/%d/records/%d?date=2024-01-11&reason=x", nil))
	scoped("PUT /api/v1/development/cases/{id}/records/{rid}", devRecord("PUT", "/api/v1/development/cases/%d/records/%d", map[string]any{"date": "2024-01-11", "reason": "x"}))
	scoped("GET /api/v1/development/cases/{id}", devCase("GET", "/api/v1/development/cases/%d", nil))
	scoped("POST /api/v1/development/cases/{id}/steps", devCase("POST", "/api/v1/development/cases/%d/steps", map[string]any{"step": 2, "date": "2024-01-20"}))
	scoped("POST /api/v1/development/cases/{id}/publicity", devCase("POST", "/api/v1/development/cases/%d/publicity", map[string]any{"publicity": "candidate", "date": "2024-01-20"}))
	scoped("POST /api/v1/development/cases/{id}/reviews", devCase("POST", "/api/v1/development/cases/%d/reviews", map[string]any{"date": "2024-01-20"}))
	scoped("POST /api/v1/development/cases/{id}/extension-meeting", devCase("POST", "/api/v1/development/cases/%d/extension-meeting", map[string]any{"date": "2024-01-20", "months": 6, "opinion": "x", "vote": map[string]int{"expected": 3, "present": 3, "for": 3}}))
	scoped("POST /api/v1/development/cases/{id}/extension", devCase("POST", "/api/v1/development/cases/%d/extension", map[string]any{"date": "2024-01-20", "opinion": "x"}))
	scoped("POST /api/v1/development/cases/{id}/cancellation", devCase("POST", "/api/v1/development/cases/%d/cancellation", map[string]any{"date": "2024-01-20", "opinion": "x"}))
	scoped("POST /api/v1/development/cases/{id}/cancellation-meeting", devCase("POST", "/api/v1/development/cases/%d/cancellation-meeting", map[string]any{"date": "2024-01-20", "opinion": "x", "vote": map[string]int{"expected": 3, "present": 3, "for": 3}}))
	scoped("POST /api/v1/development/cases/{id}/shortening", devCase("POST", "/api/v1/development/cases/%d/shortening", map[string]any{"date": "2024-01-20", "months": 6, "doc_no": "1", "event_id": 1, "record_ids": []int64{1}}))
	scoped("POST /api/v1/development/cases/{id}/exception", devCase("POST", "/api/v1/development/cases/%d/exception", map[string]any{"date": "2024-01-20", "opinion": "x", "waives": []string{"R-target"}, "doc_no": "1", "approved_on": "2024-01-19"}))

	// Bureau-wide settings: A's 党务管理员 is not the 市局's and gets 403.
	scoped("POST /development/plans", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/development/plans?year=2026&org_id=%d&quota=5", f.B), nil
	})
	scoped("PUT /api/v1/development/plans", func(t *testing.T, f *Fixture) (string, string, any) {
		return "PUT", "/api/v1/development/plans", map[string]any{"year": 2026, "org_id": f.B, "quota": 5}
	})
	scoped("POST /development/rules", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/development/rules?key=R-publicity.working_days&value=7&effective_from=2026-01-01&note=x", nil
	})
	scoped("POST /api/v1/development/rules/overrides", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/development/rules/overrides", map[string]any{"rule": "R-publicity", "param": "working_days", "value": 7, "effective_from": "2026-01-01", "note": "x"}
	})
	scoped("POST /development/calendar", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/development/calendar?date=2026-10-10&working=1&note=x", nil
	})
	scoped("POST /api/v1/development/calendar", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/development/calendar", map[string]any{"date": "2026-10-10", "working": true, "note": "x"}
	})
}
