package apptest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/cellsafe"
)

// Link is the address of the link marked attr (its id="…" or rel="…") in
// the last reply, for a list test to follow a pager's or an export's link.
func (c *Client) Link(attr string) *url.URL {
	c.e.T.Helper()
	a := regexp.QuoteMeta(attr)
	m := regexp.MustCompile(`<a [^>]*href="([^"]*)"[^>]*` + a + `|<a [^>]*` + a + `[^>]*href="([^"]*)"`).FindStringSubmatch(c.Body())
	if m == nil {
		c.e.T.Fatalf("no link %s", attr)
	}
	u, err := url.Parse(strings.ReplaceAll(m[1]+m[2], "&amp;", "&"))
	if err != nil {
		c.e.T.Fatal(err)
	}
	return u
}

// Exported checks the last reply with cellsafe.CheckXLSX and counts the
// rows of its first sheet holding marker.
func (c *Client) Exported(marker string) int {
	c.e.T.Helper()
	if err := cellsafe.CheckXLSX(bytes.NewReader(c.Last)); err != nil {
		c.e.T.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(c.Last))
	if err != nil {
		c.e.T.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		c.e.T.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if strings.Contains(strings.Join(r, "|"), marker) {
			n++
		}
	}
	return n
}

// List is a long list page to check with CheckList: its path, the filters
// of the rows under test (naming an org), how a row of the page begins
// (`<tr id="visit-`), the mark of its export link (`id="visits-export"`),
// a text every exported row of those filters holds and no other row does,
// how many rows the filters select (more than two pages of PerPage), and
// texts of rows the filters leave out, which no exported row may hold.
// A list without a download has no Export (nor Marker or Others); one
// whose download is not at Path/export names it in Download.
type List struct {
	Path, Filters, Row, Export, Marker, Download string
	Total, PerPage                               int
	Others                                       []string
}

// download is where l's export is served.
func (l List) download() string {
	if l.Download != "" {
		return l.Download
	}
	return l.Path + "/export"
}

// CheckList checks a list against the shared pager's convention as c: the
// first page holds PerPage rows of Total, its next page keeps the filters
// and the page size, the export link carries them without the page and
// its .xlsx holds exactly the Total rows of Marker; page=0, per_page=500
// and page=abc are refused in Chinese; and outsider, for whom the
// filters' org is out of scope, gets a 404 listing nothing, page and export
// (nil for a list of the caller's own unit, which names no org).
func (c *Client) CheckList(l List, outsider *Client) {
	t := c.e.T
	t.Helper()
	filters, err := url.ParseQuery(l.Filters)
	if err != nil {
		t.Fatal(err)
	}
	per := strconv.Itoa(l.PerPage)
	keeps := func(q url.Values, what string, page bool) {
		t.Helper()
		for k := range filters {
			if q.Get(k) != filters.Get(k) {
				t.Errorf("%s: %s lost %s=%s: %v", l.Path, what, k, filters.Get(k), q)
			}
		}
		if q.Get("per_page") != per || q.Has("page") != page {
			t.Errorf("%s: %s: %v", l.Path, what, q)
		}
	}
	rows := func(q string) int {
		t.Helper()
		if st := c.Do("GET", l.Path+"?"+q, nil, nil); st != http.StatusOK {
			t.Fatalf("GET %s?%s: %d", l.Path, q, st)
		}
		return strings.Count(c.Body(), l.Row)
	}
	if n := rows(l.Filters + "&per_page=" + per); n != l.PerPage || !strings.Contains(c.Body(), fmt.Sprintf(`data-total="%d"`, l.Total)) {
		t.Fatalf("%s page 1: %d rows, want %d of %d", l.Path, n, l.PerPage, l.Total)
	}
	next := c.Link(`rel="next"`).Query()
	var export *url.URL
	if l.Export != "" {
		export = c.Link(l.Export)
		keeps(export.Query(), "the export", false)
	}
	keeps(next, "the next page", true)
	if n := rows(next.Encode()); n != min(l.PerPage, l.Total-l.PerPage) || next.Get("page") != "2" || !strings.Contains(c.Body(), `rel="prev"`) {
		t.Errorf("%s page 2: %d rows", l.Path, n)
	}
	if export != nil {
		c.checkExport(l, export)
	}
	for _, bad := range []struct {
		q, msg string
		st     int
	}{{"page=0", "页码应不小于 1", 422}, {"per_page=500", "每页条数应在 1 至 200 之间", 422}, {"page=abc", "页码应为整数", 400}} {
		if st := c.Do("GET", l.Path+"?"+l.Filters+"&"+bad.q, nil, nil); st != bad.st || !strings.Contains(c.Body(), bad.msg) {
			t.Errorf("%s?%s: %d, want %d saying %s", l.Path, bad.q, st, bad.st, bad.msg)
		}
	}
	if outsider == nil {
		return
	}
	paths := []string{l.Path}
	if export != nil {
		paths = append(paths, l.download())
	}
	for _, p := range paths {
		if st := outsider.Do("GET", p+"?"+l.Filters, nil, nil); st != http.StatusNotFound || (l.Marker != "" && strings.Contains(outsider.Body(), l.Marker)) {
			t.Errorf("%s?%s out of scope: %d", p, l.Filters, st)
		}
	}
}

// checkExport downloads export and checks it holds exactly the rows of
// l's filters.
func (c *Client) checkExport(l List, export *url.URL) {
	t := c.e.T
	t.Helper()
	if st := c.Do("GET", export.String(), nil, nil); st != http.StatusOK || export.Path != l.download() {
		t.Fatalf("%s: %d %s", export, st, c.Body())
	}
	if n := c.Exported(l.Marker); n != l.Total {
		t.Errorf("%s holds %d rows of %s, want %d", export, n, l.Marker, l.Total)
	}
	for _, o := range l.Others {
		if n := c.Exported(o); n != 0 {
			t.Errorf("%s holds %d rows of %s, which its filters leave out", export, n, o)
		}
	}
}
