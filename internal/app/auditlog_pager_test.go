package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
)

// The log pages with the shared pager: the next page and the export keep
// the search and the page size, the export holds exactly the records
// searched for, and bad paging is refused in Chinese (it was read as page 1).
func TestLogPagesWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "pagerbot", IP: "10.0.0.1"})
		for i, action := range []string{"member.update", "member.update", "member.update", "member.update", "member.update", "member.update", "member.update", "member.create"} {
			if err := e.App.Audit.Record(ctx, e.DB, audit.Event{Action: action, ObjectType: "person", ObjectID: fmt.Sprintf("pg-%s-%d", action, i)}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.Account(auth.Auditor, 0, 0)
		rows := func(q string) int {
			t.Helper()
			c.Expect(http.StatusOK, "GET", "/audit?"+q, nil, nil)
			return strings.Count(c.Body(), "<td>pagerbot</td>")
		}
		if n := rows("actor=pagerbot&action=member.update&per_page=3"); n != 3 || !strings.Contains(c.Body(), `data-total="7"`) {
			t.Fatalf("page 1: %d rows", n)
		}
		next, export := c.Link(`rel="next"`).Query(), c.Link(`id="audit-export"`)
		for _, q := range []map[string][]string{next, export.Query()} {
			if got := fmt.Sprint(q["actor"], q["action"], q["per_page"]); got != "[pagerbot] [member.update] [3]" {
				t.Errorf("a link lost the search: %v", q)
			}
		}
		if n := rows(next.Encode()); n != 3 || next.Get("page") != "2" || export.Query().Has("page") {
			t.Errorf("page 2: %d rows; export %s", n, export)
		}
		c.Expect(http.StatusOK, "GET", export.String(), nil, nil)
		if err := cellsafe.CheckCSV(bytes.NewReader(c.Last)); err != nil {
			t.Fatal(err)
		}
		lines := func(s string) (n int) {
			for _, l := range strings.Split(c.Body(), "\n") {
				if strings.Contains(l, s) {
					n++
				}
			}
			return n
		}
		if n, other := lines("pg-member.update-"), lines("pg-member.create-"); n != 7 || other != 0 {
			t.Errorf("the export holds %d records searched for and %d others", n, other)
		}
		for _, bad := range []struct {
			q, msg string
			st     int
		}{{"page=0", "页码应不小于 1", 422}, {"per_page=500", "每页条数应在 1 至 200 之间", 422}, {"page=abc", "页码应为整数", 400}} {
			if st := c.Do("GET", "/audit?actor=pagerbot&"+bad.q, nil, nil); st != bad.st || !strings.Contains(c.Body(), bad.msg) {
				t.Errorf("/audit?%s: %d, want %d saying %s", bad.q, st, bad.st, bad.msg)
			}
		}
	})
}
