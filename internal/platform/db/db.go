// Package db opens SQLite or PostgreSQL behind one small API. Queries are
// written once with "?" placeholders and rebound for PostgreSQL.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Dialect names the database engine.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

// ErrNotFound is returned by helpers when a row does not exist.
var ErrNotFound = errors.New("not found")

// DB holds a writer pool and a reader pool. On SQLite the writer is a single
// connection so that writers queue in Go instead of fighting over the lock;
// on PostgreSQL both are the same pool.
type DB struct {
	W       *sql.DB
	R       *sql.DB
	Dialect Dialect
	Path    string // SQLite file path, empty on PostgreSQL
}

// Open opens the database named by dsn: a postgres:// URL, or else a data
// directory in which SQLite keeps hongdun.db.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL 连接串无效: %w", err)
		}
		// pgx caches prepared statements; after five runs PostgreSQL would
		// switch one to a generic plan, which for a search's "ORDER BY pinyin
		// LIMIT" walks the pinyin index past every row out of scope. Plan
		// each execution with its values instead (planning costs well under
		// a millisecond). An operator's own setting in the DSN wins.
		if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
			cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
		}
		p := stdlib.OpenDB(*cfg)
		p.SetMaxOpenConns(20)
		p.SetMaxIdleConns(10)
		if err := p.PingContext(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("连接 PostgreSQL 失败: %w", err), p.Close())
		}
		return &DB{W: p, R: p, Dialect: Postgres}, nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, "hongdun.db")
	// The data directory holds the database, the key and uploads: owner
	// only, also when an older version or an operator made it wider.
	if err := ownerOnly(dataDir, 0o700); err != nil {
		return nil, err
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := ownerOnly(f, 0o600); err != nil {
			return nil, err
		}
	}
	return OpenSQLiteFile(ctx, path)
}

// ownerOnly takes group and other permissions away from an existing file.
func ownerOnly(path string, mode os.FileMode) error {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return os.Chmod(path, mode)
	}
	return nil
}

// connIdle is how long a SQLite connection stays open unused.
const connIdle = time.Minute

// OpenSQLiteFile opens (creating) a SQLite database file. A new file is
// created readable and writable by its owner only (0600); SQLite gives its
// -wal and -shm files the database file's mode.
func OpenSQLiteFile(ctx context.Context, path string) (*DB, error) {
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		if err := f.Close(); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32000)&_time_format=sqlite"
	w := sql.OpenDB(sqliteConnector{"file:" + path + "?" + pragmas + "&_txlock=immediate"})
	w.SetMaxOpenConns(1)
	// The writer's page cache too, filled by the hourly jobs.
	w.SetConnMaxIdleTime(connIdle)
	r := sql.OpenDB(sqliteConnector{"file:" + path + "?" + pragmas + "&mode=ro"})
	r.SetMaxOpenConns(8)
	// Keep every reader open under load: reopening one also re-prepares
	// the statements prepared on it. But close a reader idle for a
	// minute: each keeps its own page cache (up to cache_size, 32 MB),
	// filled by the last large read, for as long as it stays open.
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(connIdle)
	if err := w.PingContext(ctx); err != nil {
		return nil, errors.Join(err, w.Close(), r.Close())
	}
	return &DB{W: w, R: r, Dialect: SQLite, Path: path}, nil
}

// Close closes both pools, the readers first: on SQLite the last
// connection to close checkpoints the write-ahead log into the database
// and removes it, which a read-only one cannot do. Left behind, the log
// (1.3 GB after seeding the million-person demo in one transaction) is read
// whole again by the next start and copied into the database then.
func (d *DB) Close() error {
	var err error
	if d.R != d.W {
		err = d.R.Close()
	}
	return errors.Join(err, d.W.Close())
}

// Rebind turns "?" placeholders into "$1…" for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func (d *DB) Rebind(q string) string { return rebind(d.Dialect, q) }

func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Querier is what stores need: a DB (reads from the reader pool) or a Tx.
type Querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	D() Dialect
}

// ExecContext runs a statement on the writer.
func (d *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.W.ExecContext(ctx, d.Rebind(q), args...)
}

// QueryContext reads from the reader pool.
func (d *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.R.QueryContext(ctx, d.Rebind(q), args...)
}

// QueryRowContext reads one row from the reader pool.
func (d *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.R.QueryRowContext(ctx, d.Rebind(q), args...)
}

// D reports the dialect.
func (d *DB) D() Dialect { return d.Dialect }

// Tx wraps sql.Tx with placeholder rebinding.
type Tx struct {
	*sql.Tx
	dialect Dialect
	conn    *sql.Conn // the connection of a PostgreSQL InTx, for CopyFrom
}

func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, rebind(t.dialect, q), args...)
}
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, rebind(t.dialect, q), args...)
}
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, rebind(t.dialect, q), args...)
}

// D reports the dialect.
func (t *Tx) D() Dialect { return t.dialect }

// Rebind is DB.Rebind, for a statement the transaction prepares.
func (t *Tx) Rebind(q string) string { return rebind(t.dialect, q) }

// CopyFrom loads rows into table with PostgreSQL's COPY, inside the
// transaction: several times faster than multi-row INSERTs for bulk imports.
// Only a PostgreSQL InTx transaction can; a unique violation fails it as an
// INSERT would (IsUnique).
func (t *Tx) CopyFrom(ctx context.Context, table string, cols []string, rows [][]any) (int64, error) {
	if t.conn == nil {
		return 0, errors.New("db: COPY needs a PostgreSQL write transaction")
	}
	var n int64
	err := t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: COPY on a %T connection", dc)
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	return n, err
}

