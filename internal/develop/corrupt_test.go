package develop_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
)

// A 纪实表 record whose stored data no longer reads is an error, never an
// empty entry shown as if nothing had been recorded.
func TestCorruptRecordIsAnError(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c := b.fenjuAdmin
		var r caseReply
		if st := c.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10"}, &r); st != 201 {
			t.Fatalf("open: %d %s", st, c.Body())
		}
		base := fmt.Sprintf("/api/v1/development/cases/%d", r.Case.ID)
		if st := c.Do("GET", base, nil, nil); st != 200 {
			t.Fatalf("case: %d %s", st, c.Body())
		}
		if _, err := e.DB.ExecContext(t.Context(), `UPDATE dev_records SET data = '{"opinion":' WHERE case_id = ?`, r.Case.ID); err != nil {
			t.Fatal(err)
		}
		if st := c.Do("GET", base, nil, nil); st != 500 {
			t.Fatalf("corrupt record: %d %s", st, c.Body())
		}
	})
}
