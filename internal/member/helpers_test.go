package member

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
)

func testKeys() *crypto.Keys {
	k, err := crypto.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

// addOrg inserts an organisation under parent (0: a root) and returns its id and path.
func addOrg(tb testing.TB, d *db.DB, parent int64, name string) (int64, string) {
	tb.Helper()
	ctx := context.Background()
	var id int64
	var path string
	err := d.InTx(ctx, func(tx *db.Tx) error {
		base := "/"
		var p any
		if parent != 0 {
			p = parent
			if err := tx.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", parent).Scan(&base); err != nil {
				return err
			}
		}
		var err error
		if id, err = db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, path, created_at, updated_at) VALUES (?,?,'branch','',0,0)", p, name); err != nil {
			return err
		}
		path = fmt.Sprintf("%s%d/", base, id)
		_, err = tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", path, id)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return id, path
}
