package org

import (
	"context"
	"errors"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
)

// PathOf returns an organisation's materialised path, or a 404 error when
// there is no such organisation.
func PathOf(ctx context.Context, q db.Querier, id int64) (string, error) {
	o, err := Get(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) {
		return "", web.NotFound()
	}
	if err != nil {
		return "", err
	}
	return o.Path, nil
}

// WritablePath returns the path of an organisation the caller administers;
// anything else (unknown, outside the subtree, a read-only role) is a 404.
func WritablePath(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (string, error) {
	path, err := PathOf(ctx, q, id)
	if err != nil {
		return "", err
	}
	if !p.Writes() || !p.InScope(path) {
		return "", web.NotFound()
	}
	return path, nil
}
