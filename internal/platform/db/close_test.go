package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Closing a SQLite database after writes and reads leaves no write-ahead
// log behind: its pages are in the database file.
func TestCloseCheckpointsTheLog(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "x.db")
	d, err := OpenSQLiteFile(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, "CREATE TABLE x (a BLOB)"); err != nil {
		t.Fatal(err)
	}
	if err := d.InTx(ctx, func(tx *Tx) error {
		for range 200 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO x VALUES (randomblob(4000))"); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM x").Scan(&n); err != nil || n != 200 {
		t.Fatal(n, err)
	}
	if _, err := os.Stat(p + "-wal"); err != nil {
		t.Fatalf("no log while open: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the log is left after Close: %v", err)
	}
}
