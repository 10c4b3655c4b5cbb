package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"hongdun/internal/app"
	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// Two app instances on one PostgreSQL database share sessions: a login on
// one is honoured by the other, and a logout on either ends it for both.
func TestSessionsSharedAcrossInstances(t *testing.T) {
	dsn := dbtest.PostgresDSN(t)
	ctx := context.Background()
	open := func() *apptest.Env {
		d, err := db.Open(ctx, dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return apptest.Start(t, d)
	}
	one, two := open(), open()
	c := one.Account(auth.SysAdmin, 0, 0)
	other := two.Anonymous()
	other.Token = c.Token
	other.Expect(200, "GET", "/api/v1/me", nil, nil)           // session from instance one refused by instance two
	other.Expect(200, "POST", "/api/v1/auth/logout", nil, nil) // logout on two
	// Instance one has the session in its cache: it must notice the
	// logout through the session epoch within auth.EpochEvery.
	deadline := time.Now().Add(auth.EpochEvery + time.Second)
	for c.Do("GET", "/api/v1/me", nil, nil) != 401 {
		if time.Now().After(deadline) {
			t.Fatalf("instance one still honours a session ended on two after %s", auth.EpochEvery+time.Second)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Backup of a live database restores to identical contents.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := app.Open(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := apptest.Start(t, a.DB)
	e.Account(auth.SysAdmin, 0, 0)
	e.Account(auth.Auditor, 0, 0)
	sum := func(d *db.DB) (int, string) {
		var n int
		var h string
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n)
		d.QueryRowContext(ctx, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&h)
		return n, h
	}
	n1, h1 := sum(a.DB)
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := app.Backup(ctx, a.DB, file); err != nil {
		t.Fatal(err)
	}
	if err := app.Backup(ctx, a.DB, file); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	a.Close()
	restored := t.TempDir()
	if err := app.Restore(ctx, file, restored); err != nil {
		t.Fatal(err)
	}
	b, err := app.Open(ctx, app.Config{DataDir: restored})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	n2, h2 := sum(b.DB)
	if n1 == 0 || n1 != n2 || h1 != h2 {
		t.Fatalf("restored audit log differs: %d/%s vs %d/%s", n1, h1, n2, h2)
	}
	var accounts int
	b.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&accounts)
	if accounts != 2 {
		t.Fatalf("restored accounts: %d", accounts)
	}
	if err := app.Restore(ctx, filepath.Join(dir, "hongdun.key"), t.TempDir()); err == nil {
		t.Fatal("restoring a non-database file succeeded")
	}
}
