package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// importJob makes an import job into B's 党委, as if someone there had uploaded.
func importJob(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO import_jobs (org_id, file_name, stored_name, state, dry_run, layout, created_at, updated_at)
		VALUES (?, 'b.xlsx', 'none.upload', 'checked', 1, '{"sheet":"s","header_row":1,"headers":["姓名"],"mapping":["name"]}', 0, 0)`, f.B)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func onImport(method, format string, body any) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return method, fmt.Sprintf(format, importJob(t, f)), body
	}
}

func init() {
	exempt("GET /imports/template.xlsx", "空白导入模板，不含数据")
	scoped("GET /imports", func(t *testing.T, f *Fixture) (string, string, any) {
		return "GET", fmt.Sprintf("/imports?org=%d", f.B), nil
	})
	scoped("POST /imports", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/imports?org_id=%d", f.B), nil
	})
	scoped("POST /api/v1/imports", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/api/v1/imports?org_id=%d&dry_run=true", f.B), nil
	})
	scoped("GET /imports/{id}", onImport("GET", "/imports/%d", nil))
	scoped("POST /imports/{id}/confirm", onImport("POST", "/imports/%d/confirm", nil))
	scoped("GET /api/v1/imports/{id}", onImport("GET", "/api/v1/imports/%d", nil))
	scoped("POST /api/v1/imports/{id}/confirm", onImport("POST", "/api/v1/imports/%d/confirm", map[string]any{"dry_run": true}))
}
