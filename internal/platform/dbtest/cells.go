package dbtest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// Tables lists the tables of the test database (of its current schema on PostgreSQL).
func Tables(t testing.TB, d *db.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d.Dialect == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := d.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Rows calls fn with every row of table, as stored: its column names and values.
func Rows(t testing.TB, d *db.DB, table string, fn func(cols []string, vals []any)) {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fn(cols, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// Find returns "table.column" of the first stored cell for which match is
// true, or "" — for proving that a raw dump holds no plaintext secret.
func Find(t testing.TB, d *db.DB, match func(cell []byte) bool) string {
	t.Helper()
	for _, tb := range Tables(t, d) {
		found := ""
		Rows(t, d, tb, func(cols []string, vals []any) {
			for i, v := range vals {
				var cell []byte
				switch v := v.(type) {
				case []byte:
					cell = v
				case string:
					cell = []byte(v)
				}
				if found == "" && match(cell) {
					found = tb + "." + cols[i]
				}
			}
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// Fingerprint summarises every table but the audit log (and its seal), the
// sessions, the migration version and the year-end report's stored history
// (a cache a report writes), so that a refused request can be shown to have
// changed nothing.
func Fingerprint(t testing.TB, d *db.DB) string {
	t.Helper()
	var tables []string
	for _, tb := range Tables(t, d) {
		if tb != "audit_log" && tb != "audit_seal" && tb != "sessions" && tb != "goose_db_version" && tb != "annual_snapshot" {
			tables = append(tables, tb)
		}
	}
	sort.Strings(tables)
	h := sha256.New()
	for _, tb := range tables {
		var lines []string
		Rows(t, d, tb, func(_ []string, vals []any) { lines = append(lines, fmt.Sprint(vals...)) })
		sort.Strings(lines)
		_, _ = fmt.Fprintf(h, "%s:%s\n", tb, strings.Join(lines, "\n")) // a hash's Write never fails
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
