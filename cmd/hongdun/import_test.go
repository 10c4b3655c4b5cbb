package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"hongdun/internal/app"
	"hongdun/internal/platform/dbtest"
)

// `hongdun import --kind dues_bases FILE` runs a file through the common
// import job: problems refuse it whole (non-zero exit), a clean file is
// written once and the user's file stays where it was.
func TestImportKindCommand(t *testing.T) {
	t.Setenv("HONGDUN_KEY", "")
	t.Setenv("HONGDUN_KEY_FILE", "")
	dir := t.TempDir()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	root := dbtest.AddOrg(t, a.DB, dbtest.Org{Name: "市局党委", Kind: "committee", CanApprove: true})
	branch := dbtest.AddOrg(t, a.DB, dbtest.Org{Parent: root, Name: "一支部", Kind: "branch"})
	dbtest.AddPerson(t, a.DB, dbtest.Person{Org: branch, Name: "张一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	a.Close()
	file := filepath.Join(t.TempDir(), "基数.csv")
	count := func() (n int) {
		t.Helper()
		a, err := app.Open(ctx, app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if err := a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM dues_bases").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	write := func(csv string) {
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("姓名,党员类别,党费基数（元）\n张一,在职,abc\n")
	if err := importCmd(ctx, []string{"--kind", "dues_bases", file, "--data", dir}); err == nil || count() != 0 {
		t.Fatalf("a bad file: %v", err)
	}
	write("姓名,党员类别,党费基数（元）\n张一,在职,4500\n")
	if err := importCmd(ctx, []string{"--kind", "dues_bases", file, "--data", dir, "--dry-run"}); err != nil || count() != 0 {
		t.Fatalf("dry run: %v", err)
	}
	if err := importCmd(ctx, []string{file, "--kind", "dues_bases", "--data", dir}); err != nil || count() != 1 {
		t.Fatalf("import: %v", err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal("the command removed the user's file")
	}
	if err := importCmd(ctx, []string{"--kind", "x", file, "--data", dir}); err == nil {
		t.Fatal("an unknown kind")
	}
}
