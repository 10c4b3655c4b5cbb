// Package dbtest gives tests a fresh, migrated database: SQLite always, and
// PostgreSQL too when TEST_PG_DSN is set (each test in a database of its
// own, copied from a template migrated once per migration set).
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
)

// Every test binary that touches a database imports dbtest, so this is
// where password hashing is made cheap for tests (hashes still verify by
// the parameters written in them), and where the garbage collector runs
// less often: at GOGC=100 it took about a tenth of internal/app's CPU; at
// 400 (heap four times what is live, a few hundred MB) a twentieth less CPU
// in all. A GOGC in the environment is kept.
func init() {
	auth.UseCheapHashingInTests()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// Each runs fn once per available database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv("TEST_PG_DSN") != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite opens a migrated SQLite database in a temporary directory: a copy
// of a database migrated once per test process (migrating takes ~50 ms,
// copying ~1 ms).
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	img, err := migratedSQLite()
	if err != nil {
		t.Fatal(err)
	}
	return SQLiteFrom(t, img)
}

// SQLiteFrom opens a copy of a SQLite database file's bytes (from
// SQLiteImage) in a temporary directory.
func SQLiteFrom(t testing.TB, img []byte) *db.DB {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hongdun.db"), img, 0o600); err != nil {
		t.Fatal(err)
	}
	return opened(t, "", dir)
}

// SQLiteImage returns the bytes of the SQLite database file that fill
// makes of base (an earlier image; nil: a migrated database), for tests to
// open copies of (SQLiteFrom) instead of each filling its own.
func SQLiteImage(base []byte, fill func(ctx context.Context, d *db.DB) error) ([]byte, error) {
	if base == nil {
		var err error
		if base, err = migratedSQLite(); err != nil {
			return nil, err
		}
	}
	return sqliteImage(base, fill)
}

// opened is the database db.Open opens, closed when the test ends.
func opened(t testing.TB, dsn, dir string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	return d
}

// migratedSQLite returns the bytes of a freshly migrated SQLite database
// file, made on first use.
var migratedSQLite = sync.OnceValues(func() ([]byte, error) {
	return sqliteImage(nil, func(ctx context.Context, d *db.DB) error { return d.Migrate(ctx) })
})

// sqliteImage opens a SQLite database whose file holds base (nil: a new
// database) in a directory of its own, runs fill on it and returns the
// file's bytes.
func sqliteImage(base []byte, fill func(ctx context.Context, d *db.DB) error) (img []byte, err error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "hongdun-dbtest-")
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	if base != nil {
		if err := os.WriteFile(filepath.Join(dir, "hongdun.db"), base, 0o600); err != nil {
			return nil, err
		}
	}
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(fill(ctx, d), d.Close()); err != nil {
		return nil, err
	}
	// Closing the last connection moves the WAL into the main file, which
	// alone is copied. A checkpoint while the database was open returned no
	// error when a reader kept it from finishing (its busy column), and a
	// copy then missed the last writes.
	if st, err := os.Stat(filepath.Join(dir, "hongdun.db-wal")); err == nil && st.Size() > 0 {
		return nil, fmt.Errorf("dbtest: the write-ahead log of %s was not checkpointed at close", dir)
	}
	return os.ReadFile(filepath.Join(dir, "hongdun.db"))
}

// PostgresDSN creates a database copied from a migrated template and
// returns its DSN; the database is dropped when the test ends. It skips the
// test when TEST_PG_DSN is not set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_PG_DSN")
	if base == "" {
		t.Skip("TEST_PG_DSN 未设置，跳过 PostgreSQL 测试")
	}
	tpl, err := pgTemplate()
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgAdmin()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), seq.Add(1))
	create := "CREATE DATABASE " + name + " TEMPLATE " + tpl
	_, err = admin.ExecContext(ctx, create)
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database
		// Left by a killed test process that had the same process id.
		if _, err = admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err == nil {
			_, err = admin.ExecContext(ctx, create)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// FORCE: a pool the test left open must not keep the database.
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	dsn, err := pgDSNFor(base, name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// Postgres opens a migrated PostgreSQL database of its own.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return opened(t, PostgresDSN(t), "")
}

var seq atomic.Int64

// pgAdmin is this process's pool on the TEST_PG_DSN database, from which
// test databases are created and dropped. It stays open until the process
// ends.
var pgAdmin = sync.OnceValues(func() (*sql.DB, error) {
	return sql.Open("pgx", os.Getenv("TEST_PG_DSN"))
})

// pgLockKey names the advisory lock under which test processes (go test
// runs packages in parallel) look for the template and build it.
const pgLockKey = 0x686f6e6764756e // "hongdun"

// pgTemplate returns the name of the database migrated with this build's
// migrations, building it once across all test processes: migrating takes
// about a second (6–12 s under heavy load), copying the result 0.3–0.4 s.
var pgTemplate = sync.OnceValues(func() (name string, err error) {
	sum, err := db.MigrationSum()
	if err != nil {
		return "", err
	}
	name = "hongdun_tpl_" + sum[:12]
	admin, err := pgAdmin()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	// The advisory lock belongs to a session: hold one connection.
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer func() { err = errors.Join(err, conn.Close()) }()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", pgLockKey); err != nil {
		return "", err
	}
	defer func() {
		_, uerr := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", pgLockKey)
		err = errors.Join(err, uerr)
	}()
	var olds []string
	rows, err := conn.QueryContext(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'hongdun\\_tpl\\_%'")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		if n == name {
			return name, nil
		}
		olds = append(olds, n)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	// Templates of other migration sets, and a half-built one of a killed
	// process, are of no more use.
	for _, n := range olds {
		if _, err := conn.ExecContext(ctx, "DROP DATABASE "+n+" WITH (FORCE)"); err != nil {
			return "", err
		}
	}
	// Built under another name and renamed when complete, so that a
	// process killed while migrating leaves nothing that looks finished.
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	dsn, err := pgDSNFor(os.Getenv("TEST_PG_DSN"), building)
	if err != nil {
		return "", err
	}
	if err := migrateAndClose(ctx, dsn); err != nil {
		return "", err
	}
	// PostgreSQL waits a few seconds for the closed sessions to end before
	// it refuses the rename (or a copy) of a database still in use.
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
})

// migrateAndClose migrates the database dsn names and closes every
// connection to it: a template cannot be copied while it is in use.
func migrateAndClose(ctx context.Context, dsn string) (err error) {
	d, err := db.Open(ctx, dsn, "")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, d.Close()) }()
	return d.Migrate(ctx)
}

// pgDSNFor returns base with its database replaced by name.
func pgDSNFor(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// IsPostgres reports whether a DSN names PostgreSQL.
func IsPostgres(dsn string) bool { return strings.HasPrefix(dsn, "postgres") }
