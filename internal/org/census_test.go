package org_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// The counts taken from the dashboard's snapshot (the app's core.Census)
// are the table's after every kind of write: a person added, moved to
// another organisation, their status changed, an organisation moved with
// its people, a roster imported (one transaction that creates
// organisations and people).
func TestCensusCountsAreTheTables(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.Bureau()
		for i, st := range []string{"full", "full", "probationary", "candidate", "activist", "masses"} {
			e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("甲%d", i), Status: st})
			e.Person(dbtest.Person{Org: b.BBranch, Name: fmt.Sprintf("乙%d", i), Status: st})
		}
		admin := e.Account(auth.OrgAdmin, b.Root, 0)
		agree := func(after string) { t.Helper(); censusAgrees(t, e, b.A, after) }
		agree("the start")

		var p struct{ ID int64 }
		admin.Expect(201, "POST", "/api/v1/members", map[string]any{"org_id": b.ABranch, "name": "新党员", "gender": "女", "birth_date": "1990-05-01", "status": "probationary",
			"join_date": time.Now().AddDate(0, -1, 0).Format(time.DateOnly)}, &p)
		agree("a person added")
		events := fmt.Sprintf("/api/v1/members/%d/events", p.ID)
		admin.Expect(201, "POST", events, map[string]any{"kind": "transfer_out", "on_date": time.Now().Format(time.DateOnly)}, nil)
		agree("a status changed")
		admin.Expect(201, "POST", events, map[string]any{"kind": "transfer_in", "on_date": time.Now().Format(time.DateOnly), "org_id": b.BBranch}, nil)
		agree("a person moved")
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", b.BBranch), map[string]any{"parent_id": b.A}, nil)
		agree("an organisation moved")

		roster, err := os.ReadFile("../../testdata/roster-clean/roster.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		var j importer.Job
		if st := admin.Upload("/api/v1/imports", "file", "花名册.xlsx", roster, &j); st != 202 {
			t.Fatalf("upload: %d %s", st, admin.Body())
		}
		for deadline := time.Now().Add(time.Minute); j.Running(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("import still %s", j.State)
			}
			admin.Expect(200, "GET", fmt.Sprintf("/api/v1/imports/%d", j.ID), nil, &j)
		}
		if j.State != importer.Done || j.Counts.Inserted == 0 {
			t.Fatalf("import: %+v", j)
		}
		agree("an import")
	})
}

// censusAgrees fails t unless the counts taken from the census are the
// table's, for the whole bureau and under the organisation under.
func censusAgrees(t *testing.T, e *apptest.Env, under int64, after string) {
	t.Helper()
	ctx := context.Background()
	var path string
	if err := e.DB.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", under).Scan(&path); err != nil {
		t.Fatal(err)
	}
	for _, sc := range []scope.Subtree{scope.All(), scope.Under(path)} {
		counts := func(census bool) map[int64]org.MemberCounts {
			tree, err := org.ReadOrgs(ctx, e.DB, sc)
			if err != nil {
				t.Fatal(err)
			}
			if census {
				tree.Census = e.App.Census
			}
			c, err := org.Counts(ctx, e.DB, tree)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if got, want := counts(true), counts(false); !reflect.DeepEqual(got, want) {
			t.Errorf("after %s, under %s: the census counts\n%v\nthe table\n%v", after, sc.Root(), got, want)
		}
	}
}

// The census reads again the rows stamped since its last look. Tests fix
// the application's clock in the past; the writes of persons and
// organisations stamp the wall clock all the same, so that what is written
// after a look stamped with the wall clock is counted.
func TestCensusFollowsWritesUnderAFixedClock(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		for i := range 3 {
			e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("甲%d", i)})
			e.Person(dbtest.Person{Org: b.BBranch, Name: fmt.Sprintf("乙%d", i)})
		}
		admin := e.Account(auth.OrgAdmin, b.Root, 0)
		var p struct{ ID int64 }
		admin.Expect(201, "POST", "/api/v1/members", map[string]any{"org_id": b.ABranch, "name": "新党员", "gender": "女", "birth_date": "1990-05-01",
			"status": "full", "join_date": "2020-05-01", "full_date": "2021-05-01"}, &p)
		censusAgrees(t, e, b.A, "a person added")
		admin.Expect(200, "POST", fmt.Sprintf("/api/v1/orgs/%d/move", b.BBranch), map[string]any{"parent_id": b.A}, nil)
		censusAgrees(t, e, b.A, "an organisation moved under a fixed clock")
		admin.Expect(201, "POST", fmt.Sprintf("/api/v1/members/%d/events", p.ID), map[string]any{"kind": "transfer_out", "on_date": "2026-05-20"}, nil)
		censusAgrees(t, e, b.A, "a status changed under a fixed clock")
	})
}
