package member

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// A bulk load defers the indexes of persons only when it at least doubles
// the table, keeps the primary key meanwhile, builds every index again as
// it was, and a duplicate ID number written meanwhile fails the rebuild.
func TestDeferIndexes(t *testing.T) {
	from := DeferIndexesFrom
	t.Cleanup(func() { DeferIndexesFrom = from })
	DeferIndexesFrom = 2
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		org, _ := addOrg(t, d, 0, "市局党委")
		before := dbtest.Indexes(t, d, "persons")
		if len(before) < 10 {
			t.Fatalf("persons has %d indexes", len(before))
		}
		write := func(tx *db.Tx, from, to int) error {
			w := NewInserter(tx)
			defer w.Close()
			for i := from; i < to; i++ {
				p := generated(i, org)
				if err := w.Add(ctx, NewRow(keys, &p)); err != nil {
					return err
				}
			}
			return w.Flush(ctx)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return write(tx, 0, 3) }); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, rows := range []int{1, 2} { // fewer than DeferIndexesFrom; fewer than persons holds
				if x, err := DeferIndexes(ctx, tx, rows); err != nil || x != nil {
					t.Fatalf("%d rows: deferred %v, %v", rows, x, err)
				}
			}
			x, err := DeferIndexes(ctx, tx, 3)
			if err != nil || x == nil {
				t.Fatalf("not deferred: %v", err)
			}
			// The primary key stays: SQLite's is the rowid, no index.
			left := dbtest.Indexes(t, tx, "persons")
			if d.Dialect == db.SQLite && len(left) > 0 || d.Dialect == db.Postgres && (len(left) != 1 || !strings.Contains(left[0], "persons_pkey")) {
				t.Fatalf("left while deferred: %v", left)
			}
			if err := write(tx, 3, 6); err != nil {
				return err
			}
			return x.Restore(ctx, tx)
		})
		if err != nil {
			t.Fatal(err)
		}
		if after := dbtest.Indexes(t, d, "persons"); !slices.Equal(after, before) {
			t.Fatalf("indexes after the load:\n%v\nwant\n%v", after, before)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			x, err := DeferIndexes(ctx, tx, 6)
			if err != nil || x == nil {
				t.Fatalf("not deferred: %v", err)
			}
			if err := write(tx, 5, 6); err != nil {
				t.Fatalf("a duplicate refused while deferred: %v", err)
			}
			return x.Restore(ctx, tx)
		})
		if !errors.Is(err, ErrDuplicateID) {
			t.Fatalf("duplicate written while deferred: %v", err)
		}
		if after := dbtest.Indexes(t, d, "persons"); !slices.Equal(after, before) {
			t.Fatalf("indexes after the rollback:\n%v\nwant\n%v", after, before)
		}
	})
}
