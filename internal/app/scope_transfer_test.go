package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bTransfer makes a transfer inside B: from B's branch to B's 党委, sent,
// so that every step but the receiver's would be possible for B.
func bTransfer(t *testing.T, f *Fixture) int64 {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO transfers (kind, state, person_id, from_org_id, to_org_id, person_name, status,
		letter_no, applied_on, due_on, sent_on, created_at, updated_at) VALUES ('inside', 'sent', ?, ?, ?, '乙某', 'full', '1', '2026-01-01', '2099-01-01', '2026-01-02', 0, 0)`,
		f.BPerson, f.BBranch, f.B)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func onTransfer(method, format string, body any) Probe {
	return func(t *testing.T, f *Fixture) (string, string, any) {
		return method, fmt.Sprintf(format, bTransfer(t, f)), body
	}
}

func init() {
	orgQuery := func(path string) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			return "GET", fmt.Sprintf("%s?org=%d", path, f.B), nil
		}
	}
	scoped("GET /transfers", orgQuery("/transfers"))
	scoped("GET /transfers.xlsx", orgQuery("/transfers.xlsx"))
	scoped("GET /transfers/stats", orgQuery("/transfers/stats"))
	scoped("GET /transfers/away", orgQuery("/transfers/away"))
	scoped("GET /api/v1/transfers/away", orgQuery("/api/v1/transfers/away"))
	scoped("GET /api/v1/transfers", orgQuery("/api/v1/transfers"))
	scoped("GET /api/v1/transfers/stats", orgQuery("/api/v1/transfers/stats"))
	// Starting a transfer of B's member, or registering an arrival into B.
	scoped("POST /transfers", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/transfers?kind=inside&person_id=%d&to_org_id=%d", f.BPerson, f.ABranch), nil
	})
	scoped("POST /api/v1/transfers", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": f.BPerson, "to_org_id": f.ABranch}
	})
	scoped("GET /transfers/{id}", onTransfer("GET", "/transfers/%d", nil))
	scoped("GET /transfers/{id}/letter", onTransfer("GET", "/transfers/%d/letter", nil))
	scoped("GET /transfers/letters", onTransfer("GET", "/transfers/letters?id=%d&reveal=1", nil))
	scoped("GET /transfers/{id}/letter.pdf", onTransfer("GET", "/transfers/%d/letter.pdf", nil))
	scoped("GET /transfers/letters.pdf", onTransfer("GET", "/transfers/letters.pdf?id=%d&reveal=1", nil))
	scoped("GET /transfers/letter-settings", orgQuery("/transfers/letter-settings"))
	scoped("GET /api/v1/transfers/letter-settings", orgQuery("/api/v1/transfers/letter-settings"))
	scoped("POST /transfers/letter-settings", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/transfers/letter-settings?org_id=%d&prefix=乙公党转&valid_days=30", f.B), nil
	})
	scoped("POST /api/v1/transfers/letter-settings", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/transfers/letter-settings", map[string]any{"org_id": f.B, "prefix": "乙公党转", "valid_days": 30}
	})
	scoped("POST /transfers/{id}/{action}", onTransfer("POST", "/transfers/%d/receive", nil))
	scoped("GET /api/v1/transfers/{id}", onTransfer("GET", "/api/v1/transfers/%d", nil))
	scoped("POST /api/v1/transfers/{id}/{action}", onTransfer("POST", "/api/v1/transfers/%d/receive", map[string]any{}))
}
