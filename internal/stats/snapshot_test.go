package stats

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// Between sweeps a view reads only rows stamped after the newest one seen
// (before the view's own millisecond); a write that committed late, stamped
// before that, shows within a sweep.
func TestSnapshotSeesLateCommitsAtTheNextSweep(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, b := twoPeople(t, d)
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
		status := func(now, id int64) uint16 { t.Helper(); return statusAt(t, ctx, d, &s, now, id) }
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
		// Two writes in the millisecond of a view, the second committed
		// after it: the next view sees it, not the next sweep.
		at := t0 + sweepEvery + 350
		stamp(a, at, "full")
		if got := status(at, a); got != full {
			t.Fatalf("a write of the view's millisecond: status %d, want %d", got, full)
		}
		stamp(b, at, "full")
		if got := status(at+1, b); got != full {
			t.Fatalf("another write of that millisecond, committed after the view: status %d, want %d", got, full)
		}
	})
}

// A long transaction (an import) stamps its rows long before it commits:
// unannounced, a sweep misses them; announced with LateWrite, the next view
// reads them, and a saved snapshot keeps the announcement taken.
// twoPeople adds a branch with two people and returns their ids.
func twoPeople(t *testing.T, d *db.DB) (a, b int64) {
	org := dbtest.AddOrg(t, d, dbtest.Org{Name: "甲支部", Kind: "branch"})
	return dbtest.AddPerson(t, d, dbtest.Person{Org: org, Name: "甲"}), dbtest.AddPerson(t, d, dbtest.Person{Org: org, Name: "乙"})
}

// statusAt is the person's status code in s after a sweep at now.
func statusAt(t *testing.T, ctx context.Context, d *db.DB, s *snapshot, now, id int64) uint16 {
	t.Helper()
	if err := s.refresh(ctx, d, now); err != nil {
		t.Fatal(err)
	}
	if id >= int64(len(s.tab.people)) || s.tab.people[id].place == 0 {
		t.Fatalf("person %d missing", id)
	}
	return s.tab.people[id].status()
}

func TestLongTransactionShowsAtItsCommit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, b := twoPeople(t, d)
		t0 := time.Now().UnixMilli()
		began := t0 - 5*overlap // the transaction began five minutes ago
		write := func(id int64, announce bool) {
			t.Helper()
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(ctx, "UPDATE persons SET status = 'probationary', updated_at = ? WHERE id = ?", began, id); err != nil {
					return err
				}
				if !announce {
					return nil
				}
				return LateWrite(ctx, tx, began, time.Now())
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []int64{a, b} {
			if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE persons SET status = 'full', updated_at = ? WHERE id = ?"), t0-1000, id); err != nil {
				t.Fatal(err)
			}
		}
		var s snapshot
		if err := s.refresh(ctx, d, t0); err != nil {
			t.Fatal(err)
		}
		status := func(now, id int64) uint16 { t.Helper(); return statusAt(t, ctx, d, &s, now, id) }
		full, prob := codes[0]["full"], codes[0]["probationary"]
		write(a, false)
		if got := status(t0+sweepEvery+100, a); got != full {
			t.Fatalf("an unannounced late commit was seen (status %d): the test shows nothing", got)
		}
		write(b, true)
		if got := status(t0+sweepEvery+200, b); got != prob { // between sweeps
			t.Fatalf("an announced late commit: status %d, want %d", got, prob)
		}
		if len(s.late) != 1 {
			t.Fatalf("%d announcements taken, want 1", len(s.late))
		}
		if err := s.save(ctx, d, time.Now()); err != nil {
			t.Fatal(err)
		}
		var restarted snapshot
		if ok, err := restarted.restore(ctx, d); err != nil || !ok {
			t.Fatalf("restore: %v %v", ok, err)
		}
		if !maps.Equal(restarted.late, s.late) {
			t.Fatalf("restored announcements taken %v, saved %v", restarted.late, s.late)
		}
	})
}

