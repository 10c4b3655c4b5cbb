package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
)

// The ledger, the hardship entries, the visits, the campaigns and a
// campaign's list page with the shared pager: the next page keeps the
// filters and the size, each export holds exactly the filtered rows, bad
// paging is refused and another 分局's organisation is a 404.
func TestCareListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := careNewBureau(t, e)
		post := func(c *apptest.Client, path string, in map[string]any) {
			t.Helper()
			c.Expect(http.StatusCreated, "POST", path, in, nil)
		}
		var old []int64 // 老党员 of 甲分局, each with a pending hardship entry and a visit at home
		for i := range 7 {
			id := e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("丁老%d", i), Category: "离退休", BirthDate: "1935-01-01", JoinDate: "1959-01-01", FullDate: "1960-01-01"})
			old = append(old, id)
			post(b.admA, "/api/v1/care/hardship", map[string]any{"person_id": id, "cause": "illness", "level": "general", "since": "2026-01-01"})
			post(b.admA, "/api/v1/care/visits", map[string]any{"person_id": id, "visited_on": fmt.Sprintf("2026-02-%02d", i+1), "form": "home", "visitors": "王书记", "amount": "100"})
		}
		post(b.admB, "/api/v1/care/hardship", map[string]any{"person_id": b.people["乙老党员"], "cause": "illness", "level": "general", "since": "2026-01-01"})
		post(b.admB, "/api/v1/care/visits", map[string]any{"person_id": b.people["乙老党员"], "visited_on": "2026-02-01", "form": "home", "visitors": "李书记"})
		post(b.admA, "/api/v1/care/visits", map[string]any{"person_id": b.people["老张"], "visited_on": "2026-02-01", "form": "phone", "visitors": "王书记"})

		// Seven open campaigns and a closed one; the first's 甲分局 list has
		// the seven visited.
		var first int64
		for i := range 8 {
			c := b.open(t, map[string]any{"name": fmt.Sprintf("丙活动%d", i)})
			if i == 0 {
				first = c.ID
			}
			if i == 7 {
				b.root.Expect(http.StatusOK, "POST", "/api/v1/care/campaigns/"+itoa(c.ID)+"/close", map[string]any{"version": c.Version}, nil)
			}
		}
		for _, id := range old {
			post(b.admA, "/api/v1/care/visits", map[string]any{"person_id": id, "campaign_id": first, "visited_on": "2026-03-10", "form": "money", "visitors": "王书记", "amount": "500"})
		}

		a := itoa(b.A)
		for _, l := range []apptest.List{
			{Path: "/care", Filters: "kind=elder&org=" + a + "&name=丁老", Row: `<tr id="person-`, Export: `id="ledger-export"`, Marker: "丁老", Total: 7,
				Others: []string{"老张", "乙老党员"}},
			{Path: "/care/hardship", Filters: "org=" + a + "&state=pending", Row: `<tr><td><a href="/care/hardship/`, Export: `id="hardship-export"`, Marker: "丁老",
				Total: 7, Others: []string{"乙老党员"}},
			{Path: "/care/visits", Filters: "org=" + a + "&form=home", Row: `<tr><td><a href="/care/visits/`, Export: `id="visit-export"`, Marker: "丁老",
				Total: 7, Others: []string{"老张", "乙老党员"}},
			{Path: "/care/campaigns/" + itoa(first), Filters: "org=" + a + "&state=visited", Row: `<tr id="target-`, Total: 7},
		} {
			l.PerPage = 3
			b.admA.CheckList(l, b.admB)
		}
		// The campaigns name no organisation: each sees those opened above it.
		b.admA.CheckList(apptest.List{Path: "/care/campaigns", Filters: "state=open", Row: `<tr><td><a href="/care/campaigns/`, Total: 7, PerPage: 3}, nil)
	})
}
