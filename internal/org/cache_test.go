package org_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"hongdun/internal/org"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// TestReadOrgsFollowsWrites reads the tree through two handles on one
// database (two instances) after each kind of write of orgs through the
// first — an organisation added, renamed, moved, dissolved, deleted, and a
// transaction rolled back — and compares what ReadOrgs gives, kept in
// memory, with the table read afresh.
func TestReadOrgsFollowsWrites(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, one, two *db.DB) {
		root := dbtest.AddOrg(t, one, dbtest.Org{Name: "市公安局党委", Kind: org.Committee})
		a := dbtest.AddOrg(t, one, dbtest.Org{Parent: root, Name: "甲分局党委", Kind: org.Committee})
		b := dbtest.AddOrg(t, one, dbtest.Org{Parent: root, Name: "乙分局党委", Kind: org.Committee})
		path := func(id int64) string {
			var p string
			if err := one.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		agree := func(step string) {
			t.Helper()
			for _, sub := range []scope.Subtree{scope.All(), scope.Under(path(a)), scope.Under(path(b))} {
				want, err := org.Subtree(ctx, one, sub)
				if err != nil {
					t.Fatal(err)
				}
				for i, d := range []*db.DB{one, two} {
					got, err := org.ReadOrgs(ctx, d, sub)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got.List, want) || len(got.ByID) != len(want) {
						t.Errorf("%s, %s, handle %d: ReadOrgs %v, the table %v", step, sub.Root(), i+1, got.List, want)
					}
					// The pickers, from the kept tree, as the table has them.
					var wantOpts []org.Option
					if err := db.Consistent(ctx, one, func(q db.Querier) (err error) { wantOpts, err = org.Options(ctx, q, sub); return }); err != nil {
						t.Fatal(err)
					}
					opts, err := org.Options(ctx, d, sub)
					if err != nil || !reflect.DeepEqual(opts, wantOpts) {
						t.Errorf("%s, %s, handle %d: Options %v (%v), the table %v", step, sub.Root(), i+1, opts, err, wantOpts)
					}
					w, args := sub.Where("path")
					order, err := db.IDs(ctx, one, "SELECT id FROM orgs WHERE "+w+" AND dissolved_on IS NULL ORDER BY path", args...)
					if err != nil {
						t.Fatal(err)
					}
					var ids []int64
					for _, o := range opts {
						ids = append(ids, o.ID)
					}
					if !slices.Equal(ids, order) {
						t.Errorf("%s, %s: Options in the order %v, the table's %v", step, sub.Root(), ids, order)
					}
				}
			}
		}
		agree("added")
		branch := dbtest.AddOrg(t, one, dbtest.Org{Parent: a, Name: "城关派出所党支部", Kind: org.Branch})
		agree("a branch added")
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := one.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec("UPDATE orgs SET name = '城东派出所党支部' WHERE id = ?", branch)
		agree("renamed")
		exec("UPDATE orgs SET parent_id = ?, path = ? WHERE id = ?", b, fmt.Sprintf("%s%d/", path(b), branch), branch)
		agree("moved")
		exec("UPDATE orgs SET dissolved_on = '2026-01-01' WHERE id = ?", branch)
		agree("dissolved")
		undone := errors.New("undone")
		if err := one.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE orgs SET name = '未提交' WHERE id = ?", a); err != nil {
				return err
			}
			agree("renamed, not committed")
			return undone
		}); !errors.Is(err, undone) {
			t.Fatal(err)
		}
		agree("rolled back")
		exec("DELETE FROM orgs WHERE id = ?", branch)
		agree("deleted")
	}
	t.Run("sqlite", func(t *testing.T) {
		one := dbtest.SQLite(t)
		two, err := db.Open(ctx, "", filepath.Dir(one.Path))
		if err != nil {
			t.Fatal(err)
		}
		defer two.Close()
		run(t, one, two)
	})
	if os.Getenv("TEST_PG_DSN") != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn := dbtest.PostgresDSN(t)
			var handles []*db.DB
			for range 2 {
				d, err := db.Open(ctx, dsn, "")
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				handles = append(handles, d)
			}
			run(t, handles[0], handles[1])
		})
	}
}
