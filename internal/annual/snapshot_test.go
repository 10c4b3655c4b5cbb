package annual_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"hongdun/internal/annual"
	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
)

// The snapshot kept between reports, brought up to date after writes made
// through the product (a transfer between 分局, a death, a new member, a
// development step), gives every figure and issue a replay read afresh
// gives, for the whole bureau and for each 分局 concerned, this year and last.
func TestSnapshotAgreesAfterWrites(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.Demo(demo.Options{Seed: 5, Members: 600, History: true})
		root := e.Root()
		// Two 分局 with members, and a branch of the second.
		var bureaus []org.Org
		rows, err := e.DB.QueryContext(ctx, "SELECT DISTINCT p.org_id FROM persons p WHERE p.status = 'full' ORDER BY p.org_id")
		if err != nil {
			t.Fatal(err)
		}
		var branches []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			branches = append(branches, id)
		}
		rows.Close()
		under := map[int64]int64{} // branch → its 分局
		kids, err := org.Subtree(ctx, e.DB, scope.All())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range kids {
			if o.ParentID == root {
				bureaus = append(bureaus, o)
			}
		}
		for _, b := range bureaus {
			sub, err := org.Subtree(ctx, e.DB, scope.Under(b.Path))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range sub {
				under[o.ID] = b.ID
			}
		}
		from, to := branches[0], int64(0)
		for _, b := range branches {
			if under[b] != 0 && under[b] != under[from] {
				to = b
				break
			}
		}
		if to == 0 {
			t.Fatal("the demo has members in one 分局 only")
		}
		subjects := []int64{root, under[from], under[to]}
		today := civil.Today(time.Now())
		reports := func(fresh bool) []any {
			var out []any
			for _, id := range subjects {
				s, err := annual.SubjectOf(ctx, e.DB, scope.All(), id)
				if err != nil {
					t.Fatal(err)
				}
				for _, y := range []int{today.Year() - 1, today.Year()} {
					compute := annual.Compute
					if fresh {
						compute = annual.ComputeFresh
					}
					r, issues, err := compute(ctx, e.DB, s, y, today)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, r, issues)
				}
			}
			return out
		}
		before := reports(false)
		if fresh := reports(true); !reflect.DeepEqual(before, fresh) {
			t.Fatalf("before the writes the snapshot and a fresh replay differ")
		}

		admin := e.Account(auth.OrgAdmin, root, 0)
		pick := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := e.DB.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		event := func(person int64, kind string) {
			t.Helper()
			if st := admin.Do("POST", fmt.Sprintf("/api/v1/members/%d/events", person), map[string]any{"kind": kind, "on_date": today.String()}, nil); st != 201 {
				t.Fatalf("%s: %d %s", kind, st, admin.Body())
			}
		}
		// A transfer from one 分局 to another, sent and received.
		moving := pick("SELECT MIN(id) FROM persons WHERE status = 'full' AND org_id = ?", from)
		var tr struct{ ID, Version int64 }
		if st := admin.Do("POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": moving, "to_org_id": to, "reason": "工作调动"}, &tr); st != 201 {
			t.Fatalf("transfer: %d %s", st, admin.Body())
		}
		for _, action := range []string{"review", "send", "receive"} {
			if st := admin.Do("POST", fmt.Sprintf("/api/v1/transfers/%d/%s", tr.ID, action), map[string]any{"version": tr.Version}, &tr); st != 200 {
				t.Fatalf("%s: %d %s", action, st, admin.Body())
			}
		}
		event(pick("SELECT MIN(id) FROM persons WHERE status = 'full' AND org_id = ? AND id <> ?", from, moving), "death")
		event(pick("SELECT MIN(id) FROM persons WHERE status = 'applicant' AND apply_date < ?", today.AddDays(-180).String()), "activist")
		if st := admin.Do("POST", "/api/v1/members", map[string]any{"org_id": to, "name": "新党员", "id_number": idcard.WithCheckDigit("61010319900307123"),
			"education": "大学本科", "category": "民警", "status": "full", "join_date": "2015-07-01", "full_date": "2016-07-01"}, nil); st != 201 {
			t.Fatalf("new member: %d %s", st, admin.Body())
		}

		after := reports(false)
		if reflect.DeepEqual(before, after) {
			t.Fatal("the writes changed no report")
		}
		if fresh := reports(true); !reflect.DeepEqual(after, fresh) {
			for i := range after {
				if !reflect.DeepEqual(after[i], fresh[i]) {
					t.Errorf("report %d: snapshot\n%+v\nfresh\n%+v", i, after[i], fresh[i])
				}
			}
		}
	})
}

