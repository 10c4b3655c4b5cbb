package honour_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
)

// The 表彰 list and the 纪念章 list page with the shared pager: the next
// page keeps the filters and the page size, the export holds every
// filtered row (and no other), bad paging is refused in Chinese, and an
// organisation outside the caller's scope is a 404 that lists nothing.
func TestListsPageFilterAndExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		for i := range 7 {
			p := b.person(t, b.aBranch, fmt.Sprintf("甲党员%d", i), "full", "1970-01-01")
			if st := b.adminA.Do("POST", "/api/v1/honours", map[string]any{"kind": "person", "person_id": p, "title": "优秀共产党员", "issuer_id": 14,
				"awarded_on": fmt.Sprintf("2025-06-%02d", i+1)}, nil); st != http.StatusCreated {
				t.Fatalf("honour %d: %d %s", i, st, b.adminA.Body())
			}
		}
		// Rows the filters leave out: a unit's honour, and another 分局's person and honour.
		if st := b.adminA.Do("POST", "/api/v1/honours", map[string]any{"kind": "unit", "org_id": b.aBranch, "title": "先进基层党组织", "issuer_id": 14,
			"awarded_on": "2025-06-30"}, nil); st != http.StatusCreated {
			t.Fatalf("unit honour: %d %s", st, b.adminA.Body())
		}
		other := b.person(t, b.bBranch, "乙党员", "full", "1970-01-01")
		if st := b.admin.Do("POST", "/api/v1/honours", map[string]any{"kind": "person", "person_id": other, "title": "优秀共产党员", "issuer_id": 14,
			"awarded_on": "2025-06-01"}, nil); st != http.StatusCreated {
			t.Fatalf("B's honour: %d %s", st, b.admin.Body())
		}
		outside := fmt.Sprintf("org=%d", b.bBranch)

		for _, l := range []struct {
			path, filters, row, export, marker string
		}{
			{"/honours", fmt.Sprintf("org=%d&kind=person", b.a), `<tr id="honour-`, `id="honour-export"`, "甲党员"},
			{"/medals", fmt.Sprintf("org=%d&year=2026", b.a), `<tr id="medal-`, `id="medal-export"`, "甲党员"},
		} {
			filters, _ := url.ParseQuery(l.filters)
			keeps := func(q url.Values, what string) {
				t.Helper()
				for k := range filters {
					if q.Get(k) != filters.Get(k) {
						t.Errorf("%s: %s lost %s=%s: %v", l.path, what, k, filters.Get(k), q)
					}
				}
				if q.Get("per_page") != "3" || q.Has("page") != (what == "the next page") {
					t.Errorf("%s: %s: %v", l.path, what, q)
				}
			}
			rows := func(q string) int {
				t.Helper()
				if st := b.adminA.Do("GET", l.path+"?"+q, nil, nil); st != http.StatusOK {
					t.Fatalf("GET %s?%s: %d", l.path, q, st)
				}
				return strings.Count(b.adminA.Body(), l.row)
			}
			if n := rows(l.filters + "&per_page=3"); n != 3 || !strings.Contains(b.adminA.Body(), `data-total="7"`) {
				t.Fatalf("%s page 1: %d rows, want 3 of 7", l.path, n)
			}
			next, export := b.adminA.Link(`rel="next"`).Query(), b.adminA.Link(l.export)
			keeps(next, "the next page")
			keeps(export.Query(), "the export")
			if n := rows(next.Encode()); n != 3 || next.Get("page") != "2" || !strings.Contains(b.adminA.Body(), `rel="prev"`) {
				t.Errorf("%s page 2: %d rows", l.path, n)
			}
			if st := b.adminA.Do("GET", export.String(), nil, nil); st != http.StatusOK || export.Path != l.path+"/export" {
				t.Fatalf("%s: %d %s", export, st, b.adminA.Body())
			}
			if n, others := b.adminA.Exported(l.marker), b.adminA.Exported("乙党员")+b.adminA.Exported("先进基层党组织"); n != 7 || others != 0 {
				t.Errorf("%s holds %d rows, want 7 (and %d others)", export, n, others)
			}

			for _, bad := range []struct {
				q, msg string
				st     int
			}{{"page=0", "页码应在 1 至", 422}, {"per_page=500", "每页条数应在 1 至 200 之间", 422}, {"page=abc", "页码应为整数", 400}} {
				if st := b.adminA.Do("GET", l.path+"?"+l.filters+"&"+bad.q, nil, nil); st != bad.st || !strings.Contains(b.adminA.Body(), bad.msg) {
					t.Errorf("%s?%s: %d, want %d saying %s", l.path, bad.q, st, bad.st, bad.msg)
				}
			}
			for _, p := range []string{l.path, l.path + "/export"} {
				if st := b.adminA.Do("GET", p+"?"+outside, nil, nil); st != http.StatusNotFound || strings.Contains(b.adminA.Body(), "乙党员") {
					t.Errorf("%s for another 分局's organisation: %d", p, st)
				}
			}
		}
	})
}
