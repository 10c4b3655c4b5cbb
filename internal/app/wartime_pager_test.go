package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/wartime"
)

// The responses, the 表现纪实 and the 表现突出人员 page with the shared
// pager: the next page keeps the filters and the size, each export holds
// exactly the filtered rows, bad paging is refused and another 分局's
// organisation is a 404.
func TestWartimeListsPageWithTheSharedPager(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		adminB := e.Account(auth.OrgAdmin, b.B, 0)
		post := func(c *apptest.Client, path string, in, out any) {
			t.Helper()
			if st := c.Do("POST", path, in, out); st != http.StatusCreated && st != http.StatusOK {
				t.Fatalf("POST %s: %d %s", path, st, c.Body())
			}
		}
		// One response of 乙 with a 表现突出 person, to be left out.
		var far wartime.Event
		post(adminB, "/api/v1/wartime/events", wartime.EventInput{KindID: 3, OrgID: b.B, Title: "碑林响应", StartsOn: b.day(-10), EndsOn: b.day(30),
			UnitIDs: []int64{b.BBranch}}, &far)
		var farTeam wartime.Team
		post(adminB, fmt.Sprintf("/api/v1/wartime/events/%d/teams", far.ID), wartime.TeamInput{Kind: wartime.Squad, Name: "碑林突击队", OrgID: b.BBranch,
			FormedOn: b.day(-9)}, &farTeam)
		team := fmt.Sprintf("/api/v1/wartime/teams/%d", farTeam.ID)
		post(adminB, team+"/members", wartime.MemberInput{PersonID: b.b, JoinedOn: b.day(-9)}, nil)
		post(adminB, team+"/records", wartime.RecordInput{PersonID: b.b, OnDate: b.day(-5), Deed: "碑林纪实", AttestedBy: "书记"}, nil)
		post(adminB, team+"/standouts", wartime.StandoutInput{PersonID: b.b, OnDate: b.day(-4), Reason: "碑林突出"}, nil)

		// Seven responses of 甲; in the first, seven people recorded and found 表现突出.
		var ev wartime.Event
		for i := range 7 {
			post(b.adminA, "/api/v1/wartime/events", wartime.EventInput{KindID: 3, OrgID: b.A, Title: fmt.Sprintf("雁塔响应%d", i), StartsOn: b.day(-10),
				EndsOn: b.day(30), UnitIDs: []int64{b.ABranch}}, &ev)
		}
		squad := b.team(t, ev.ID, wartime.Squad, "雁塔突击队", b.ABranch)
		other := b.team(t, b.activate(t).ID, wartime.Squad, "驰援突击队", b.ABranch)
		for i := range 7 {
			p := e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("雁塔民警%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			b.join(t, squad.ID, p)
			b.record(t, squad.ID, p, b.day(-5), fmt.Sprintf("雁塔纪实%d", i))
			post(b.adminA, fmt.Sprintf("/api/v1/wartime/teams/%d/standouts", squad.ID), wartime.StandoutInput{PersonID: p, OnDate: b.day(-4),
				Reason: fmt.Sprintf("雁塔突出%d", i)}, nil)
		}
		b.join(t, other.ID, b.full[0])
		b.record(t, other.ID, b.full[0], b.day(-5), "驰援纪实")

		for _, l := range []apptest.List{
			{Path: "/wartime", Filters: fmt.Sprintf("org=%d&q=雁塔", b.A), Row: `<tr data-event=`, Export: `id="wartime-export"`, Marker: "雁塔响应", Total: 7,
				Others: []string{"碑林", "驰援"}},
			{Path: "/wartime/records", Filters: fmt.Sprintf("org=%d&event=%d", b.A, ev.ID), Row: `<tr data-record=`, Export: `id="records-export"`,
				Marker: "雁塔纪实", Total: 7, Others: []string{"碑林", "驰援"}},
			{Path: "/wartime/standouts", Filters: fmt.Sprintf("org=%d&event=%d", b.A, ev.ID), Row: `<tr data-standout=`, Export: `id="standouts-export"`,
				Marker: "雁塔突出", Total: 7, Others: []string{"碑林"}},
		} {
			l.PerPage = 3
			b.adminA.CheckList(l, adminB)
		}
	})
}
