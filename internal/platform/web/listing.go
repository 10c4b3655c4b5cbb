package web

import (
	"context"
	"net/http"
	"net/url"

	"hongdun/internal/platform/auth"
)

// A Listing reads a list page and its export the same way: Parse reads the
// filters of the query, Page points at where a filter keeps its page and
// size, List reads the caller's rows (every row when the size is 0) as a
// listing.List or a list that embeds one.
type Listing[F any, L interface{ Matched() int }] struct {
	Parse func(url.Values) (F, error)
	Page  func(*F) (*int, *int)
	List  func(context.Context, *auth.Principal, F) (L, error)
}

// ListOf is the Listing of parse, page and list.
func ListOf[F any, L interface{ Matched() int }](parse func(url.Values) (F, error), page func(*F) (*int, *int), list func(context.Context, *auth.Principal, F) (L, error)) Listing[F, L] {
	return Listing[F, L]{Parse: parse, Page: page, List: list}
}

// Read is the page the query asks for, with its filters and its pager
// (Total set). Bad paging is refused before the filters.
func (l Listing[F, L]) Read(r *http.Request) (F, Pager, L, error) {
	return l.read(r, false)
}

// All is every row the query's filters select, for the export; the pager
// carries the filters (Encoded, for the audit of the export).
func (l Listing[F, L]) All(r *http.Request) (F, Pager, L, error) {
	return l.read(r, true)
}

// Serve is the list's API: the page the query asks for as JSON.
func (l Listing[F, L]) Serve(w http.ResponseWriter, r *http.Request) error {
	_, _, rows, err := l.Read(r)
	return Reply(w, http.StatusOK, rows, err)
}

func (l Listing[F, L]) read(r *http.Request, all bool) (F, Pager, L, error) {
	var rows L
	f, pg, err := ListFilter(r, l.Parse, l.Page)
	if err != nil {
		return f, pg, rows, err
	}
	if all {
		_, per := l.Page(&f)
		*per = 0
	}
	if rows, err = l.List(r.Context(), Principal(r), f); err == nil {
		pg.Total = rows.Matched()
	}
	return f, pg, rows, err
}
