package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"hongdun/internal/platform/input"
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
	// member.TotalCap): the pager says "10,000+" and no number of pages,
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
func (p Pager) Count() string {
	n := strconv.Itoa(p.Total)
	if !p.Capped {
		return n
	}
	for i := len(n) - 3; i > 0; i -= 3 {
		n = n[:i] + "," + n[i:]
	}
	return n + "+"
}

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