// Views that arrive together on a fresh service share one full load, and
// after Warm (what the server runs at start) the first view loads nothing.
func TestFirstViewsShareOneLoad(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		branch, path := addBranch(t, d)
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

// The tallies kept through refreshes equal those of a fresh full load after
// every round of writes (a person's status, category, gender, education,
// ethnicity, birth date and organisation; new people; an organisation's kind
// and dissolution; new organisations), for every subtree, today and on a
// later day (when the age bands move): a view never counts from a tally that
// a write should have changed.
func TestTalliesFollowEveryWrite(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root := dbtest.AddOrg(t, d, dbtest.Org{Name: "市局党委", Kind: "committee"})
		a := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "甲分局党委", Kind: "committee"})
		b := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "乙分局党委", Kind: "committee"})
		branches := []int64{
			dbtest.AddOrg(t, d, dbtest.Org{Parent: a, Name: "甲一支部", Kind: "branch"}),
			dbtest.AddOrg(t, d, dbtest.Org{Parent: a, Name: "甲二支部", Kind: "branch"}),
			dbtest.AddOrg(t, d, dbtest.Org{Parent: b, Name: "乙一支部", Kind: "branch"}),
		}
		var subtrees []scope.Subtree
		for _, id := range append([]int64{root, a, b}, branches...) {
			var path string
			if err := d.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&path); err != nil {
				t.Fatal(err)
			}
			subtrees = append(subtrees, scope.Under(path))
		}
		rnd := rand.New(rand.NewPCG(1, 2))
		pick := func(xs []string) string { return xs[rnd.IntN(len(xs))] }
		values := func() []any {
			birth := fmt.Sprintf("%d-%02d-%02d", 1950+rnd.IntN(55), 1+rnd.IntN(12), 1+rnd.IntN(28))
			if rnd.IntN(10) == 0 {
				birth = ""
			}
			org := branches[rnd.IntN(len(branches))]
			return []any{org, org, pick(member.Statuses), pick(member.Categories), pick(member.Genders), pick(member.Educations),
				pick([]string{"汉族", "汉族", "回族", ""}), birth}
		}
		const set = "org_id = ?, org_path = (SELECT path FROM orgs WHERE id = ?), status = ?, category = ?, gender = ?, education = ?, ethnicity = ?, birth_date = NULLIF(?, '')"
		var ids []int64
		add := func(at int64) {
			id := dbtest.AddPerson(t, d, dbtest.Person{Org: branches[0], Name: "某"})
			ids = append(ids, id)
			if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE persons SET "+set+", updated_at = ? WHERE id = ?"), append(values(), at, id)...); err != nil {
				t.Fatal(err)
			}
		}
		t0 := time.Now().UnixMilli()
		for range 30 {
			add(t0)
		}
		s := &Service{DB: d, Now: time.Now}
		if err := s.snap.refresh(ctx, d, t0); err != nil {
			t.Fatal(err)
		}
		today := civil.Today(time.Now())
		later := today.AddYears(3)
		before := make([]tally, len(subtrees))
		for round := int64(1); round <= 6; round++ {
			at := t0 + round
			for range 8 {
				id := ids[rnd.IntN(len(ids))]
				if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE persons SET "+set+", updated_at = ? WHERE id = ?"), append(values(), at, id)...); err != nil {
					t.Fatal(err)
				}
			}
			add(at)
			// and the organisations: a kind changed, one dissolved or
			// restored, a new one.
			for _, id := range branches[:2] {
				dissolved := any(nil)
				if rnd.IntN(2) == 0 {
					dissolved = "2026-01-01"
				}
				if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE orgs SET kind = ?, dissolved_on = ?, updated_at = ? WHERE id = ?"),
					pick([]string{"branch", "general", "joint"}), dissolved, at, id); err != nil {
					t.Fatal(err)
				}
			}
			dbtest.AddOrg(t, d, dbtest.Org{Parent: []int64{a, b}[rnd.IntN(2)], Name: "新党小组", Kind: pick([]string{"group", "temp_branch"})})
			if err := s.snap.refresh(ctx, d, at); err != nil {
				t.Fatal(err)
			}
			var fresh snapshot
			if err := fresh.reload(ctx, d); err != nil {
				t.Fatal(err)
			}
			changed := false
			for i, sc := range subtrees {
				got, want := s.snap.count(sc, today), fresh.count(sc, today)
				if got != want {
					t.Fatalf("round %d, %s: kept %+v, fresh load %+v", round, sc.Root(), got, want)
				}
				changed = changed || want != before[i]
				before[i] = want
			}
			if round > 1 && !changed {
				t.Fatalf("round %d changed no figure: the test checks nothing", round)
			}
		}
		// A later day counts everyone again into the moved age bands.
		var fresh snapshot
		if err := fresh.reload(ctx, d); err != nil {
			t.Fatal(err)
		}
		for _, sc := range subtrees {
			if got, want := s.snap.count(sc, later), fresh.count(sc, later); got != want {
				t.Fatalf("%s on %s: kept %+v, fresh load %+v", sc.Root(), later, got, want)
			}
		}
		if s.snap.count(subtrees[0], later).party == before[0].party {
			t.Fatal("no one changed age band three years later: the test checks nothing")
		}
	})
}

