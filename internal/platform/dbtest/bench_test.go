package dbtest

import (
	"context"
	"os"
	"slices"
	"testing"
)

// cleanups runs what a test registers with Cleanup when told to, so that a
// benchmark can count a database's drop in the iteration that made it.
type cleanups struct {
	testing.TB
	fns []func()
}

func (c *cleanups) Cleanup(fn func()) { c.fns = append(c.fns, fn) }

func (c *cleanups) run() {
	for _, fn := range slices.Backward(c.fns) {
		fn()
	}
	c.fns = nil
}

// BenchmarkPostgres is what a PostgreSQL test spends on its database: made,
// opened, one query, closed and dropped.
func BenchmarkPostgres(b *testing.B) {
	if os.Getenv("TEST_PG_DSN") == "" {
		b.Skip("TEST_PG_DSN 未设置，跳过 PostgreSQL 测试")
	}
	Postgres(b) // the template, once per process, is not what a test pays
	c := &cleanups{TB: b}
	for b.Loop() {
		d := Postgres(c)
		var n int
		if err := d.R.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
			b.Fatal(err)
		}
		c.run()
	}
}
