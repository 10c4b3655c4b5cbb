package db_test

import (
	"context"
	"maps"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// A year reads the latest year set up to it, else the defaults; Set gives
// the year its own rows and leaves the other years and bureaus alone.
func TestYearlyInheritsAndReplaces(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.W.ExecContext(ctx, "CREATE TABLE yearly_t (bureau_id BIGINT NOT NULL, year INTEGER NOT NULL, k TEXT NOT NULL, v INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		y := db.Yearly[int]{Table: "yearly_t", Key: "k", Value: "v"}
		defaults := func() map[string]int { return map[string]int{"a": 1, "b": 2} }
		set := func(bureau int64, year int, in map[string]int) (before, after map[string]int) {
			t.Helper()
			err := d.InTx(ctx, func(tx *db.Tx) (err error) {
				before, after, err = y.Set(ctx, tx, bureau, year, defaults(), in)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return before, after
		}
		check := func(bureau int64, year int, want map[string]int, wantSet bool) {
			t.Helper()
			got, own, err := y.Of(ctx, d, bureau, year, defaults())
			if err != nil || !maps.Equal(got, want) || own != wantSet {
				t.Fatalf("bureau %d %d: %v %v %v, want %v %v", bureau, year, got, own, err, want, wantSet)
			}
		}
		check(1, 2026, map[string]int{"a": 1, "b": 2}, false)
		before, after := set(1, 2025, map[string]int{"a": 5})
		if !maps.Equal(before, map[string]int{"a": 1, "b": 2}) || !maps.Equal(after, map[string]int{"a": 5, "b": 2}) {
			t.Fatalf("set 2025: before %v after %v", before, after)
		}
		check(1, 2024, map[string]int{"a": 1, "b": 2}, false)
		check(1, 2025, map[string]int{"a": 5, "b": 2}, true)
		check(1, 2026, map[string]int{"a": 5, "b": 2}, false) // inherited
		check(2, 2026, map[string]int{"a": 1, "b": 2}, false) // another bureau
		before, after = set(1, 2026, map[string]int{"b": 7})
		if !maps.Equal(before, map[string]int{"a": 5, "b": 2}) || !maps.Equal(after, map[string]int{"a": 5, "b": 7}) {
			t.Fatalf("set 2026: before %v after %v", before, after)
		}
		set(1, 2026, map[string]int{"a": 6}) // replaced, not added to
		check(1, 2026, map[string]int{"a": 6, "b": 7}, true)
		check(1, 2025, map[string]int{"a": 5, "b": 2}, true)
		if _, err := d.W.ExecContext(ctx, "INSERT INTO yearly_t (bureau_id, year, k, v) VALUES (1, 2027, 'gone', 9)"); err != nil {
			t.Fatal(err)
		}
		check(1, 2027, map[string]int{"a": 1, "b": 2}, true) // a key no longer known is passed over
	})
}
