package importer

import (
	"context"
	"database/sql/driver"
	"time"

	"hongdun/internal/platform/db"
	"hongdun/internal/stats"
)

// InTx runs fn in one write transaction, which announces to the dashboard
// as it commits when it began (stats.LateWrite): an import runs for minutes
// at a million people, and its rows are stamped when written, long before
// they become visible. On SQLite it holds the
// writer connection for the whole import with foreign-key checks off: with
// them on, every multi-row INSERT keeps a statement journal (a copy of each
// page it touches, to undo itself on a violation), which costs about as
// much as the insert itself. The import writes only organisation ids it has
// read or created in the same transaction. The checks are back on before
// the connection returns to the pool (or the connection is dropped).
func InTx(ctx context.Context, d *db.DB, fn func(tx *db.Tx) error) (err error) {
	began, write := time.Now().UnixMilli(), fn
	fn = func(tx *db.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return stats.LateWrite(ctx, tx, began, time.Now())
	}
	if d.Dialect != db.SQLite {
		return d.InTx(ctx, fn)
	}
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer func() {
		ctx := context.WithoutCancel(ctx)
		on := 0
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON"); err == nil {
			_ = conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on) // a failed read leaves on at 0: the connection goes
		}
		if on != 1 {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // ErrBadConn on purpose: database/sql discards the connection
		}
	}()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&db.Tx{Tx: stx}); err != nil { // the zero dialect is SQLite
		stx.Rollback()
		return err
	}
	return stx.Commit()
}
