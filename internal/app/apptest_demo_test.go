package app_test

import (
	"context"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/life"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/weak"
)

// Env.Demo serves, on SQLite, a copy of a bureau seeded once per test
// process: the copy holds what demo.Seed writes, serves on the test's
// server, keeps the test's clock, and each test's copy is its own.
func TestDemoCopiesTheSeededBureau(t *testing.T) {
	t.Parallel()
	opts := demo.Options{Seed: 4, Members: 300, History: true}
	var envs [3]*apptest.Env
	for i := range envs {
		envs[i] = apptest.Start(t, dbtest.SQLite(t))
	}
	envs[0].Demo(opts)
	envs[1].Demo(opts)
	opts.Password = apptest.DemoPassword
	if _, err := demo.Seed(context.Background(), envs[2].App.Deps, opts); err != nil {
		t.Fatal(err)
	}
	// What the bureau is: its rows, their ids and names.
	contents := func(e *apptest.Env) string {
		t.Helper()
		var b strings.Builder
		for _, q := range []string{
			"SELECT COUNT(*) || ' ' || SUM(id) || ' ' || SUM(LENGTH(name)) FROM orgs",
			"SELECT COUNT(*) || ' ' || SUM(id) || ' ' || SUM(LENGTH(name)) || ' ' || SUM(LENGTH(status)) FROM persons",
			"SELECT COUNT(*) || ' ' || SUM(id) FROM person_events",
			"SELECT COUNT(*) || ' ' || SUM(id) || ' ' || SUM(LENGTH(username)) FROM accounts",
			"SELECT COUNT(*) FROM audit_log",
		} {
			var s string
			if err := e.DB.QueryRowContext(context.Background(), q).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			b.WriteString(s + "\n")
		}
		return b.String()
	}
	seeded := contents(envs[2])
	for i, e := range envs {
		if got := contents(e); got != seeded {
			t.Errorf("copy %d holds\n%s, the seeded bureau\n%s", i, got, seeded)
		}
		if st := e.Login("shiju", apptest.DemoPassword).Do("GET", "/members", nil, nil); st != 200 {
			t.Errorf("copy %d: /members %d", i, st)
		}
	}
	was0, was1 := contents(envs[0]), contents(envs[1])
	envs[0].Exec("UPDATE persons SET name = '改了一个名字' WHERE id = (SELECT MIN(id) FROM persons)")
	if contents(envs[0]) == was0 || contents(envs[1]) != was1 {
		t.Error("a write to one copy of the demo bureau shows in another, or in none")
	}

	// A feature's seed: a copy holds what it writes on the bureau, whether
	// the copy's seeds end with it or go on (a list's beginning is kept);
	// a closure runs on the copy, each time.
	meetings := func(e *apptest.Env) string {
		t.Helper()
		var s string
		if err := e.DB.QueryRowContext(context.Background(),
			"SELECT COUNT(*) || ' ' || SUM(id) || ' ' || SUM(LENGTH(topic)) FROM life_meetings").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := life.SeedDemo(context.Background(), envs[2].App.Deps); err != nil {
		t.Fatal(err)
	}
	runs := 0
	closure := func(context.Context, *core.Deps) error { runs++; return nil }
	for i, seeds := range [][]apptest.Seed{{life.SeedDemo}, {life.SeedDemo, weak.SeedDemo}, {life.SeedDemo, closure}, {life.SeedDemo, closure}} {
		e := apptest.Start(t, dbtest.SQLite(t))
		e.Demo(opts, seeds...)
		if got, want := meetings(e), meetings(envs[2]); got != want || got == "0 " {
			t.Errorf("seeds %d: the copy holds the meetings %q, seeding in place %q", i, got, want)
		}
	}
	if runs != 2 {
		t.Errorf("a closure seed ran %d times in two Demos", runs)
	}

	// A test's clock set before Demo stays set.
	e := apptest.Start(t, dbtest.SQLite(t))
	e.At("2026-05-20")
	clock := e.App.Now()
	e.Demo(opts)
	if !e.App.Now().Equal(clock) || e.Count("SELECT COUNT(*) FROM persons") == 0 {
		t.Errorf("after Demo the clock reads %s, want %s", e.App.Now(), clock)
	}
}
