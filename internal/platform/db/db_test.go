package db_test

import (
	"context"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// A prepared search must not flip to a generic plan after its fifth run.
func TestPostgresPlansEachExecution(t *testing.T) {
	d := dbtest.Postgres(t)
	var mode string
	if err := d.R.QueryRowContext(context.Background(), "SHOW plan_cache_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "force_custom_plan" {
		t.Fatalf("plan_cache_mode = %q", mode)
	}
}

func TestCopyFromOnlyInPostgresWriteTransactions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.W.ExecContext(ctx, "CREATE TABLE copied (a BIGINT, b TEXT)"); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			n, err := tx.CopyFrom(ctx, "copied", []string{"a", "b"}, [][]any{{int64(1), "甲"}, {int64(2), nil}})
			if err == nil && n != 2 {
				t.Errorf("copied %d rows", n)
			}
			return err
		})
		var count int
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM copied").Scan(&count); err != nil {
			t.Fatal(err)
		}
		switch {
		case d.Dialect == db.Postgres && (err != nil || count != 2):
			t.Fatalf("PostgreSQL: %v, %d rows", err, count)
		case d.Dialect == db.SQLite && (err == nil || count != 0):
			t.Fatalf("SQLite has no COPY: %v, %d rows", err, count)
		}
	})
}
