package annual_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
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
// temporary directory and reused; HONGDUN_BENCH_DATA names a data directory
// made by `hongdun demo` instead (a copy: it is migrated). The first report
// is logged apart — reading everyone on the first run over a dataset, from
// the copy stored in the database on later runs — and again after the
// snapshot was dropped; the iterations are the warm reports, with their CPU
// time (the machine is shared) as cpu-s/op:
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
	if s := os.Getenv("HONGDUN_BENCH_DATA"); s != "" {
		dir = s
	}
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
	report := func() *annual.Report {
		r, _, err := annual.Compute(ctx, d, s, today.Year()-1, today)
		if err != nil || !r.Reconciliation.Holds {
			b.Fatal(err, r.Reconciliation.Formula)
		}
		return r
	}
	var people int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons").Scan(&people); err != nil {
		b.Fatal(err)
	}
	first := func(what string) {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start, cpu := time.Now(), cpuTime()
		r := report()
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.Logf("first report %s: %s wall, %s CPU, %d members of %d people, snapshot about %d bytes a person",
			what, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu).Round(time.Millisecond), r.Members, people, (int64(after.HeapInuse)-int64(before.HeapInuse))/int64(max(people, 1)))
	}
	if _, _, ok, err := annual.Stored(ctx, d); err != nil {
		b.Fatal(err)
	} else if ok {
		first("after a start, from the copy stored by an earlier run")
	} else {
		first("reading everyone (no stored copy yet; stored when dropped)")
	}
	annual.Idle(d)
	first("after the snapshot was dropped, from the stored copy")
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		report()
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
