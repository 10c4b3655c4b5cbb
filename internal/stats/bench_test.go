package stats_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/db"
	"hongdun/internal/stats"
)

// BenchmarkDashboard times the whole bureau's dashboard on SQLite with
// HONGDUN_BENCH_MEMBERS people (default 100,000). The dataset is generated
// once into the temporary directory and reused:
//
//	HONGDUN_BENCH_MEMBERS=1000000 go test ./internal/stats -run '^$' -bench Dashboard -benchtime 50x
func BenchmarkDashboard(b *testing.B) {
	if testing.Short() {
		b.Skip("needs a large dataset")
	}
	n := 100000
	if s := os.Getenv("HONGDUN_BENCH_MEMBERS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("hongdun-bench-%d", n))
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	e := apptest.Start(b, d)
	start := time.Now()
	res, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 1, Members: n, Password: "Bench-Pass-2026!"})
	switch {
	case errors.Is(err, demo.ErrNotEmpty):
	case err != nil:
		b.Fatal(err)
	default:
		b.Logf("generated %d people in %s (kept in %s)", res.People, res.Took, dir)
	}
	var id int64
	var name, path string
	if err := d.QueryRowContext(ctx, "SELECT id, name, path FROM orgs WHERE parent_id IS NULL").Scan(&id, &name, &path); err != nil {
		b.Fatal(err)
	}
	svc := &stats.Service{DB: d, Now: time.Now}
	start = time.Now()
	first, err := svc.Dashboard(ctx, id, name, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first view (loads the snapshot): %s for %d members", time.Since(start), first.Members)
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Dashboard(ctx, id, name, path); err != nil {
			b.Fatal(err)
		}
	}
}