// A restarted service counts from the saved snapshot and the rows changed
// since it was saved, as a fresh load would, then loads afresh in Warm; a
// snapshot saved with other codes, or cut short, is not taken.
func TestSavedSnapshotRestores(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root := dbtest.AddOrg(t, d, dbtest.Org{Name: "市局党委", Kind: "committee"})
		branch := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "甲支部", Kind: "branch"})
		var ids []int64
		for range 3 {
			ids = append(ids, dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "甲", Status: "full", BirthDate: "1990-05-01"}))
		}
		// An id far up makes the snapshot (8 bytes per id) run over
		// several rows; new ids follow it, as they follow every id.
		if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE persons SET id = 20000 WHERE id = ?"), ids[2]); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.Postgres {
			if _, err := d.W.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('persons', 'id'), 20000)"); err != nil {
				t.Fatal(err)
			}
		}
		var path string
		if err := d.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", root).Scan(&path); err != nil {
			t.Fatal(err)
		}
		sc, today := scope.Under(path), civil.Today(time.Now())

		first := &Service{DB: d, Now: time.Now}
		if err := first.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		if err := first.Save(ctx); err != nil {
			t.Fatal(err)
		}
		var parts int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM stats_snapshot").Scan(&parts); err != nil || parts < 2 {
			t.Fatalf("saved in %d parts (%v), want several", parts, err)
		}
		saved := first.snap.count(sc, today)
		if _, err := d.W.ExecContext(ctx, d.Rebind("UPDATE persons SET status = 'probationary', updated_at = ? WHERE id = ?"), time.Now().UnixMilli(), ids[0]); err != nil {
			t.Fatal(err)
		}
		dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "乙", Status: "full"})
		dbtest.AddOrg(t, d, dbtest.Org{Parent: branch, Name: "第一党小组", Kind: "group"})

		var fresh snapshot
		if err := fresh.reload(ctx, d); err != nil {
			t.Fatal(err)
		}
		want := fresh.count(sc, today)
		if want == saved {
			t.Fatal("the writes changed no figure: the test checks nothing")
		}
		var restarted snapshot
		if ok, err := restarted.restore(ctx, d); err != nil || !ok {
			t.Fatalf("restore: %v %v", ok, err)
		}
		// The time of the full load comes with it: a snapshot whose load
		// is older than reloadEvery is loaded afresh in the background.
		if got, want := restarted.loadedAt.UnixMilli(), first.snap.loadedAt.UnixMilli(); got != want {
			t.Fatalf("restored with its full load at %d, saved %d", got, want)
		}
		if err := restarted.refresh(ctx, d, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if got := restarted.count(sc, today); got != want || restarted.loads != 0 {
			t.Fatalf("restored and refreshed (%d full loads): %+v, a fresh load %+v", restarted.loads, got, want)
		}

		warmed := &Service{DB: d, Now: time.Now}
		if err := warmed.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		if got := warmed.snap.count(sc, today); got != want || warmed.snap.loads != 1 {
			t.Fatalf("Warm from the saved snapshot (%d full loads): %+v, want %+v", warmed.snap.loads, got, want)
		}

		b, err := readSaved(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][]byte{append([]byte{b[0] ^ 1}, b[1:]...), b[:len(b)-3]} {
			if _, err := d.W.ExecContext(ctx, "DELETE FROM stats_snapshot"); err != nil {
				t.Fatal(err)
			}
			if _, err := d.W.ExecContext(ctx, d.Rebind("INSERT INTO stats_snapshot (saved_at, data) VALUES (0, ?)"), bad); err != nil {
				t.Fatal(err)
			}
			var s snapshot
			if ok, err := s.restore(ctx, d); ok || err != nil {
				t.Fatalf("a foreign or short snapshot was taken: %v %v", ok, err)
			}
		}
	})
}

