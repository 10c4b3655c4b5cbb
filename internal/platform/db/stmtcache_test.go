package db

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

// openCached opens a SQLite database with a table t of three rows and
// returns its writer's one connection.
func openCached(t *testing.T) (context.Context, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	d, err := OpenSQLiteFile(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	c, err := d.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() }) // before d.Close, which reports
	if _, err := c.ExecContext(ctx, "CREATE TABLE t (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES (1), (2), (3)"); err != nil {
		t.Fatal(err)
	}
	return ctx, c
}

// cache runs fn with the connection's statement cache.
func cache(t *testing.T, c *sql.Conn, fn func(cc *cachingConn)) {
	t.Helper()
	if err := c.Raw(func(dc any) error {
		fn(dc.(*cachingConn))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func columns(t *testing.T, ctx context.Context, c *sql.Conn, q string) []string {
	t.Helper()
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// A statement runs again from the cache, and is prepared anew by SQLite
// when the schema it was prepared for changed.
func TestCachedStatementFollowsTheSchema(t *testing.T) {
	ctx, c := openCached(t)
	const q = "SELECT * FROM t ORDER BY 1"
	if got := columns(t, ctx, c, q); fmt.Sprint(got) != "[a]" {
		t.Fatal(got)
	}
	var first any
	cache(t, c, func(cc *cachingConn) { first = cc.stmts[q].Value.(*cachedStmt).stmt })
	if _, err := c.ExecContext(ctx, "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'"); err != nil {
		t.Fatal(err)
	}
	if got := columns(t, ctx, c, q); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("after ALTER TABLE: %v", got)
	}
	if _, err := c.ExecContext(ctx, "DROP TABLE t; CREATE TABLE t (z TEXT, y TEXT, x TEXT); INSERT INTO t VALUES ('1', '2', '3')"); err != nil {
		t.Fatal(err)
	}
	if got := columns(t, ctx, c, q); fmt.Sprint(got) != "[z y x]" {
		t.Fatalf("after the table was made again: %v", got)
	}
	cache(t, c, func(cc *cachingConn) {
		if cc.stmts[q].Value.(*cachedStmt).stmt != first {
			t.Error("the statement was not reused from the cache")
		}
	})
}

// A query run again while rows of the same text are still open gets a
// statement of its own.
func TestCachedStatementNested(t *testing.T) {
	ctx, c := openCached(t)
	const q = "SELECT a FROM t WHERE a >= ? ORDER BY a"
	outer, err := c.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sums []int
	for outer.Next() {
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		inner, err := c.QueryContext(ctx, q, a)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for inner.Next() {
			var b int
			if err := inner.Scan(&b); err != nil {
				t.Fatal(err)
			}
			sum += b
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sums) != "[6 5 3]" {
		t.Fatal(sums)
	}
}

// The cache keeps at most stmtCacheSize statements and finalizes those it
// drops; one dropped while its rows are open is finalized when they close,
// and reads on until then. A statement with many arguments is not cached.
func TestCachedStatementsBounded(t *testing.T) {
	ctx, c := openCached(t)
	open, err := c.QueryContext(ctx, "SELECT a FROM t ORDER BY a")
	if err != nil {
		t.Fatal(err)
	}
	stmtMemory := func() (used int) {
		cache(t, c, func(cc *cachingConn) {
			var err error
			if used, _, err = cc.sqliteConn.(sqlite.DBStatus).Status(sqlite.DBStatusStmtUsed, false); err != nil {
				t.Fatal(err)
			}
		})
		return used
	}
	fill := func(round int) {
		for i := range stmtCacheSize {
			var n int
			if err := c.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) + %d FROM t", round*stmtCacheSize+i)).Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill(0)
	full := stmtMemory()
	fill(1)
	if used := stmtMemory(); used > full*5/4 {
		t.Fatalf("statement memory %d bytes, %d with a full cache: dropped statements are not finalized", used, full)
	}
	var a int
	for open.Next() {
		if err := open.Scan(&a); err != nil {
			t.Fatal(err)
		}
	}
	if err := open.Close(); err != nil || a != 3 {
		t.Fatalf("rows of a dropped statement: last %d, %v", a, err)
	}
	ids := make([]any, stmtCacheMaxArgs+1)
	for i := range ids {
		ids[i] = i
	}
	in, args := In(ids)
	var n int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM t WHERE a IN ("+in+")", args...).Scan(&n); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	cache(t, c, func(cc *cachingConn) {
		if cc.lru.Len() != stmtCacheSize || len(cc.stmts) != stmtCacheSize {
			t.Errorf("%d statements cached (%d by text), want %d", cc.lru.Len(), len(cc.stmts), stmtCacheSize)
		}
		if _, ok := cc.stmts["SELECT a FROM t ORDER BY a"]; ok {
			t.Error("the first statement is still cached")
		}
		for q := range cc.stmts {
			if len(q) > 100 {
				t.Errorf("cached: %.60s…", q)
			}
		}
	})
}
