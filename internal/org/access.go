package org

import (
	"context"
	"errors"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// PathOf returns an organisation's materialised path, or a 404 error when
// there is no such organisation.
func PathOf(ctx context.Context, q db.Querier, id int64) (string, error) {
	o, err := Get(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) {
		return "", fail.NotFound()
	}
	if err != nil {
		return "", err
	}
	return o.Path, nil
}

// ReadablePath returns the path of an organisation in the caller's scope;
// anything else (unknown, outside the subtree, a role without one) is a 404.
func ReadablePath(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (string, error) {
	path, err := PathOf(ctx, q, id)
	if err != nil {
		return "", err
	}
	if !scope.Of(p).Contains(path) {
		return "", fail.NotFound()
	}
	return path, nil
}

// WritablePath returns the path of an organisation the caller administers;
// anything else (unknown, outside the subtree, a read-only role) is a 404.
func WritablePath(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (string, error) {
	if !p.Writes() {
		return "", fail.NotFound()
	}
	return ReadablePath(ctx, q, p, id)
}

// Narrow is the caller's scope narrowed to the subtree of organisation id,
// for a list filter: 0 keeps the whole scope, an organisation outside it is
// a 404.
func Narrow(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (scope.Subtree, error) {
	if id == 0 {
		return scope.Of(p), nil
	}
	path, err := ReadablePath(ctx, q, p, id)
	if err != nil {
		return scope.Subtree{}, err
	}
	return scope.Under(path), nil
}

// BureauAdmin reports whether p is a 党务管理员 of the whole bureau (scope
// rooted at a top-level organisation): only they set what holds bureau-wide
// (development plans, rule overrides, the calendar, training requirements).
func BureauAdmin(p *auth.Principal) bool {
	root := scope.Of(p).Root()
	return root != "" && p.Writes() && strings.Count(root, "/") == 2
}
