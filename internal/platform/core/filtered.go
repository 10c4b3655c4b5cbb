package core

import (
	"context"
	"net/http"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
)

// Filtered is the handler of a list's API whose filters read the request
// (a year shown by default, the org picked…): list's page of rows for the
// caller as JSON, list a feature function that takes the Deps.
func Filtered[F, L any](d *Deps, filter func(*http.Request) (F, web.Pager, error), list func(context.Context, *Deps, *auth.Principal, F) (L, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, _, err := filter(r)
		if err != nil {
			return err
		}
		l, err := list(r.Context(), d, web.Principal(r), f)
		return web.Reply(w, http.StatusOK, l, err)
	}
}