// The snapshot is read when a report first asks for it, and let go when
// no report used it for a while; the next report reads it again.
func TestSnapshotLoadsOnUseAndDropsWhenIdle(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := fx{t, e, context.Background()}
		b := build(f)
		if annual.Held(e.DB) {
			t.Fatal("held before any report")
		}
		s, err := annual.SubjectOf(f.ctx, e.DB, scope.All(), b.R)
		if err != nil {
			t.Fatal(err)
		}
		today := civil.Today(time.Now())
		first, _, err := annual.Compute(f.ctx, e.DB, s, 2025, today)
		if err != nil || !annual.Held(e.DB) {
			t.Fatalf("after a report: held %v, %v", annual.Held(e.DB), err)
		}
		annual.Idle(e.DB)
		if annual.Held(e.DB) {
			t.Fatal("still held when idle")
		}
		again, _, err := annual.Compute(f.ctx, e.DB, s, 2025, today)
		if err != nil || !reflect.DeepEqual(first, again) || !annual.Held(e.DB) {
			t.Fatalf("read again: %v %v\n%+v\n%+v", annual.Held(e.DB), err, first, again)
		}
	})
}

// The first full read stores the history in the database; once the
// snapshot is dropped, the next report starts from that copy (not a full
// read) and the changes made since, and gives every figure and issue a
// replay read afresh gives.
func TestStoredSnapshotServesTheFirstReport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 7, Members: 600, History: true, Password: "Demo-Pass-2026!"}); err != nil {
			t.Fatal(err)
		}
		var root, people int64
		if err := e.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE parent_id IS NULL").Scan(&root); err != nil {
			t.Fatal(err)
		}
		if _, _, ok, err := annual.Stored(ctx, e.DB); ok || err != nil {
			t.Fatalf("a copy before any report: %v %v", ok, err)
		}
		s, err := annual.SubjectOf(ctx, e.DB, scope.All(), root)
		if err != nil {
			t.Fatal(err)
		}
		today := civil.Today(time.Now())
		if _, _, err := annual.Compute(ctx, e.DB, s, today.Year()-1, today); err != nil {
			t.Fatal(err)
		}
		// A report writes nothing; the drop on idle stores what it read.
		if _, _, ok, err := annual.Stored(ctx, e.DB); ok || err != nil {
			t.Fatalf("a copy stored by the report itself: %v %v", ok, err)
		}
		readAt := annual.ReadAt(e.DB)
		annual.Idle(e.DB)
		n, at, ok, err := annual.Stored(ctx, e.DB)
		if err := e.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons").Scan(&people); err != nil {
			t.Fatal(err)
		}
		if !ok || err != nil || int64(n) != people || at.UnixMilli() != readAt.UnixMilli() {
			t.Fatalf("stored when dropped: %v %v, %d of %d people, read at %v (snapshot %v)", ok, err, n, people, at, readAt)
		}

		admin := e.Account(auth.OrgAdmin, root, 0)
		var dying, bureau int64
		if err := e.DB.QueryRowContext(ctx, "SELECT p.id, o.parent_id FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.status = 'full' ORDER BY p.id LIMIT 1").Scan(&dying, &bureau); err != nil {
			t.Fatal(err)
		}
		if st := admin.Do("POST", fmt.Sprintf("/api/v1/members/%d/events", dying), map[string]any{"kind": "death", "on_date": today.String()}, nil); st != 201 {
			t.Fatalf("death: %d %s", st, admin.Body())
		}
		if st := admin.Do("POST", "/api/v1/members", map[string]any{"org_id": bureau, "name": "新党员", "id_number": idcard.WithCheckDigit("61010319900307123"),
			"education": "大学本科", "category": "民警", "status": "full", "join_date": "2015-07-01", "full_date": "2016-07-01"}, nil); st != 201 {
			t.Fatalf("new member: %d %s", st, admin.Body())
		}

		for _, id := range []int64{root, bureau} {
			s, err := annual.SubjectOf(ctx, e.DB, scope.All(), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, y := range []int{today.Year() - 1, today.Year()} {
				r, issues, err := annual.Compute(ctx, e.DB, s, y, today)
				if err != nil {
					t.Fatal(err)
				}
				fr, fissues, err := annual.ComputeFresh(ctx, e.DB, s, y, today)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(r, fr) || !reflect.DeepEqual(issues, fissues) {
					t.Errorf("organisation %d, %d: from the stored copy\n%+v\n%+v\nfresh\n%+v\n%+v", id, y, r, issues, fr, fissues)
				}
			}
		}
		if got := annual.ReadAt(e.DB); got.UnixMilli() != at.UnixMilli() {
			t.Fatalf("the report after the drop read everyone (at %v), not the copy read at %v", got, at)
		}

		// A copy cut short does not decode: the next report reads everyone.
		var part []byte
		if err := e.DB.QueryRowContext(ctx, "SELECT data FROM annual_snapshot WHERE part = 0").Scan(&part); err != nil {
			t.Fatal(err)
		}
		if _, err := e.DB.ExecContext(ctx, "UPDATE annual_snapshot SET data = ? WHERE part = 0", part[:len(part)/2]); err != nil {
			t.Fatal(err)
		}
		annual.Idle(e.DB)
		r, _, err := annual.Compute(ctx, e.DB, s, today.Year(), today)
		if err != nil {
			t.Fatal(err)
		}
		if fr, _, err := annual.ComputeFresh(ctx, e.DB, s, today.Year(), today); err != nil || !reflect.DeepEqual(r, fr) {
			t.Fatalf("after a cut copy: %v\n%+v\n%+v", err, r, fr)
		}
		got := annual.ReadAt(e.DB)
		if got.UnixMilli() == at.UnixMilli() {
			t.Fatal("a cut copy was used")
		}
		// The hourly jobs store the history read whole over the cut copy.
		if err := annual.Keep(ctx, e.DB); err != nil {
			t.Fatal(err)
		}
		if err := e.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons").Scan(&people); err != nil {
			t.Fatal(err)
		}
		if n, at, ok, err := annual.Stored(ctx, e.DB); !ok || err != nil || int64(n) != people || at.UnixMilli() != got.UnixMilli() {
			t.Fatalf("saved by the hourly jobs: %v %v, %d of %d people, read at %v (snapshot %v)", ok, err, n, people, at, got)
		}
	})
}

