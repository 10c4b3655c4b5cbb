package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/app"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// `hongdun import --kind development` checks and imports a 发展党员台账 into
// the only top organisation, and fails naming the row when one is wrong.
func TestImportLedgerCommand(t *testing.T) {
	t.Setenv("HONGDUN_KEY", "")
	t.Setenv("HONGDUN_KEY_FILE", "")
	dir := t.TempDir()
	ctx := context.Background()
	open := func() *app.App {
		a, err := app.Open(ctx, app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open()
	root := dbtest.AddOrg(t, a.DB, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
	dbtest.AddOrg(t, a.DB, dbtest.Org{Parent: root, Name: "城关派出所党支部", Kind: "branch"})
	a.Close()
	write := func(name, branch string) string {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "公民身份号码", "所在党支部", "递交入党申请书日期", "确定为入党积极分子日期"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"赵命令", idcard.WithCheckDigit("11010119950505001"), branch, "2024-01-05", "2024-05-06"})
		path := filepath.Join(t.TempDir(), name)
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("台账.xlsx", "城关派出所党支部")
	if err := importCmd(ctx, []string{"--kind", "development", "--data", dir, good, "--dry-run"}); err != nil {
		t.Fatal(err)
	}
	if err := importCmd(ctx, []string{write("错.xlsx", "别处党支部"), "--kind", "development", "--data", dir}); err == nil || !strings.Contains(err.Error(), "未导入") {
		t.Fatalf("a row naming an unknown branch: %v", err)
	}
	if err := importCmd(ctx, []string{good, "--kind", "nothing", "--data", dir}); err == nil {
		t.Fatal("an unknown kind is accepted")
	}
	a = open()
	n := 0
	a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM dev_cases").Scan(&n)
	a.Close()
	if n != 0 {
		t.Fatalf("a check or a refused file wrote %d cases", n)
	}
	if err := importCmd(ctx, []string{good, "--kind", "development", "--data", dir}); err != nil {
		t.Fatal(err)
	}
	a = open()
	defer a.Close()
	var status string
	if err := a.DB.QueryRowContext(ctx, "SELECT p.status FROM dev_cases c JOIN persons p ON p.id = c.person_id").Scan(&status); err != nil || status != "activist" {
		t.Fatalf("after the import: %q %v", status, err)
	}
}

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
