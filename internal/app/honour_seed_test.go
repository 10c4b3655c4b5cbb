package app_test

import (
	"bytes"
	"context"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/honour"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// The demo bureau gets honours at every level in each of three years and
// this year's 纪念章 list with some issued; seeding twice adds nothing; the
// pages show them.
func TestHonourSeedDemo(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	ctx := context.Background()
	e.Demo(demo.Options{Seed: 1}, honour.SeedDemo)
	n := e.Count("SELECT COUNT(*) FROM honours")
	for _, l := range honour.Levels {
		if c := e.Count("SELECT COUNT(DISTINCT substr(h.awarded_on, 1, 4)) FROM honours h JOIN honour_issuers i ON i.id = h.issuer_id WHERE i.level = ?", l.Code); c != 3 {
			t.Errorf("%s: honours in %d years, want 3", l.Label, c)
		}
	}
	if e.Count("SELECT COUNT(*) FROM medals WHERE state = 'issued'") == 0 || e.Count("SELECT COUNT(*) FROM medals WHERE state = 'applied'") == 0 {
		t.Error("no medals issued or waiting")
	}
	if err := honour.SeedDemo(ctx, e.App.Deps); err != nil || e.Count("SELECT COUNT(*) FROM honours") != n {
		t.Errorf("second seed: %v", err)
	}
	root := e.Root()
	c := e.Account(auth.Leader, root, 0)
	for path, want := range map[string]string{"/honours": "三年以来，受国家级表彰", "/medals": "已颁发"} {
		if st, body := get(t, c, path); st != 200 || !bytes.Contains(body, []byte(want)) {
			t.Errorf("%s: %d, missing %s", path, st, want)
		}
	}
}
