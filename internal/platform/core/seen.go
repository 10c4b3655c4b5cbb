package core

import (
	"context"
	"net/http"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
)

// Seen is web.Seen for a read that takes the Deps: the check of an
// ObjectForm or web.Guarded that the object is the caller's to see.
func Seen[O any](r *http.Request, d *Deps, get func(context.Context, *Deps, *auth.Principal, int64) (O, error)) func(id int64) error {
	return web.Seen(r, func(ctx context.Context, p *auth.Principal, id int64) (O, error) { return get(ctx, d, p, id) })
}
