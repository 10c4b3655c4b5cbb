package annual_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"hongdun/internal/annual"
	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// BenchmarkAnnual times the whole bureau's year-end report (with its check)
// on SQLite for HONGDUN_BENCH_MEMBERS people (default: the demo bureau's
// 6,000) with their dated history. The dataset is generated once into the
// temporary directory and reused:
//
//	HONGDUN_BENCH_MEMBERS=100000 go test ./internal/annual -run '^$' -bench Annual -benchtime 5x
func BenchmarkAnnual(b *testing.B) {
	n := demo.Size
	if s := os.Getenv("HONGDUN_BENCH_MEMBERS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("hongdun-annual-bench-%d", n))
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	e := apptest.Start(b, d)
	res, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 1, Members: n, History: true, Password: "Bench-Pass-2026!"})
	switch {
	case errors.Is(err, demo.ErrNotEmpty):
	case err != nil:
		b.Fatal(err)
	default:
		b.Logf("generated %d people, %d events in %s (kept in %s)", res.People, res.Events, res.Took, dir)
	}
	var root int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM orgs WHERE parent_id IS NULL").Scan(&root); err != nil {
		b.Fatal(err)
	}
	s, err := annual.SubjectOf(ctx, d, scope.All(), root)
	if err != nil {
		b.Fatal(err)
	}
	today := civil.Today(time.Now())
	b.ResetTimer()
	for b.Loop() {
		r, _, err := annual.Compute(ctx, d, s, today.Year()-1, today)
		if err != nil || !r.Reconciliation.Holds {
			b.Fatal(err, r.Reconciliation.Formula)
		}
	}
}
