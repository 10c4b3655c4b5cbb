package importer

import (
	"context"
	"errors"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// The import's connection runs without foreign-key checks, and hands the
// connection back with them on, whether the import commits or not.
func TestImportTxRestoresForeignKeys(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ctx := context.Background()
	failed := errors.New("refused")
	for _, want := range []error{nil, failed} {
		err := InTx(ctx, d, func(tx *db.Tx) error {
			var on int
			if err := tx.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 0 {
				t.Fatalf("inside the import: foreign_keys = %d, %v", on, err)
			}
			return want
		})
		if !errors.Is(err, want) {
			t.Fatalf("inImportTx = %v, want %v", err, want)
		}
		var on int
		if err := d.W.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
			t.Fatalf("after the import: foreign_keys = %d, %v", on, err)
		}
	}
}
