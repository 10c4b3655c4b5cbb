package dbtest

import (
	"context"
	"fmt"
	"sync"
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
	return Strings(t, d, q)
}

// Strings is the one text column of every row query returns, in order.
func Strings(t testing.TB, d db.Querier, query string, args ...any) []string {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), query, args...)
	out, err := db.Collect(rows, err, func(r db.Scanner) (s string, err error) {
		err = r.Scan(&s)
		return s, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Indexes lists the definitions of table's indexes as the database keeps
// them, sorted (a primary key of SQLite's, the rowid, is no index).
func Indexes(t testing.TB, d db.Querier, table string) []string {
	t.Helper()
	q := "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY sql"
	if d.D() == db.Postgres {
		q = "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexdef"
	}
	return Strings(t, d, q, table)
}

// Rows calls fn with every row of table, as stored: its column names and values.
func Rows(t testing.TB, d *db.DB, table string, fn func(cols []string, vals []any)) {
	t.Helper()
	query(t, d, "SELECT * FROM "+table, nil, fn)
}

// query calls fn with every row q returns.
func query(t testing.TB, d db.Querier, q string, args []any, fn func(cols []string, vals []any)) {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), q, args...)
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

// Fingerprint identifies what has been written to d: how many rows were
// inserted, updated or deleted in every table but the audit log (and its
// seal), the sessions, the migration version and the dashboard's stored
// snapshot (the hourly jobs write it) since its first call on d,
// counted by triggers that call installs. A refused request must leave it
// unchanged; a rolled-back transaction leaves no count. Counting writes
// instead of hashing every row keeps it cheap however large the test's
// database grows (the route-scope test calls it twice for each of ~450
// routes on one growing database).
func Fingerprint(t testing.TB, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	if _, done := watched.LoadOrStore(d, true); !done {
		if err := watchWrites(ctx, d, Tables(t, d)); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	if err := d.QueryRowContext(ctx, "SELECT count(*) FROM test_writes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(n)
}

// watched holds each database whose writes are counted.
var watched sync.Map

// watchWrites adds a row to test_writes for every row written to the tables
// Fingerprint covers.
func watchWrites(ctx context.Context, d *db.DB, tables []string) error {
	ddl := []string{"CREATE TABLE test_writes (n INTEGER)"}
	if d.Dialect == db.Postgres {
		ddl = append(ddl, `CREATE FUNCTION test_count_write() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN INSERT INTO test_writes VALUES (1); RETURN NULL; END $$`)
	}
	for _, tb := range tables {
		switch {
		case tb == "audit_log" || tb == "audit_seal" || tb == "sessions" || tb == "goose_db_version" || tb == "stats_snapshot":
		case d.Dialect == db.Postgres:
			ddl = append(ddl, fmt.Sprintf("CREATE TRIGGER test_writes_%s AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION test_count_write()", tb, tb))
		default:
			for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
				ddl = append(ddl, fmt.Sprintf("CREATE TRIGGER test_writes_%s_%s AFTER %s ON %s BEGIN INSERT INTO test_writes VALUES (1); END", tb, op, op, tb))
			}
		}
	}
	for _, q := range ddl {
		if _, err := d.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}