// With nothing saved, Warm saves its full load at once; Keep (what the demo
// generator and a large import run when done) saves a snapshot that holds
// the rows written since the last one, so that a start counts from it.
func TestBulkWritersLeaveTheSnapshotSaved(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		branch, path := addBranch(t, d)
		sc, today := scope.Under(path), civil.Today(time.Now())
		add := func(n int) {
			for range n {
				dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "甲", Status: "full"})
			}
		}
		// saved is the saved snapshot's figures as taken at a start,
		// before it reads any row changed since.
		saved := func() tally {
			t.Helper()
			var s snapshot
			if ok, err := s.restore(ctx, d); err != nil || !ok {
				t.Fatalf("nothing saved: %v", err)
			}
			return s.count(sc, today)
		}
		fresh := func() tally {
			t.Helper()
			var s snapshot
			if err := s.reload(ctx, d); err != nil {
				t.Fatal(err)
			}
			return s.count(sc, today)
		}
		add(3)
		if err := (&Service{DB: d, Now: time.Now}).Warm(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := saved(), fresh(); got != want || got.status[fullCode] != 3 {
			t.Fatalf("saved by Warm: %+v, want %+v", got, want)
		}
		add(2)
		if err := Keep(ctx, d, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, want := saved(), fresh(); got != want || got.status[fullCode] != 5 {
			t.Fatalf("saved by Keep: %+v, want %+v", got, want)
		}
	})
}

// A table no view used for idleAfter is let go; the next view takes the
// saved snapshot and the rows changed since, without a full load.
func TestIdleTableIsDroppedAndTakenBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		branch, path := addBranch(t, d)
		dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "甲", Status: "full"})
		s := &Service{DB: d, Now: time.Now}
		view := func() int {
			t.Helper()
			got, err := s.Dashboard(ctx, branch, "甲支部", path)
			if err != nil {
				t.Fatal(err)
			}
			return got.Members
		}
		if got := view(); got != 1 {
			t.Fatalf("党员 %d, want 1", got)
		}
		if err := s.Save(ctx); err != nil {
			t.Fatal(err)
		}
		s.snap.dropIfIdle()
		if s.snap.empty() {
			t.Fatal("dropped the table a view used just now")
		}
		s.snap.mu.Lock()
		s.snap.used = time.Now().Add(-idleAfter)
		s.snap.mu.Unlock()
		s.snap.dropIfIdle()
		if !s.snap.empty() {
			t.Fatal("kept the table after idleAfter without a view")
		}
		dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "乙", Status: "full"})
		if got := view(); got != 2 || s.snap.loads != 1 {
			t.Fatalf("after the drop: 党员 %d (want 2), %d full loads (want 1: the saved snapshot taken back)", got, s.snap.loads)
		}
	})
}

// addBranch adds the branch 甲支部 and answers its id and path.
func addBranch(t *testing.T, d *db.DB) (int64, string) {
	t.Helper()
	branch := dbtest.AddOrg(t, d, dbtest.Org{Name: "甲支部", Kind: "branch"})
	var path string
	if err := d.QueryRowContext(context.Background(), "SELECT path FROM orgs WHERE id = ?", branch).Scan(&path); err != nil {
		t.Fatal(err)
	}
	return branch, path
}
