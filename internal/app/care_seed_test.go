package app_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/care"
	"hongdun/internal/demo"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau in December: this year's 春节 campaign done and closed,
// the 七一 campaign half done and overdue in 待办, photos to look at, and
// hardship entries in every state.
func TestDemo(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	e.App.Now = func() time.Time { return time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC) }
	e.Demo(demo.Options{Seed: 1, Members: 1500}, care.SeedDemo)
	root := e.Root()
	c := e.Account(auth.OrgAdmin, root, 0)
	var l care.List[care.CampaignSummary]
	if st := c.Do("GET", "/api/v1/care/campaigns", nil, &l); st != http.StatusOK || l.Total != 2 {
		t.Fatalf("campaigns: %d %s", st, c.Body())
	}
	for _, s := range l.Items {
		switch s.Kind {
		case "qiyi":
			if s.Name != "2026年“七一”走访慰问" || s.State != "open" || s.Mine.Targets < 20 || s.Mine.Visited*2 < s.Mine.Targets-1 || s.Mine.Visited*2 > s.Mine.Targets+1 {
				t.Errorf("七一: %+v, progress %+v", s.Campaign, s.Mine)
			}
		case "chunjie":
			if s.State != "closed" || s.Mine.Visited < s.Mine.Targets-5 {
				t.Errorf("春节: %+v, progress %+v", s.Campaign, s.Mine)
			}
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'care.campaign' AND severity = 'bad' AND done_at IS NULL"); n == 0 {
		t.Error("no overdue 待办 for the 七一 campaign")
	}
	files, _ := filepath.Glob(filepath.Join(e.App.DataDir, "care", "photos", "*"))
	if len(files) == 0 || len(files) != e.Count("SELECT COUNT(*) FROM care_photos") {
		t.Errorf("%d photo files for %d rows", len(files), e.Count("SELECT COUNT(*) FROM care_photos"))
	}
	var id, visit int64
	if err := e.DB.QueryRowContext(ctx, "SELECT id, visit_id FROM care_photos ORDER BY id LIMIT 1").Scan(&id, &visit); err != nil {
		t.Fatal(err)
	}
	if st := c.Do("GET", "/care/visits/"+itoa(visit)+"/photos/"+itoa(id), nil, nil); st != http.StatusOK || len(c.Last) < 1000 {
		t.Errorf("a demo photo: %d, %d bytes", st, len(c.Last))
	}
	for _, state := range []string{"pending", "approved", "returned"} {
		if e.Count("SELECT COUNT(*) FROM care_hardship WHERE state = ?", state) == 0 {
			t.Errorf("no %s hardship entry", state)
		}
	}
	var ledger care.List[care.Entry]
	c.Do("GET", "/api/v1/care/ledgers?kind=hardship", nil, &ledger)
	if ledger.Total == 0 {
		t.Error("the demo hardship ledger is empty")
	}
	if err := care.SeedDemo(ctx, e.App.Deps); err != nil || e.Count("SELECT COUNT(*) FROM care_campaigns") != 2 {
		t.Errorf("a second seed: %v", err)
	}
}
