package dbtest

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// Plan is how the database would run q (written with ? placeholders) on d
// (a transaction sees its own settings), one line per step: SQLite's
// EXPLAIN QUERY PLAN or PostgreSQL's EXPLAIN.
func Plan(t testing.TB, d db.Querier, q string, args ...any) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if d.D() == db.Postgres {
		prefix = "EXPLAIN "
	}
	var lines []string
	query(t, d, prefix+q, args, func(_ []string, vals []any) { lines = append(lines, fmt.Sprint(vals[len(vals)-1])) })
	return strings.Join(lines, "\n")
}
