package apptest

import (
	"bytes"
	"context"
	"errors"
	iofs "io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"

	"hongdun/internal/app"
	"hongdun/internal/demo"
	"hongdun/internal/org"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// DemoPassword is the password the tests give the demo bureau's accounts.
const DemoPassword = "Demo-Pass-2026!"

// At sets the application's clock to 10:00 Beijing time on day (YYYY-MM-DD).
func (e *Env) At(day string) {
	e.T.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", time.FixedZone("CST", 8*3600))
	if err != nil {
		e.T.Fatal(err)
	}
	e.App.Deps.Now = func() time.Time { return t }
}

// Seed is a feature's demo seed (its SeedDemo), as Demo takes it.
type Seed = func(context.Context, *core.Deps) error

// Demo seeds the demo bureau with opts (its accounts' password is
// DemoPassword unless opts names one), then each feature's demo data in
// the order given. On SQLite the bureau and the seeds are a copy of what
// they made once per test process for the same options, clock and seeds
// (seeding 6,000 people costs seconds of CPU, a feature's seed up to a
// second, a copy milliseconds; a list's every beginning is kept, so tests
// whose seeds start alike seed that part once): the application then
// restarts on the copy, keeping its clock, so Demo comes before anything
// is written. A seed that is a closure, and every one after it, runs on
// the copy (what it captured is no part of the key).
func (e *Env) Demo(opts demo.Options, seeds ...Seed) {
	e.T.Helper()
	ctx := context.Background()
	if opts.Password == "" {
		opts.Password = DemoPassword
	}
	if e.DB.Dialect == db.SQLite && opts.Log == nil {
		seeds = e.restartOnDemo(opts, seeds)
	} else if _, err := demo.Seed(ctx, e.App.Deps, opts); err != nil {
		e.T.Fatal(err)
	}
	for _, seed := range seeds {
		if err := seed(ctx, e.App.Deps); err != nil {
			e.T.Fatal(err)
		}
	}
}

// restartOnDemo serves the application, with the same clock, on a copy of
// the bureau demo.Seed makes with opts and the first of seeds that are
// named functions run on it; it returns the seeds left to run.
func (e *Env) restartOnDemo(opts demo.Options, seeds []Seed) []Seed {
	e.T.Helper()
	// Every write through the application is audited.
	var audited int
	orgs, err := org.All(context.Background(), e.DB)
	if err == nil {
		err = e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&audited)
	}
	if err != nil {
		e.T.Fatal(err)
	}
	if len(orgs)+audited > 0 {
		e.T.Fatal("apptest: Demo replaces the database: call it before anything is written")
	}
	named := 0
	for named < len(seeds) && !strings.Contains(seedName(seeds[named]), ".func") {
		named++
	}
	now := e.App.Now
	b, err := seeded(opts, now, seeds[:named])
	if err != nil {
		e.T.Fatal(err)
	}
	if err := b.files.restore(e.dir); err != nil {
		e.T.Fatal(err)
	}
	e.serve(dbtest.SQLiteFrom(e.T, b.db))
	e.App.Now = now
	return seeds[named:]
}

// seedName is a seed's function's name: a closure's ends in .funcN.
func seedName(s Seed) string { return runtime.FuncForPC(reflect.ValueOf(s).Pointer()).Name() }

// demoKey names a seeded bureau: the options, the moment it was seeded
// at, or, on the real clock, its day (the bureau's dates follow the day),
// and the seeds run on it, in order.
type demoKey struct {
	seed     uint64
	members  int
	history  bool
	password string
	clock    string
	seeds    string
}

// bureau is a seeded bureau: the SQLite file's bytes and the files the
// seeds stored in the data directory (photos).
type bureau struct {
	db    []byte
	files dataFiles
}

// demos holds this test process's seeded bureaus: demoKey → a func from
// sync.OnceValues returning the bureau, so that tests needing the same
// one at once wait for one seeding.
var demos sync.Map

// seeded returns the bureau of opts at now's clock with seeds run on it,
// each on a copy of the bureau of the seeds before it.
func seeded(opts demo.Options, now func() time.Time, seeds []Seed) (bureau, error) {
	at := now()
	k := demoKey{opts.Seed, opts.Members, opts.History, opts.Password, at.UTC().Format(time.RFC3339Nano), ""}
	if !at.Equal(now()) { // the real clock
		k.clock = civil.Today(at).String()
	}
	for _, s := range seeds {
		k.seeds += seedName(s) + "\n"
	}
	f, _ := demos.LoadOrStore(k, sync.OnceValues(func() (b bureau, err error) {
		var base bureau
		if len(seeds) > 0 {
			if base, err = seeded(opts, now, seeds[:len(seeds)-1]); err != nil {
				return b, err
			}
		}
		dir, err := os.MkdirTemp("", "hongdun-demo-")
		if err != nil {
			return b, err
		}
		defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
		if err := base.files.restore(dir); err != nil {
			return b, err
		}
		b.db, err = dbtest.SQLiteImage(base.db, func(ctx context.Context, d *db.DB) error {
			a := app.New(d, TestKeys(), app.Config{DataDir: dir, Log: slog.New(slog.DiscardHandler)})
			a.Now = now
			if len(seeds) == 0 {
				_, err := demo.Seed(ctx, a.Deps, opts)
				return err
			}
			return seeds[len(seeds)-1](ctx, a.Deps)
		})
		if err == nil {
			b.files, err = readFiles(dir)
		}
		return b, err
	}))
	return f.(func() (bureau, error))()
}

// dataFiles are the files of a data directory, by their path in it.
type dataFiles map[string][]byte

func readFiles(dir string) (dataFiles, error) {
	fs := dataFiles{}
	err := filepath.WalkDir(dir, func(path string, d iofs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err == nil {
			fs[rel], err = os.ReadFile(path)
		}
		return err
	})
	return fs, err
}

// restore writes the files into dir.
func (fs dataFiles) restore(dir string) error {
	for rel, content := range fs {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Root is the id of the bureau's root organisation (the one without a
// parent).
func (e *Env) Root() int64 {
	e.T.Helper()
	all, err := org.All(context.Background(), e.DB)
	if err != nil {
		e.T.Fatal(err)
	}
	for id, o := range all {
		if o.ParentID == 0 {
			return id
		}
	}
	e.T.Fatal("no root organisation")
	return 0
}

// Opens fails the test unless every page answers 200.
func (c *Client) Opens(pages ...string) {
	c.e.T.Helper()
	for _, p := range pages {
		c.Expect(200, "GET", p, nil, nil)
	}
}

// Downloads fails the test unless every path answers 200 with a workbook
// whose every cell cellsafe accepts.
func (c *Client) Downloads(paths ...string) {
	c.e.T.Helper()
	for _, p := range paths {
		c.Expect(200, "GET", p, nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(c.Last)); err != nil {
			c.e.T.Fatalf("%s: %v", p, err)
		}
	}
}
