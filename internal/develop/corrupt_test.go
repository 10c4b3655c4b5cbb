package develop_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
)

// A 纪实表 record whose stored data no longer reads is an error, never an
// empty entry shown as if nothing had been recorded.
func TestCorruptRecordIsAnError(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c, r := b.fenjuAdmin, b.openApplication()
		base := fmt.Sprintf("/api/v1/development/cases/%d", r.Case.ID)
		c.Expect(200, "GET", base, nil, nil)
		if _, err := e.DB.ExecContext(t.Context(), `UPDATE dev_records SET data = '{"opinion":' WHERE case_id = ?`, r.Case.ID); err != nil {
			t.Fatal(err)
		}
		c.Expect(500, "GET", base, nil, nil) // corrupt record
	})
}
