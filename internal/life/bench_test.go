package life_test

import (
	"context"
	"fmt"
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
		org := func(parent int64, name, kind string) int64 {
			return dbtest.AddOrg(b, tx, dbtest.Org{Parent: parent, Name: name, Kind: kind})
		}
		root = org(0, "市公安局党委", "committee")
		for d := 0; d < 10; d++ {
			did := org(root, fmt.Sprintf("第%d分局党委", d+1), "committee")
			for i := 0; i < 100; i++ {
				bid := org(did, fmt.Sprintf("第%d分局第%d党支部", d+1, i+1), "branch")
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
	dbtest.P95(b, func() error {
		ov, err := s.Compliance(ctx, p, life.Ask{Year: 2026, Page: 1, PerPage: 50})
		if err == nil && (ov.Branches != 1000 || len(ov.Columns) != 46) {
			err = fmt.Errorf("%d branches %d columns", ov.Branches, len(ov.Columns))
		}
		return err
	})
}
