package apptest

import (
	"bytes"
	"context"
	"time"

	"hongdun/internal/demo"
	"hongdun/internal/org"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/core"
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
// the order given.
func (e *Env) Demo(opts demo.Options, seeds ...func(context.Context, *core.Deps) error) {
	e.T.Helper()
	ctx := context.Background()
	if opts.Password == "" {
		opts.Password = DemoPassword
	}
	if _, err := demo.Seed(ctx, e.App.Deps, opts); err != nil {
		e.T.Fatal(err)
	}
	for _, seed := range seeds {
		if err := seed(ctx, e.App.Deps); err != nil {
			e.T.Fatal(err)
		}
	}
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
