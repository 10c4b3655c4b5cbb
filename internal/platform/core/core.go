// Package core bundles the platform services that every feature package
// receives, so features depend on the platform and never on each other's
// wiring.
package core

import (
	"context"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
)

// Deps is handed to each feature's Routes function.
type Deps struct {
	DB    *db.DB
	Keys  *crypto.Keys
	Audit *audit.Log
	Auth  *auth.Service
	Web   *web.Server
	Now   func() time.Time
	// DataDir holds SQLite, the key file and uploaded files.
	DataDir string
}

// Today is the civil date in Asia/Shanghai.
func (d *Deps) Today() string { return d.Now().In(web.Shanghai).Format("2006-01-02") }

// Posted is web.Posted for a feature function that takes the Deps.
func Posted[I, O any](d *Deps, status int, do func(context.Context, *Deps, *auth.Principal, I) (O, error)) web.HandlerFunc {
	return web.Posted(status, func(ctx context.Context, p *auth.Principal, in I) (O, error) { return do(ctx, d, p, in) })
}

// Show is web.Show for a feature function that takes the Deps.
func Show[O any](d *Deps, get func(context.Context, *Deps, *auth.Principal, int64) (O, error)) web.HandlerFunc {
	return web.Show(func(ctx context.Context, p *auth.Principal, id int64) (O, error) { return get(ctx, d, p, id) })
}
