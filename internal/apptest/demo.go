package apptest

import (
	"bytes"
	"context"
	"log/slog"
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

// Demo seeds the demo bureau with opts (its accounts' password is
// DemoPassword unless opts names one), then each feature's demo data in
// the order given. On SQLite the bureau is a copy of one seeded once per
// test process for the same options and clock (seeding 6,000 people costs
// seconds of CPU, a copy milliseconds): the application then restarts on
// the copy, keeping its clock, so Demo comes before anything is written.
func (e *Env) Demo(opts demo.Options, seeds ...func(context.Context, *core.Deps) error) {
	e.T.Helper()
	ctx := context.Background()
	if opts.Password == "" {
		opts.Password = DemoPassword
	}
	if e.DB.Dialect == db.SQLite && opts.Log == nil {
		e.restartOnDemo(opts)
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
// the bureau demo.Seed makes with opts.
func (e *Env) restartOnDemo(opts demo.Options) {
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
	now := e.App.Now
	img, err := seeded(opts, now)
	if err != nil {
		e.T.Fatal(err)
	}
	e.serve(dbtest.SQLiteFrom(e.T, img))
	e.App.Now = now
}

// demoKey names a seeded bureau: the options and the moment it was seeded
// at, or, on the real clock, its day (the bureau's dates follow the day).
type demoKey struct {
	seed     uint64
	members  int
	history  bool
	password string
	clock    string
}

// demos holds this test process's seeded bureaus: demoKey → the bytes of
// the SQLite file (a func from sync.OnceValues, so that tests needing the
// same bureau at once wait for one seeding).
var demos sync.Map

func seeded(opts demo.Options, now func() time.Time) ([]byte, error) {
	at := now()
	k := demoKey{opts.Seed, opts.Members, opts.History, opts.Password, at.UTC().Format(time.RFC3339Nano)}
	if !at.Equal(now()) { // the real clock
		k.clock = civil.Today(at).String()
	}
	f, _ := demos.LoadOrStore(k, sync.OnceValues(func() ([]byte, error) {
		return dbtest.SQLiteImage(func(ctx context.Context, d *db.DB) error {
			a := app.New(d, TestKeys(), app.Config{Log: slog.New(slog.DiscardHandler)})
			a.Now = now
			_, err := demo.Seed(ctx, a.Deps, opts)
			return err
		})
	}))
	return f.(func() ([]byte, error))()
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
