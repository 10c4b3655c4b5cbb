package web

import (
	"html/template"
	"net/http"
	"net/url"

	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
)

// Pager is one page of a long list: the page shown, its size, how many
// rows the filters match in all, and the list's query (its filters and
// sort) for the links to other pages and to the export. Templates show it
// with {{template "pager" .Pager}}.
type Pager struct {
	Page, PerPage, Total int
	Query                url.Values // without page
	// Path is the list's address when a form posted elsewhere re-shows it
	// (a refusal); empty, the links stay on the page's own address.
	Path string
	// Capped is a count that stopped at Total (the member search counts to
	// listing.TotalCap): the pager says "10,000+" and no number of pages,
	// and More, whether another page follows, decides the next link.
	Capped, More bool
}

// Paging reads page and per_page from r (1–200, default 50).
func Paging(r *http.Request) (Pager, error) {
	page, per, err := input.Paging(r.URL.Query())
	q := r.URL.Query()
	q.Del("page")
	q.Del("ok")
	return Pager{Page: page, PerPage: per, Query: q}, err
}

// ListFilter reads a list's filters with parse and its page with Paging
// (refused first), handing the page to the filter through page (the
// addresses of its Page and PerPage).
func ListFilter[F any](r *http.Request, parse func(url.Values) (F, error), page func(*F) (*int, *int)) (F, Pager, error) {
	pg, err := Paging(r)
	if err != nil {
		var f F
		return f, pg, err
	}
	f, err := parse(r.URL.Query())
	p, per := page(&f)
	*p, *per = pg.Page, pg.PerPage
	return f, pg, err
}

// Offset is how many rows come before the page.
func (p Pager) Offset() int { return (p.Page - 1) * p.PerPage }

// Pages is how many pages the rows fill.
func (p Pager) Pages() int {
	if p.PerPage <= 0 {
		return 1
	}
	return max(1, (p.Total+p.PerPage-1)/p.PerPage)
}

// Count is the total as the pager shows it: "37", or "10,000+" when the
// count stopped there.
func (p Pager) Count() string { return listing.Total{N: p.Total, Exact: !p.Capped}.String() }

// Next is whether a page follows this one.
func (p Pager) Next() bool {
	if p.Capped {
		return p.More
	}
	return p.Page < p.Pages()
}

// Encoded is the query, for an export link of exactly the rows the filters
// select: href="/x.xlsx?{{.Pager.Encoded}}". Its values are encoded.
func (p Pager) Encoded() template.URL { return template.URL(p.Query.Encode()) }
