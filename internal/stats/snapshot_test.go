package stats

import (
	"context"
	"sync"
	"testing"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// Between sweeps a view reads only rows stamped after the newest one seen;
// a write that committed late, stamped before that, shows within a sweep.
func TestSnapshotSeesLateCommitsAtTheNextSweep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org := dbtest.AddOrg(t, d, dbtest.Org{Name: "甲支部", Kind: "branch"})
		a := dbtest.AddPerson(t, d, dbtest.Person{Org: org, Name: "甲"})
		b := dbtest.AddPerson(t, d, dbtest.Person{Org: org, Name: "乙"})
		t0 := time.Now().UnixMilli()
		stamp := func(id, at int64, status string) {
			if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE persons SET status = ?, updated_at = ? WHERE id = ?"), status, at, id); err != nil {
				t.Fatal(err)
			}
		}
		stamp(a, t0-1000, "full")
		stamp(b, t0-1000, "full")
		var s snapshot
		if err := s.refresh(ctx, d, t0); err != nil {
			t.Fatal(err)
		}
		status := func(now, id int64) uint8 {
			t.Helper()
			if err := s.refresh(ctx, d, now); err != nil {
				t.Fatal(err)
			}
			for _, p := range s.people {
				if p.id == id {
					return p.status
				}
			}
			t.Fatalf("person %d missing", id)
			return 0
		}
		full, prob := codes[0]["full"], codes[0]["probationary"]
		if full == 0 || prob == 0 {
			t.Fatal("status codes missing")
		}
		stamp(a, t0+100, "probationary") // an ordinary write: seen at once
		if got := status(t0+200, a); got != prob {
			t.Fatalf("a fresh write: status %d, want %d", got, prob)
		}
		stamp(b, t0-30_000, "probationary") // began 30 s ago, committed now
		if got := status(t0+300, b); got != full {
			t.Fatalf("between sweeps the late commit was re-read (status %d): every view would re-read the last minute", got)
		}
		if got := status(t0+sweepEvery+300, b); got != prob {
			t.Fatalf("after a sweep: status %d, want %d", got, prob)
		}
	})
}

// Views that arrive together on a fresh service share one full load, and
// after Warm (what the server runs at start) the first view loads nothing.
func TestFirstViewsShareOneLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		branch := dbtest.AddOrg(t, d, dbtest.Org{Name: "甲支部", Kind: "branch"})
		var path string
		if err := d.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", branch).Scan(&path); err != nil {
			t.Fatal(err)
		}
		const people = 3
		for range people {
			dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "甲", Status: "full"})
		}
		view := func(s *Service) {
			t.Helper()
			got, err := s.Dashboard(ctx, branch, "甲支部", path)
			if err != nil {
				t.Error(err)
				return
			}
			if got.Members != people {
				t.Errorf("党员 %d, want %d", got.Members, people)
			}
		}

		s := &Service{DB: d, Now: time.Now}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				<-start
				view(s)
			})
		}
		close(start)
		wg.Wait()
		if s.snap.loads != 1 {
			t.Fatalf("8 first views ran %d full loads, want 1", s.snap.loads)
		}

		warmed := &Service{DB: d, Now: time.Now}
		if err := warmed.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		view(warmed)
		if warmed.snap.loads != 1 {
			t.Fatalf("Warm and a view ran %d full loads, want 1", warmed.snap.loads)
		}
	})
}