// InTx runs fn in a write transaction, committing when fn returns nil.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx := &Tx{dialect: d.Dialect}
	var err error
	if d.Dialect == Postgres {
		// Held by name so that CopyFrom can reach the driver's connection.
		if tx.conn, err = d.W.Conn(ctx); err != nil {
			return err
		}
		defer tx.conn.Close()
		tx.Tx, err = tx.conn.BeginTx(ctx, nil)
	} else {
		tx.Tx, err = d.W.BeginTx(ctx, nil)
	}
	if err != nil {
		return err
	}
	stx := tx.Tx
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	return stx.Commit()
}

// Snapshot runs fn in a read-only transaction on the reader pool that sees
// one consistent state of the database throughout (REPEATABLE READ on
// PostgreSQL; SQLite's WAL snapshot from the first read), for checks that
// compare several tables while others write.
func (d *DB) Snapshot(ctx context.Context, fn func(tx *Tx) error) error {
	var opts *sql.TxOptions
	if d.Dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	stx, err := d.R.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer stx.Rollback()
	return fn(&Tx{Tx: stx, dialect: d.Dialect})
}

// Consistent runs fn on one consistent state of the database: q itself
// when it is a transaction already, else a Snapshot of the pool.
func Consistent(ctx context.Context, q Querier, fn func(q Querier) error) error {
	if d, ok := q.(*DB); ok {
		return d.Snapshot(ctx, func(tx *Tx) error { return fn(tx) })
	}
	return fn(q)
}

// Lock serialises the transactions that take the same key, across
// instances, until they end: an advisory lock on PostgreSQL; nothing on
// SQLite, whose single writer serialises them already.
func (t *Tx) Lock(ctx context.Context, key int64) error {
	if t.dialect != Postgres {
		return nil
	}
	_, err := t.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", key)
	return err
}

// KeepNoted runs recount in one transaction, serialised across instances
// by key, over the notes it takes from table (year, org_id): what a
// periodic job recounts of the figures it keeps per organisation
// (training_met, life_held). The notes are taken before anything is read:
// a write committed later notes again, so a recount never hides one it did
// not see.
func (d *DB) KeepNoted(ctx context.Context, key int64, table string, recount func(tx *Tx, noted map[int][]int64) error) error {
	return d.InTx(ctx, func(tx *Tx) error {
		if err := tx.Lock(ctx, key); err != nil {
			return err
		}
		noted, err := takeNotes(ctx, tx, table)
		if err != nil {
			return err
		}
		return recount(tx, noted)
	})
}

// takeNotes deletes the rows of a table of notes and returns them by year,
// each organisation once.
func takeNotes(ctx context.Context, tx *Tx, table string) (map[int][]int64, error) {
	rows, err := tx.QueryContext(ctx, "DELETE FROM "+table+" RETURNING year, org_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[[2]int64]bool{}
	out := map[int][]int64{}
	for rows.Next() {
		var year int
		var id int64
		if err := rows.Scan(&year, &id); err != nil {
			return nil, err
		}
		if k := [2]int64{int64(year), id}; !seen[k] {
			seen[k] = true
			out[year] = append(out[year], id)
		}
	}
	return out, rows.Err()
}

// InsertID runs an INSERT … RETURNING id and returns the id. On a *DB it
// goes to the writer, not the read-only pool that QueryRowContext uses.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	query += " RETURNING id"
	if d, ok := q.(*DB); ok {
		err := d.W.QueryRowContext(ctx, d.Rebind(query), args...).Scan(&id)
		return id, err
	}
	err := q.QueryRowContext(ctx, query, args...).Scan(&id)
	return id, err
}

// Pairs reads a two-column query of (id, value) rows into a map; a later
// row of the same id wins.
func Pairs[V any](ctx context.Context, q Querier, query string, args ...any) (map[int64]V, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]V{}
	for rows.Next() {
		var id int64
		var v V
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// Scanner is a row being read (*sql.Row or *sql.Rows), as Collect hands
// it to its scan function.
type Scanner = interface{ Scan(dest ...any) error }

// Collect reads every row of a query's result (rows and err as
// QueryContext returns them) with scan, and closes the rows.
func Collect[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// IDs reads the ids a one-column query returns, in its order.
func IDs(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	return Collect(rows, err, func(r Scanner) (id int64, err error) {
		err = r.Scan(&id) // before id is read for the result
		return id, err
	})
}

// IDSet reads the ids a one-column query returns, as a set.
func IDSet(ctx context.Context, q Querier, query string, args ...any) (map[int64]bool, error) {
	ids, err := IDs(ctx, q, query, args...)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// In expands a list into "?,?,?" and its arguments, for IN clauses.
func In[T any](xs []T) (string, []any) {
	if len(xs) == 0 {
		return "NULL", nil
	}
	args := make([]any, len(xs))
	for i, x := range xs {
		args[i] = x
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(xs)), ","), args
}

// InsertRows inserts rows of equal length into table (with its columns, as
// "t (a, b)") with one multi-row INSERT; callers keep each call to a few
// hundred rows, under both databases' limits on parameters.
func InsertRows(ctx context.Context, tx *Tx, table string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	values := make([]string, len(rows))
	var args []any
	for i, r := range rows {
		values[i] = "(" + strings.TrimSuffix(strings.Repeat("?,", len(r)), ",") + ")"
		args = append(args, r...)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" VALUES "+strings.Join(values, ","), args...)
	return err
}

// Int is a flag as the 0/1 integer the schema stores it as (PostgreSQL
// refuses a Go bool for an integer column).
func Int(b bool) int {
	if b {
		return 1
	}
	return 0
}
