package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/fail"
)

func TestChainDetectsTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{ID: 1, Name: "shiju", IP: "10.0.0.1"})
		l := audit.New([]byte("0123456789abcdef0123456789abcdef"))
		for i := 0; i < 5; i++ {
			if err := l.Record(ctx, d, audit.Event{Action: "member.update", ObjectType: "person", ObjectID: "7", Detail: audit.Change{Before: i, After: i + 1}}); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := l.Verify(ctx, d)
		if err != nil || !rep.Intact() || rep.Broken != 0 || rep.Checked != 5 || rep.Head != 5 {
			t.Fatalf("intact chain: %+v, %v", rep, err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE audit_log SET actor = 'someone' WHERE id = 3"); err != nil {
			t.Fatal(err)
		}
		if rep, _ := l.Verify(ctx, d); rep.Broken != 3 || rep.Intact() {
			t.Fatalf("edited row 3: %+v", rep)
		}
		// A deleted row breaks the link of the row after it.
		d2 := dbtest.SQLite(t)
		for i := 0; i < 4; i++ {
			l.Record(ctx, d2, audit.Event{Action: "x"})
		}
		d2.ExecContext(ctx, "DELETE FROM audit_log WHERE id = 2")
		if rep, _ := l.Verify(ctx, d2); rep.Broken != 3 || rep.Intact() {
			t.Fatalf("deleted row 2: %+v", rep)
		}
		recs, total, err := audit.Search(ctx, d, audit.Filter{Action: "member."})
		if err != nil || total != 5 || len(recs) != 5 || recs[0].IP != "10.0.0.1" {
			t.Fatalf("search: %d %d %v", total, len(recs), err)
		}
		if recs, total, err := audit.Search(ctx, d, audit.Filter{Action: "member.", Page: 2, PerPage: 2}); err != nil || total != 5 || len(recs) != 2 || recs[0].ID != 3 {
			t.Fatalf("second page of two: %d %v %v", total, recs, err)
		}
		// A page out of range is refused, never read as another.
		for _, f := range []audit.Filter{{Page: 1, PerPage: 500}, {Page: 0, PerPage: 50}, {Page: 1, PerPage: -1}} {
			var fe *fail.Error
			if _, _, err := audit.Search(ctx, d, f); !errors.As(err, &fe) || fe.Kind != fail.KindNotAllowed {
				t.Errorf("page %d of %d: %v", f.Page, f.PerPage, err)
			}
		}
	})
}

func TestPurgeKeepsRetentionAndChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New([]byte("0123456789abcdef0123456789abcdef"))
		now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		l.SetClock(func() time.Time { return now })
		for _, age := range []int{400, 300, 200, 100, 10} {
			now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -age)
			if err := l.Record(ctx, d, audit.Event{Action: "x", Detail: age}); err != nil {
				t.Fatal(err)
			}
		}
		now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		if _, err := l.Purge(ctx, d, now.AddDate(0, 0, -150)); err == nil {
			t.Fatal("purge of records younger than 180 days allowed")
		}
		n, err := l.Purge(ctx, d, now.AddDate(0, 0, -180))
		if err != nil || n != 3 {
			t.Fatalf("purged %d, %v", n, err)
		}
		var left int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&left)
		if left != 3 { // the 100- and 10-day records and the purge record
			t.Fatalf("%d records left", left)
		}
		if rep, err := l.Verify(ctx, d); !rep.Intact() || err != nil || rep.Anchor != 3 {
			t.Fatalf("chain after purge: %+v, %v", rep, err)
		}
		d.ExecContext(ctx, "DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)")
		if rep, _ := l.Verify(ctx, d); rep.Broken == 0 || rep.Intact() {
			t.Fatal("deleting the first record after the anchor went unnoticed")
		}
	})
}
