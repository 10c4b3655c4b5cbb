package member

import (
	"context"

	"hongdun/internal/platform/db"
)

// DeferredIndexes are the indexes of persons dropped for a bulk load in a
// transaction, built again by Restore before it commits. Each index
// maintained row by row costs a bulk load about as much as the rows
// themselves (on PostgreSQL about 6.5 µs of server CPU a row and index;
// persons has fourteen besides its primary key), while building one from the
// finished table is a single sort. The unique ID-number index goes too:
// the load writes no ID number already registered or twice (the importer
// checks both, and nothing else writes persons meanwhile), and its rebuild
// would refuse a duplicate all the same.
type DeferredIndexes struct {
	defs []string
}

// DeferIndexesFrom is the fewest rows a bulk load defers the indexes for.
var DeferIndexesFrom = 10_000

// DeferIndexes drops the indexes of persons but its primary key in tx when
// a load of rows people is at least DeferIndexesFrom and at least as many
// as persons holds already: rebuilding then sorts at most twice the rows
// the load adds. It returns nil (and changes nothing) otherwise. The drop
// locks persons against every other writer until the transaction ends
// (and on PostgreSQL against every reader too), so the load must read
// persons only through tx.
func DeferIndexes(ctx context.Context, tx *db.Tx, rows int) (*DeferredIndexes, error) {
	if rows < DeferIndexesFrom {
		return nil, nil
	}
	var held int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM persons LIMIT ?) p", rows+1).Scan(&held); err != nil {
		return nil, err
	}
	if held > rows {
		return nil, nil
	}
	// Each index's definition as the catalog keeps it, so that Restore
	// builds exactly what the migrations made.
	q := `SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list('persons') l ON l.name = m.name
		WHERE m.type = 'index' AND l.origin = 'c' ORDER BY m.name`
	if tx.D() == db.Postgres {
		q = `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid = 'persons'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
			ORDER BY c.relname`
	}
	type index struct{ name, def string }
	rs, err := tx.QueryContext(ctx, q)
	indexes, err := db.Collect(rs, err, func(r db.Scanner) (ix index, err error) {
		err = r.Scan(&ix.name, &ix.def)
		return ix, err
	})
	if err != nil {
		return nil, err
	}
	x := &DeferredIndexes{}
	for _, ix := range indexes {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+ix.name+`"`); err != nil {
			return nil, err
		}
		x.defs = append(x.defs, ix.def)
	}
	return x, nil
}

// Restore builds the dropped indexes again, in tx. A duplicate ID number
// gives ErrDuplicateID.
func (x *DeferredIndexes) Restore(ctx context.Context, tx *db.Tx) error {
	for _, def := range x.defs {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return storeErr(err)
		}
	}
	return nil
}
