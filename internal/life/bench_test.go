package life_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// BenchmarkCompliance is the overview of 1,000 branches (under 10 分局) over
// a whole year, every branch with a year of meetings (about 40 each), on
// SQLite: the first page with the coverage of every kind.
func BenchmarkCompliance(b *testing.B) {
	e := apptest.Start(b, dbtest.SQLite(b))
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	e.App.Deps.Now = func() time.Time { return now }
	var root int64
	meetings := 0
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		org := func(parent any, path, name, kind string) (int64, string, error) {
			id, err := db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, path, created_at, updated_at) VALUES (?,?,?,'',0,0)", parent, name, kind)
			if err != nil {
				return 0, "", err
			}
			p := fmt.Sprintf("%s%d/", path, id)
			_, err = tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", p, id)
			return id, p, err
		}
		var rootPath string
		var err error
		if root, rootPath, err = org(nil, "/", "市公安局党委", "committee"); err != nil {
			return err
		}
		for d := 0; d < 10; d++ {
			did, dpath, err := org(root, rootPath, fmt.Sprintf("第%d分局党委", d+1), "committee")
			if err != nil {
				return err
			}
			for i := 0; i < 100; i++ {
				bid, _, err := org(did, dpath, fmt.Sprintf("第%d分局第%d党支部", d+1, i+1), "branch")
				if err != nil {
					return err
				}
				for _, k := range life.Kinds {
					for _, p := range life.Periods(2026, k.Per) {
						if (i+p.Index)%7 == 0 || !p.From.Before(civil.MustParse("2026-11-20")) {
							continue // a few missed, none in the future
						}
						if _, err := tx.ExecContext(ctx, `INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES (?,?,?,?,1,0,0)`,
							bid, k.Key, p.From.AddDays(5).String(), "会议"); err != nil {
							return err
						}
						meetings++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	e.DB.ExecContext(ctx, "ANALYZE")
	s := life.New(e.App.Deps)
	p := &auth.Principal{Role: auth.OrgAdmin, OrgID: root, OrgPath: fmt.Sprintf("/%d/", root)}
	b.Logf("%d branches, %d meetings", 1000, meetings)
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		ov, err := s.Compliance(ctx, p, life.Ask{Year: 2026, Page: 1, PerPage: 50})
		if err != nil || ov.Branches != 1000 || len(ov.Columns) != 46 {
			b.Fatalf("%v %d branches %d columns", err, ov.Branches, len(ov.Columns))
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}
