package member

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// BenchmarkSearch fills a SQLite database with HONGDUN_BENCH_MEMBERS persons
// (default 100000) in 20 分局 of 20 branches each, then times the searches
// the member list makes, reporting the 95th percentile in ms. Run with
//
//	HONGDUN_BENCH_MEMBERS=1000000 go test ./internal/member -run - -bench Search -benchtime 200x
func BenchmarkSearch(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a large database")
	}
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("HONGDUN_BENCH_MEMBERS")); err == nil && v > 0 {
		n = v
	}
	d := dbtest.SQLite(b)
	ctx, keys := context.Background(), testKeys()
	root, rootPath := addOrg(b, d, 0, "市局党委")
	var branches []int64
	var bureau int64
	for i := range 20 {
		fj, _ := addOrg(b, d, root, fmt.Sprintf("第%d分局党委", i+1))
		if i == 0 {
			bureau = fj
		}
		for j := range 20 {
			br, _ := addOrg(b, d, fj, fmt.Sprintf("第%d分局第%d支部", i+1, j+1))
			branches = append(branches, br)
		}
	}
	start := time.Now()
	const chunk = 20000
	for lo := 0; lo < n; lo += chunk {
		ps := make([]Person, 0, chunk)
		for i := lo; i < min(lo+chunk, n); i++ {
			ps = append(ps, generated(i, branches[i%len(branches)]))
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { _, err := InsertMany(ctx, tx, keys, ps); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("inserted %d persons at %.0f rows/s", n, float64(n)/time.Since(start).Seconds())
	if _, err := d.W.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	admin := &auth.Principal{Role: auth.OrgAdmin, OrgPath: rootPath}
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"first-page", Filter{}},
		{"name-prefix", Filter{Q: "张"}},
		{"initials-prefix", Filter{Q: "zw"}},
		{"subtree", Filter{OrgID: bureau}},
		{"subtree-status-category", Filter{OrgID: bureau, Status: "full", Category: "辅警"}},
		{"id-tail", Filter{Q: "1234"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, _, err := Search(ctx, d, keys, admin, c.f); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// BenchmarkInsertMany measures bulk insertion (the importer's path) in
// batches of 10000 rows per transaction, reporting rows per second.
func BenchmarkInsertMany(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a database")
	}
	d := dbtest.SQLite(b)
	ctx, keys := context.Background(), testKeys()
	org, _ := addOrg(b, d, 0, "市局党委")
	const batch = 10000
	next := 0
	start := time.Now()
	for b.Loop() {
		ps := make([]Person, batch)
		for i := range ps {
			ps[i] = generated(next, org)
			next++
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { _, err := InsertMany(ctx, tx, keys, ps); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(next)/time.Since(start).Seconds(), "rows/s")
}
