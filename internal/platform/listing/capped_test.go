package listing_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/listing"
)

// A count is exact up to the cap and "10,000+" beyond; a count over the cap
// is remembered for a minute (still "10,000+" after rows went), one under
// it is always taken afresh.
func TestCappedCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := time.Now() // the minute passes only when the test says so
		defer listing.SetClock(func() time.Time { return clock })()
		ctx := context.Background()
		rows := make([][]any, listing.TotalCap+5)
		for i := range rows {
			rows[i] = []any{"capped." + strconv.Itoa(i), "v", 0}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for len(rows) > 0 {
				n := min(len(rows), 300)
				if err := db.InsertRows(ctx, tx, "settings (key, value, updated_at)", rows[:n]); err != nil {
					return err
				}
				rows = rows[n:]
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, few := "SELECT key FROM settings WHERE key >= ? AND key < ?", "SELECT key FROM settings WHERE key IN (?, ?)"
		count := func(q string, args ...any) listing.Total {
			t.Helper()
			n, err := listing.Capped(ctx, d, q, args)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(all, "capped.", "capped/"); n != (listing.Total{N: listing.TotalCap}) || n.String() != "10,000+" {
			t.Fatalf("over the cap: %+v %s", n, n)
		}
		if n := count(few, "capped.1", "capped.2"); n != (listing.Total{N: 2, Exact: true}) || n.String() != "2" {
			t.Fatalf("under the cap: %+v %s", n, n)
		}
		if _, err := d.ExecContext(ctx, "DELETE FROM settings WHERE key >= ? AND key < ?", "capped.1", "capped/"); err != nil {
			t.Fatal(err)
		}
		if n := count(few, "capped.1", "capped.2"); n != (listing.Total{N: 0, Exact: true}) {
			t.Fatalf("under the cap, after the delete: %+v", n)
		}
		if n := count(all, "capped.", "capped/"); n != (listing.Total{N: listing.TotalCap}) {
			t.Fatalf("within the minute: %+v", n)
		}
		clock = clock.Add(time.Minute)
		if n := count(all, "capped.", "capped/"); n != (listing.Total{N: 1, Exact: true}) {
			t.Fatalf("a minute later: %+v", n)
		}
	})
}
