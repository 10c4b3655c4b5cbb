package dbtest

import (
	"slices"
	"testing"
	"time"
)

// P95 runs run in b's loop, fails b on its error and reports the 95th
// percentile of its times in milliseconds as p95-ms, the figure
// BENCHMARKS.md records (a mean hides the slow pages).
func P95(b *testing.B, run func() error) {
	b.Helper()
	var times []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := run(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}
