package dbtest

import (
	"context"
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

// PreparedPlan is how PostgreSQL runs q the sixth time it executes as a
// prepared statement on one of d's connections (with their settings): pgx
// prepares every query it sends, and from the sixth execution on the server
// may switch to a generic plan, planned without the arguments' values.
// SQLite plans every statement alike: there it is Plan.
func PreparedPlan(t testing.TB, d *db.DB, q string, args ...any) string {
	t.Helper()
	if d.Dialect != db.Postgres {
		return Plan(t, d, q, args...)
	}
	exec := "EXECUTE prepared_plan"
	if len(args) > 0 {
		lits := make([]string, len(args))
		for i, a := range args {
			lits[i] = literal(t, a)
		}
		exec += "(" + strings.Join(lits, ", ") + ")"
	}
	var plan string
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		ctx := context.Background()
		if _, err := tx.ExecContext(ctx, tx.Rebind("PREPARE prepared_plan AS "+q)); err != nil {
			return err
		}
		defer func() { _, _ = tx.ExecContext(ctx, "DEALLOCATE prepared_plan") }() // the connection goes back to the pool
		for range 5 {
			if _, err := tx.ExecContext(ctx, exec); err != nil {
				return err
			}
		}
		plan = Plan(t, tx, exec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// literal writes a string or a number as SQL text.
func literal(t testing.TB, a any) string {
	switch v := a.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case int, int64:
		return fmt.Sprint(v)
	}
	t.Fatalf("PreparedPlan: no literal for %T", a)
	return ""
}
