package exam

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// A year's exam results by person and by organisation: handed-in 考试
// attempts only, their average in percent of the full score.
func TestResultsOfAYear(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root := dbtest.AddOrg(t, d, dbtest.Org{Name: "市局党委", Kind: "committee"})
		branch := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "一支部", Kind: "branch"})
		alice := dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "甲"})
		bob := dbtest.AddPerson(t, d, dbtest.Person{Org: branch, Name: "乙"})
		exam := func(mode string) int64 {
			id, err := db.InsertID(ctx, d, `INSERT INTO exams (org_id, mode, title, opens_at, closes_at, duration_min, pass_score, max_attempts, score_each, created_at, updated_at)
				VALUES (?, ?, '考试', 0, 1, 30, 60, 3, 10, 0, 0)`, root, mode)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		ex, daily := exam("exam"), exam("daily")
		at := func(y int, m time.Month) int64 { return time.Date(y, m, 10, 2, 0, 0, 0, time.UTC).UnixMilli() }
		attempt := func(exam, person int64, score int, submitted any, active int) {
			if _, err := d.ExecContext(ctx, `INSERT INTO exam_attempts (exam_id, person_id, org_id, day, questions, seed, device_hash, started_at, deadline_at, submitted_at, score, active)
				VALUES (?, ?, ?, '2026-03-10', '[1,2,3,4,5,6,7,8,9,10]', 1, 'h', 0, 0, ?, ?, ?)`, exam, person, branch, submitted, score, active); err != nil {
				t.Fatal(err)
			}
		}
		attempt(ex, alice, 80, at(2026, 3), 0)    // 80 %
		attempt(ex, alice, 50, at(2026, 6), 0)    // 50 %, failed
		attempt(ex, bob, 90, at(2026, 4), 0)      // 90 %
		attempt(ex, bob, 100, at(2025, 4), 0)     // last year
		attempt(ex, bob, 0, nil, 1)               // still running
		attempt(daily, alice, 30, at(2026, 5), 0) // daily answering does not count
		people, err := ResultsOf(ctx, d, []int64{alice, bob}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if a := people[alice]; a == nil || a.Attempts != 2 || a.Passed != 1 || a.Average != 65 {
			t.Errorf("alice: %+v", a)
		}
		if b := people[bob]; b == nil || b.Attempts != 1 || b.Average != 90 {
			t.Errorf("bob: %+v", b)
		}
		orgs, err := ResultsIn(ctx, d, scope.Under(fmt.Sprintf("/%d/", root)), 2026)
		if err != nil {
			t.Fatal(err)
		}
		if o := orgs[branch]; o == nil || o.Attempts != 3 || o.Average != 73.3 {
			t.Errorf("the branch: %+v", o)
		}
	})
}
