package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hongdun/internal/app"
	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The data directory is its owner's only (0700); the database with its WAL
// and shared-memory files, the key and every backup are 0600, also where
// an older version or an operator left them wider.
func TestDataFilesAreOwnerOnly(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	mode := func(path string) os.FileMode {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	check := func(when string) {
		t.Helper()
		if m := mode(dir); m != 0o700 {
			t.Errorf("%s: data directory %o", when, m)
		}
		for _, f := range []string{"hongdun.db", "hongdun.db-wal", "hongdun.db-shm", "hongdun.key"} {
			if m := mode(filepath.Join(dir, f)); m != 0o600 {
				t.Errorf("%s: %s %o", when, f, m)
			}
		}
	}
	a, err := app.Open(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	apptest.Start(t, a.DB).Account(auth.SysAdmin, 0, 0) // writes, so the WAL exists
	check("new")
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := app.Backup(ctx, a.DB, backup); err != nil {
		t.Fatal(err)
	}
	if m := mode(backup); m != 0o600 {
		t.Errorf("backup %o", m)
	}
	if st, _ := os.Stat(backup); st.Size() == 0 {
		t.Error("empty backup")
	}
	if err := app.Backup(ctx, a.DB, backup); err == nil || !strings.Contains(err.Error(), "已存在") {
		t.Errorf("backup over an existing file: %v", err)
	}
	a.Close()

	// Wider modes left by an older version are narrowed at the next start.
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Join(dir, "hongdun.db"), 0o644)
	a, err = app.Open(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	apptest.Start(t, a.DB).Account(auth.SysAdmin, 0, 0)
	check("reopened")

	restored := filepath.Join(t.TempDir(), "restored")
	if err := app.Restore(ctx, backup, restored); err != nil {
		t.Fatal(err)
	}
	if m := mode(filepath.Join(restored, "hongdun.db")); m != 0o600 {
		t.Errorf("restored database %o", m)
	}
}

// No static path of the whole server lists a directory: /static/, each
// package's folder and its subfolders, and the per-feature file servers of
// earlier versions are 404 pages, not listings; a file is still served.
func TestStaticPathsListNoDirectory(t *testing.T) {
	e := apptest.Start(t, dbtest.SQLite(t))
	c := e.Anonymous()
	var paths []string
	for _, pkg := range []string{"web", "exam", "training", "org", "develop"} {
		paths = append(paths, "/static/"+pkg+"/", "/static/"+pkg, "/static/"+pkg+"/.", "/static/"+pkg+"/./")
	}
	paths = append(paths, "/static/", "/static", "/static/web/vendor/", "/static/web/vendor", "/static/vendor/", "/static/web//",
		"/static/web/%2e/", "/static/web/vendor/..", "/exams-static/", "/training/static/", "/development/static/", "/orgs/static/")
	for _, p := range paths {
		req, _ := http.NewRequest("GET", p, nil)
		st := c.Send(req, nil)
		if st == 200 || strings.Contains(c.Body(), "<pre>") || strings.Contains(c.Body(), `<a href="`) && strings.Contains(c.Body(), ".js") {
			t.Errorf("GET %s: %d %.120s", p, st, c.Body())
		}
	}
	req, _ := http.NewRequest("GET", "/static/web/app.css", nil)
	if st := c.Send(req, nil); st != 200 {
		t.Fatalf("a static file: %d", st)
	}
}