// The hourly jobs store the history when the database has no copy of the
// current format, before any report asks (a new database, an upgrade that
// changed the format), without holding it: the first report then starts
// from that copy. A copy of the current format is left as it is.
func TestKeepStoresAHistoryBeforeTheFirstReport(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 3, Members: 300, History: true, Password: "Demo-Pass-2026!"}); err != nil {
			t.Fatal(err)
		}
		var root int64
		if err := e.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE parent_id IS NULL").Scan(&root); err != nil {
			t.Fatal(err)
		}
		people := e.Count("SELECT COUNT(*) FROM persons")
		if err := annual.Keep(ctx, e.DB); err != nil {
			t.Fatal(err)
		}
		n, at, ok, err := annual.Stored(ctx, e.DB)
		if !ok || err != nil || n != people || annual.Held(e.DB) {
			t.Fatalf("kept: %v %v, %d of %d people; held afterwards: %v", ok, err, n, people, annual.Held(e.DB))
		}
		s, err := annual.SubjectOf(ctx, e.DB, scope.All(), root)
		if err != nil {
			t.Fatal(err)
		}
		today := civil.Today(time.Now())
		if _, _, err := annual.Compute(ctx, e.DB, s, today.Year(), today); err != nil {
			t.Fatal(err)
		}
		if got := annual.ReadAt(e.DB); got.UnixMilli() != at.UnixMilli() {
			t.Fatalf("the first report read everyone (at %v), not the copy kept at %v", got, at)
		}
		annual.Idle(e.DB)

		// A copy of the current format stays; one of another is replaced.
		if err := annual.Keep(ctx, e.DB); err != nil {
			t.Fatal(err)
		}
		if _, again, _, _ := annual.Stored(ctx, e.DB); !again.Equal(at) {
			t.Fatalf("a copy of the current format was replaced (read at %v, now %v)", at, again)
		}
		e.Exec("UPDATE annual_snapshot SET data = ? WHERE part = 0", []byte{0x7f})
		if err := annual.Keep(ctx, e.DB); err != nil {
			t.Fatal(err)
		}
		if n, again, ok, err := annual.Stored(ctx, e.DB); !ok || err != nil || n != people || again.Equal(at) {
			t.Fatalf("a copy of another format: %v %v, %d of %d people, read at %v (was %v)", ok, err, n, people, again, at)
		}
	})
}
