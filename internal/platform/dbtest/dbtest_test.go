package dbtest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"hongdun/internal/platform/db"
)

// Each PostgreSQL test gets a database of its own with every table SQLite
// has after migrating, and the database is gone when the test ends.
func TestPostgresCopiesTheMigratedTemplate(t *testing.T) {
	if os.Getenv("TEST_PG_DSN") == "" {
		t.Skip("TEST_PG_DSN 未设置，跳过 PostgreSQL 测试")
	}
	want := Tables(t, SQLite(t))
	slices.Sort(want)
	var names []string
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			d := Postgres(t)
			got := Tables(t, d)
			slices.Sort(got)
			// goose's own table is in both; nothing else may differ.
			if !slices.Equal(got, want) {
				t.Fatalf("PostgreSQL tables %v, SQLite %v", got, want)
			}
			var name string
			if err := d.R.QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
				t.Fatal(err)
			}
			names = append(names, name)
			// A row written here must not show in the next test's database.
			if i == 0 {
				AddOrg(t, d, Org{Name: "市公安局党委", Kind: "committee"})
			} else if n := count(t, d.R.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM orgs")); n != 0 {
				t.Fatalf("%d organisations in a fresh copy", n)
			}
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases %v", names)
	}
	admin, err := pgAdmin()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if n := count(t, admin.QueryRow("SELECT COUNT(*) FROM pg_database WHERE datname = $1", name)); n != 0 {
			t.Errorf("database %s still exists after its test", name)
		}
	}
}

// A database left under the next name by a killed process with the same
// process id does not stop the next test, which gets a fresh copy.
func TestPostgresReplacesAStaleDatabase(t *testing.T) {
	if os.Getenv("TEST_PG_DSN") == "" {
		t.Skip("TEST_PG_DSN 未设置，跳过 PostgreSQL 测试")
	}
	tpl, err := pgTemplate()
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgAdmin()
	if err != nil {
		t.Fatal(err)
	}
	stale := fmt.Sprintf("t_%d_%d", os.Getpid(), seq.Load()+1)
	if _, err := admin.Exec("CREATE DATABASE " + stale + " TEMPLATE " + tpl); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + stale + " WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	dsn, err := pgDSNFor(os.Getenv("TEST_PG_DSN"), stale)
	if err != nil {
		t.Fatal(err)
	}
	left, err := db.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	AddOrg(t, left, Org{Name: "上次运行留下的组织", Kind: "committee"})
	// Still connected, as a killed process's sessions may linger.
	d := Postgres(t)
	var name string
	if err := d.R.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != stale {
		t.Fatalf("opened %s, expected the name %s again", name, stale)
	}
	if n := count(t, d.R.QueryRow("SELECT COUNT(*) FROM orgs")); n != 0 {
		t.Fatalf("%d organisations in the replaced database", n)
	}
	// Its sessions were ended by the DROP … WITH (FORCE).
	if err := left.Close(); err != nil {
		t.Log(err)
	}
}

type scanner interface{ Scan(...any) error }

func count(t *testing.T, row scanner) int {
	t.Helper()
	var n int
	if err := row.Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
