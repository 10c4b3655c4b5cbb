// Package core bundles the platform services that every feature package
// receives, so features depend on the platform and never on each other's
// wiring.
package core

import (
	"context"
	"net/http"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
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
	// Census counts the people from the dashboard's snapshot (nil: a
	// caller counts the table).
	Census Census
}

// A Census calls each with the number of people of every organisation path
// of s by status, exactly as of the call, from a copy kept up to date
// instead of a count of a million rows, and returns the version of the
// figures it read, which moves whenever they change; when that is known (a
// version the caller was given before; 0 is never one) it calls nothing,
// and the caller keeps what it made of them. It reads outside any
// transaction: a caller inside one counts the table in its transaction
// instead.
type Census func(ctx context.Context, s scope.Subtree, known uint64, each func(path, status string, n int)) (uint64, error)

// Stamp is the updated_at of every write to the tables the census follows
// (persons, orgs): the wall clock in unix milliseconds, never Deps.Now,
// which tests fix in the past. The census reads again only the rows stamped
// since its last look: a row stamped with an earlier time stays uncounted.
func Stamp() int64 { return time.Now().UnixMilli() }

// Today is the civil date in Asia/Shanghai.
func (d *Deps) Today() string { return d.Now().In(web.Shanghai).Format("2006-01-02") }

// Posted is web.Posted for a feature function that takes the Deps.
func Posted[I, O any](d *Deps, status int, do func(context.Context, *Deps, *auth.Principal, I) (O, error)) web.HandlerFunc {
	return web.Posted(status, func(ctx context.Context, p *auth.Principal, in I) (O, error) { return do(ctx, d, p, in) })
}

// Done is web.Done for a feature function that takes the Deps.
func Done[I any](d *Deps, status int, do func(context.Context, *Deps, *auth.Principal, I) error) web.HandlerFunc {
	return web.Done(status, func(ctx context.Context, p *auth.Principal, in I) error { return do(ctx, d, p, in) })
}

// Show is web.Show for a feature function that takes the Deps.
func Show[O any](d *Deps, get func(context.Context, *Deps, *auth.Principal, int64) (O, error)) web.HandlerFunc {
	return web.Show(func(ctx context.Context, p *auth.Principal, id int64) (O, error) { return get(ctx, d, p, id) })
}

// PostedOn is web.PostedOn for a feature function that takes the Deps.
func PostedOn[I, O any](d *Deps, status int, do func(context.Context, *Deps, *auth.Principal, int64, I) (O, error)) web.HandlerFunc {
	return web.PostedOn(status, func(ctx context.Context, p *auth.Principal, id int64, in I) (O, error) { return do(ctx, d, p, id, in) })
}

// Versioned is the body of a step whose only field is the version of the
// object it acts on.
type Versioned struct {
	Version int `json:"version"`
}

// Stepped is PostedOn (200) for a step on the object of the path whose
// body is only its version.
func Stepped[O any](d *Deps, step func(context.Context, *Deps, *auth.Principal, int64, int) (O, error)) web.HandlerFunc {
	return PostedOn(d, http.StatusOK, func(ctx context.Context, d *Deps, p *auth.Principal, id int64, in Versioned) (O, error) {
		return step(ctx, d, p, id, in.Version)
	})
}

// Read is web.Show for a read that takes the database.
func Read[O any](d *Deps, get func(context.Context, db.Querier, *auth.Principal, int64) (O, error)) web.HandlerFunc {
	return web.Show(func(ctx context.Context, p *auth.Principal, id int64) (O, error) { return get(ctx, d.DB, p, id) })
}

// Guarded is web.Guarded on the object get reads for the caller, a feature
// function that takes the Deps (out of scope: not found, before the body
// is read).
func Guarded[O any](w http.ResponseWriter, r *http.Request, d *Deps, get func(context.Context, *Deps, *auth.Principal, int64) (O, error), body any, do func(id int64) (O, error)) error {
	seen := func(id int64) error {
		_, err := get(r.Context(), d, web.Principal(r), id)
		return err
	}
	return web.Guarded(w, r, seen, body, do)
}

// SendXLSX records ev (an export, in the audit log), then answers with the
// workbook of sheets as the download file.
func (d *Deps) SendXLSX(w http.ResponseWriter, r *http.Request, file string, ev audit.Event, sheets ...cellsafe.Sheet) error {
	if err := d.Audit.Record(r.Context(), d.DB, ev); err != nil {
		return err
	}
	return cellsafe.SendXLSX(w, file, sheets...)
}

// SendList records ev, the export of a list, with its filters (from the
// pager) and how many rows, then answers with the rows as one sheet of the
// download file.
func (d *Deps) SendList(w http.ResponseWriter, r *http.Request, file string, ev audit.Event, pg web.Pager, sheet cellsafe.Sheet) error {
	ev.Detail = map[string]any{"filter": pg.Encoded(), "rows": len(sheet.Rows)}
	return d.SendXLSX(w, r, file, ev, sheet)
}
