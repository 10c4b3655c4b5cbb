package transfer

import (
	"strings"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// The hourly 失联 check reads the members out of contact by their partial
// index, not every party member's row (2 s at a million people).
func TestLostContactReadsItsIndex(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		err := d.InTx(t.Context(), func(tx *db.Tx) error {
			if d.Dialect == db.Postgres {
				// An empty table is scanned whatever its indexes: ask whether the index serves the query at all.
				if _, err := tx.ExecContext(t.Context(), "SET LOCAL enable_seqscan = off"); err != nil {
					return err
				}
			}
			if plan := dbtest.Plan(t, tx, lostSQL, "2026-06-01"); !strings.Contains(plan, "persons_lost") {
				t.Errorf("the 失联 check does not read persons_lost:\n%s", plan)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
