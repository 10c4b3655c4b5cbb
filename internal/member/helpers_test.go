package member

import (
	"bytes"
	"context"
	"testing"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

func testKeys() *crypto.Keys {
	k, err := crypto.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

// addOrg inserts a 党支部 under parent (0: a root) and returns its id and path.
func addOrg(tb testing.TB, d *db.DB, parent int64, name string) (int64, string) {
	tb.Helper()
	id := dbtest.AddOrg(tb, d, dbtest.Org{Parent: parent, Name: name, Kind: "branch"})
	var path string
	if err := d.QueryRowContext(context.Background(), "SELECT path FROM orgs WHERE id = ?", id).Scan(&path); err != nil {
		tb.Fatal(err)
	}
	return id, path
}
