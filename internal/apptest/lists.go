package apptest

import (
	"bytes"
	"net/url"
	"regexp"
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
