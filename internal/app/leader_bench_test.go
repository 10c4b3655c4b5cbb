package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hongdun/internal/annual"
	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/develop"
	"hongdun/internal/leader"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/strong"
	"hongdun/internal/task"
	"hongdun/internal/training"
)

// BenchmarkCompare times the comparison of the whole bureau's 分局 on
// SQLite for HONGDUN_BENCH_MEMBERS people (default: the demo bureau) with
// the demo's development, training, organisational life, tasks and
// 最强党支部. The dataset is generated once into the temporary directory:
//
//	HONGDUN_BENCH_MEMBERS=100000 go test ./internal/app -run '^$' -bench BenchmarkCompare -benchtime 20x
func BenchmarkCompare(b *testing.B) {
	n := benchMembers(demo.Size)
	ctx := context.Background()
	d, err := db.Open(ctx, "", filepath.Join(os.TempDir(), fmt.Sprintf("hongdun-compare-bench-%d", n)))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	e := apptest.Start(b, d)
	_, err = demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 1, Members: n, Password: "Bench-Pass-2026!"})
	switch {
	case errors.Is(err, demo.ErrNotEmpty):
	case err != nil:
		b.Fatal(err)
	default:
		// The planner's statistics, as the server's hourly PRAGMA optimize
		// keeps them: without them SQLite reads every party member of the
		// bureau for each meeting's roster, and 100,000 people take hours.
		analyze := func() {
			if _, err := d.ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
		}
		analyze()
		for _, seed := range []func(context.Context, *core.Deps) error{develop.SeedDemo, training.SeedDemo, life.SeedDemo, task.SeedDemo, strong.SeedDemo} {
			if err := seed(ctx, e.App.Deps); err != nil {
				b.Fatal(err)
			}
		}
		analyze()
	}
	var root int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM orgs WHERE parent_id IS NULL").Scan(&root); err != nil {
		b.Fatal(err)
	}
	s, err := annual.SubjectOf(ctx, d, scope.All(), root)
	if err != nil {
		b.Fatal(err)
	}
	p := &auth.Principal{Role: auth.Leader, OrgID: root, OrgPath: s.Root.Path}
	year := time.Now().Year()
	// The server loads the dashboard's snapshot, which counts the people, at
	// start (app.Serve): so does the bench, before the clock.
	if _, err := e.App.Census(ctx, scope.All(), 0, func(string, string, int) {}); err != nil {
		b.Fatal(err)
	}
	// Its periodic jobs at start recount the figures kept per organisation
	// that writes noted (here the seeding's).
	for _, keep := range []func(context.Context, *core.Deps) error{training.Keep, life.Keep, develop.Keep, task.Keep} {
		if err := keep(ctx, e.App.Deps); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := leader.Compare(ctx, e.App.Deps, p, s, year, "members", true); err != nil {
			b.Fatal(err)
		}
	}
	// The process's CPU time, which a shared machine's load does not inflate.
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}
