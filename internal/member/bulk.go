package member

import (
	"context"
	"database/sql"
	"strings"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
)

// Row is a person ready to be written: sensitive fields sealed, the ID
// number hashed for exact-match lookups, the name's pinyin worked out.
// NewRow does no I/O and may run on many goroutines at once, so a bulk
// writer (the importer) can keep that work off its single writing
// goroutine.
type Row struct {
	args   []any
	idHash string
}

// NewRow prepares p (which has passed Validate) for an Inserter, created
// now (core.Stamp).
func NewRow(keys *crypto.Keys, p *Person) Row {
	args := insertArgs(keys, p, core.Stamp())
	h, _ := args[idHashArg].(string)
	return Row{args: args, idHash: h}
}

// IDHash is the exact-match index of the ID number, "" without one.
func (r Row) IDHash() string { return r.idHash }

// SetOrg puts the row in another organisation before it is written.
func (r Row) SetOrg(id int64) { r.args[orgIDArg] = id }

// Positions of the columns in insertCols that rows are read or changed by.
const (
	orgIDArg  = 0
	idHashArg = 8
)

var orgPathArg = nInsertCols - 1

// Inserter writes rows within one transaction, many per statement, with
// the full-batch statement prepared once. It returns no ids: a bulk import
// does not need them, and RETURNING costs a result row per person.
type Inserter struct {
	tx      *db.Tx
	verb    string
	full    *sql.Stmt
	pending []any
	copied  [][]any // PostgreSQL: rows queued for COPY instead of pending
	paths   orgPaths
	n       int
	written int
}

// NewInserter starts writing persons in tx. On SQLite the statements are
// INSERT OR FAIL: a violation still fails the statement (and the caller
// rolls the transaction back), but SQLite need not keep a statement journal
// to undo the statement's earlier rows; together with foreign-key checks
// off for the connection (see the importer) that halves the cost of a row.
func NewInserter(tx *db.Tx) *Inserter {
	verb := "INSERT"
	if tx.D() == db.SQLite {
		verb = "INSERT OR FAIL"
	}
	if tx.D() == db.Postgres {
		return &Inserter{tx: tx, copied: make([][]any, 0, copyRows), paths: orgPaths{}}
	}
	return &Inserter{tx: tx, verb: verb, pending: make([]any, 0, bulkRows*nInsertCols), paths: orgPaths{}}
}

// copyRows per COPY on PostgreSQL, where COPY writes about three times
// faster than multi-row INSERTs.
const copyRows = 5000

var copyCols = strings.Split(strings.Join(strings.Fields(insertCols), ""), ",")

// bulkRows per statement keeps the parameters under both databases' limits
// (SQLite 32,766, PostgreSQL 65,535).
const bulkRows = 1000

// Add queues r and writes a full batch. A duplicate ID number gives
// ErrDuplicateID.
func (w *Inserter) Add(ctx context.Context, r Row) error {
	if err := w.paths.fill(ctx, w.tx, r.args); err != nil {
		return err
	}
	if w.copied != nil {
		w.copied = append(w.copied, r.args)
		if len(w.copied) < copyRows {
			return nil
		}
		return w.copy(ctx)
	}
	w.pending = append(w.pending, r.args...)
	w.n++
	if w.n < bulkRows {
		return nil
	}
	if w.full == nil {
		st, err := w.tx.PrepareContext(ctx, rebind(w.tx, w.insertSQL(bulkRows)))
		if err != nil {
			return err
		}
		w.full = st
	}
	if _, err := w.full.ExecContext(ctx, w.pending...); err != nil {
		return storeErr(err)
	}
	w.done()
	return nil
}

// Flush writes the queued rows.
func (w *Inserter) Flush(ctx context.Context) error {
	if len(w.copied) > 0 {
		return w.copy(ctx)
	}
	if w.n == 0 {
		return nil
	}
	if _, err := w.tx.ExecContext(ctx, w.insertSQL(w.n), w.pending...); err != nil {
		return storeErr(err)
	}
	w.done()
	return nil
}

func (w *Inserter) done() {
	w.written += w.n
	w.n = 0
	clear(w.pending) // let the sealed values go
	w.pending = w.pending[:0]
}

func (w *Inserter) copy(ctx context.Context) error {
	n, err := w.tx.CopyFrom(ctx, "persons", copyCols, w.copied)
	if err != nil {
		return storeErr(err)
	}
	w.written += int(n)
	clear(w.copied) // let the sealed values go
	w.copied = w.copied[:0]
	return nil
}

// Written counts the rows written so far.
func (w *Inserter) Written() int { return w.written }

// Close releases the prepared statement; queued rows are dropped.
func (w *Inserter) Close() error {
	if w.full == nil {
		return nil
	}
	return w.full.Close()
}

func (w *Inserter) insertSQL(rows int) string {
	return w.verb + " INTO persons (" + insertCols + ") VALUES " + valuesSQL(rows)
}

// RefreshStats has the query planner read the persons table anew after a
// bulk write. SQLite's hourly PRAGMA optimize samples; after a large import
// a plan chosen from the sample made a 分局's ID-tail search a hundred times
// slower until a full ANALYZE. On PostgreSQL a VACUUM also marks the new
// rows visible to all, so that searches read their indexes alone (an
// index-only scan) instead of fetching every candidate row: a 分局's capped
// count fell from 322 ms to 9 ms at 200,000 people.
func RefreshStats(ctx context.Context, d *db.DB) error {
	stmt := "ANALYZE persons"
	if d.Dialect == db.Postgres {
		stmt = "VACUUM (ANALYZE) persons"
	}
	_, err := d.W.ExecContext(ctx, stmt)
	return err
}
