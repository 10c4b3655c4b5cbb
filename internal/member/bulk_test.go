package member

import (
	"context"
	"errors"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

func TestInserterWritesPreparedRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		root, _ := addOrg(t, d, 0, "市局党委")
		branch, _ := addOrg(t, d, root, "甲支部")
		n := max(bulkRows, copyRows) + 3 // full batches (INSERT or COPY) and a remainder
		err := d.InTx(ctx, func(tx *db.Tx) error {
			w := NewInserter(tx)
			defer w.Close()
			for i := range n {
				p := generated(i, root)
				r := NewRow(keys, &p)
				if r.IDHash() != keys.Index(p.IDNumber) {
					t.Fatalf("row %d: IDHash %q", i, r.IDHash())
				}
				r.SetOrg(branch)
				if err := w.Add(ctx, r); err != nil {
					return err
				}
			}
			if err := w.Flush(ctx); err != nil {
				return err
			}
			if w.Written() != n {
				t.Fatalf("written %d of %d", w.Written(), n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := generated(bulkRows+1, root)
		id, err := FindByIDNumber(ctx, d, keys, want.IDNumber)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Get(ctx, d, keys, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.OrgID != branch || got.Name != want.Name || got.Pinyin != want.Pinyin || got.Phone != want.Phone || got.Version != 1 {
			t.Fatalf("stored %+v, want %+v in org %d", got, want, branch)
		}
		var count int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons WHERE org_id = ?", branch).Scan(&count); err != nil || count != n {
			t.Fatalf("count %d, %v", count, err)
		}
	})
}

func TestInserterRefusesDuplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		org, _ := addOrg(t, d, 0, "市局党委")
		p := generated(1, org)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			w := NewInserter(tx)
			defer w.Close()
			for range 2 {
				if err := w.Add(ctx, NewRow(keys, &p)); err != nil {
					return err
				}
			}
			return w.Flush(ctx)
		})
		if !errors.Is(err, ErrDuplicateID) {
			t.Fatalf("duplicate in one batch: %v", err)
		}
		var count int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons").Scan(&count); err != nil || count != 0 {
			t.Fatalf("rolled back: %d, %v", count, err)
		}
	})
}
