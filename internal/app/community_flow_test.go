package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/community"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// communityBureau is a 市局 over a 分局 with two branches (three members in the
// first, one in the second), and another 分局 with a branch and a member.
type communityBureau struct {
	root, unit, branch, second, otherUnit, otherBranch int64
	people                                             []int64
	second1, outsider, citizen                         int64
}

func communitySetup(t *testing.T, e *apptest.Env) *communityBureau {
	b := &communityBureau{root: e.Org(0, "市公安局党委", "committee")}
	b.unit = e.Org(b.root, "雁塔分局党委", "committee")
	b.branch = e.Org(b.unit, "小寨路派出所党支部", "branch")
	b.second = e.Org(b.unit, "电子城派出所党支部", "branch")
	b.otherUnit = e.Org(b.root, "碑林分局党委", "committee")
	b.otherBranch = e.Org(b.otherUnit, "南院门派出所党支部", "branch")
	person := func(org int64, name string) int64 {
		return e.Person(dbtest.Person{Org: org, Name: name, Pinyin: name, JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	}
	for _, n := range []string{"甲", "乙", "丙"} {
		b.people = append(b.people, person(b.branch, n))
	}
	b.second1 = person(b.second, "丁")
	b.outsider = person(b.otherBranch, "戊")
	b.citizen = e.Person(dbtest.Person{Org: b.branch, Name: "群众", Status: "applicant"})
	return b
}

func pic(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func communityUpload(t *testing.T, c *apptest.Client, path string, content []byte) int {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("photo", "服务.png")
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, nil)
}

func TestReportsActivitiesIssuesAndTotals(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := communitySetup(t, e)
		e.At("2026-05-20")
		unitAdmin := e.Account(auth.OrgAdmin, b.unit, 0)
		admin := e.Account(auth.OrgAdmin, b.branch, 0)
		other := e.Account(auth.OrgAdmin, b.otherUnit, 0)

		// A community registered by the 分局 is worked with by its branches.
		site := map[string]any{"org_id": b.unit, "name": "小寨社区", "street": "长延堡街道", "police_org_id": b.branch, "estate_org": "翠华小区党支部", "resident_org": "小寨社区居委会"}
		var c community.Community
		if st := unitAdmin.Do("POST", "/api/v1/community/sites", site, &c); st != 201 || c.PoliceOrg != "小寨路派出所党支部" {
			t.Fatalf("site: %d %s", st, unitAdmin.Body())
		}
		if st := unitAdmin.Do("POST", "/api/v1/community/sites", site, nil); st != 409 {
			t.Fatalf("registered twice: %d", st)
		}
		if st := other.Do("POST", "/api/v1/community/sites", map[string]any{"org_id": b.otherUnit, "name": "x", "police_org_id": b.branch}, nil); st != 422 {
			t.Fatalf("paired with another 分局's branch: %d", st)
		}
		if st := admin.Do("GET", fmt.Sprintf("/api/v1/community/sites/%d", c.ID), nil, nil); st != 200 {
			t.Fatalf("the branch reads its 分局's community: %d", st)
		}
		if st := other.Do("GET", fmt.Sprintf("/api/v1/community/sites/%d", c.ID), nil, nil); st != 404 {
			t.Fatalf("another 分局 reads it: %d", st)
		}
		if st := admin.Do("PUT", fmt.Sprintf("/api/v1/community/sites/%d", c.ID), map[string]any{"version": c.Version, "name": "改名"}, nil); st != 404 {
			t.Fatalf("the branch edits its 分局's record: %d", st)
		}

		// 报到: the unit once, members where they live.
		reports := fmt.Sprintf("/api/v1/community/sites/%d/reports", c.ID)
		if st := admin.Do("POST", reports, map[string]any{"org_id": b.branch, "reported_on": "2026-03-01", "contact": "社区书记"}, nil); st != 201 {
			t.Fatalf("unit report: %d %s", st, admin.Body())
		}
		if st := admin.Do("POST", reports, map[string]any{"org_id": b.branch, "reported_on": "2026-03-02"}, nil); st != 409 {
			t.Fatalf("unit reports twice: %d", st)
		}
		for _, bad := range []struct {
			name string
			body map[string]any
			want int
		}{
			{"tomorrow", map[string]any{"person_id": b.people[1], "reported_on": "2026-05-21"}, 422},
			{"a 群众", map[string]any{"person_id": b.citizen, "reported_on": "2026-03-01"}, 422},
			{"another 分局's member", map[string]any{"person_id": b.outsider, "reported_on": "2026-03-01"}, 422},
		} {
			if st := admin.Do("POST", reports, bad.body, nil); st != bad.want {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		jia := e.Account(auth.Member, 0, b.people[0])
		if st := jia.Do("POST", reports, map[string]any{"person_id": b.people[0], "reported_on": "2026-03-05"}, nil); st != 201 {
			t.Fatalf("member reports: %d %s", st, jia.Body())
		}
		if st := jia.Do("POST", reports, map[string]any{"person_id": b.people[0], "reported_on": "2026-03-06"}, nil); st != 409 {
			t.Fatalf("member reports twice: %d", st)
		}
		var far community.Community
		if st := unitAdmin.Do("POST", "/api/v1/community/sites", map[string]any{"org_id": b.unit, "name": "电子城社区"}, &far); st != 201 {
			t.Fatal(unitAdmin.Body())
		}
		if st := jia.Do("POST", fmt.Sprintf("/api/v1/community/sites/%d/reports", far.ID), map[string]any{"person_id": b.people[0], "reported_on": "2026-04-01"}, nil); st != 201 {
			t.Fatalf("member moves: %d %s", st, jia.Body())
		}
		var mine community.Mine
		if st := jia.Do("GET", "/api/v1/community/mine", nil, &mine); st != 200 || len(mine.Reports) != 2 || mine.Reports[0].EndedOn != "" || mine.Reports[1].EndedOn != "2026-04-01" {
			t.Fatalf("mine after moving: %d %+v", st, mine.Reports)
		}

		// Activities: hours per member, only the branch's members, once.
		act := func() map[string]any {
			return map[string]any{"community_id": c.ID, "org_id": b.branch, "title": "防范电信诈骗宣传", "place": "社区广场", "held_on": "2026-04-02", "served": 120,
				"people": []map[string]any{{"person_id": b.people[0], "hours": 2}, {"person_id": b.people[1], "hours": 1.5}}}
		}
		for _, bad := range []struct {
			name   string
			change func(map[string]any)
			want   int
		}{
			{"a quarter hour", func(m map[string]any) { m["people"] = []map[string]any{{"person_id": b.people[0], "hours": 0.25}} }, 422},
			{"thirty hours", func(m map[string]any) { m["people"] = []map[string]any{{"person_id": b.people[0], "hours": 30}} }, 422},
			{"another branch's member", func(m map[string]any) { m["people"] = []map[string]any{{"person_id": b.second1, "hours": 1}} }, 422},
			{"nobody", func(m map[string]any) { m["people"] = []map[string]any{} }, 400},
			{"tomorrow", func(m map[string]any) { m["held_on"] = "2026-05-21" }, 422},
			{"negative served", func(m map[string]any) { m["served"] = -1 }, 422},
			{"the same member twice", func(m map[string]any) {
				m["people"] = []map[string]any{{"person_id": b.people[0], "hours": 1}, {"person_id": b.people[0], "hours": 1}}
			}, 422},
		} {
			m := act()
			bad.change(m)
			if st := admin.Do("POST", "/api/v1/community/activities", m, nil); st != bad.want {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		var a community.Activity
		if st := admin.Do("POST", "/api/v1/community/activities", act(), &a); st != 201 || a.HoursX10 != 35 {
			t.Fatalf("activity: %d %s", st, admin.Body())
		}
		if st := admin.Do("POST", "/api/v1/community/activities", act(), nil); st != 409 {
			t.Fatalf("activity twice: %d", st)
		}
		if st := communityUpload(t, admin, fmt.Sprintf("/api/v1/community/activities/%d/photos", a.ID), pic(t)); st != 201 {
			t.Fatalf("photo: %d %s", st, admin.Body())
		}
		admin.Do("GET", fmt.Sprintf("/api/v1/community/activities/%d", a.ID), nil, &a)
		if st := jia.Do("GET", a.Photos[0].URL(), nil, nil); st != 200 {
			t.Fatalf("a member who served sees the photo: %d", st)
		}
		if st := e.Account(auth.Member, 0, b.people[2]).Do("GET", a.Photos[0].URL(), nil, nil); st != 404 {
			t.Fatalf("a member who did not: %d", st)
		}
		self := map[string]any{"community_id": far.ID, "title": "义务巡逻", "held_on": "2026-05-01", "served": 0,
			"people": []map[string]any{{"person_id": b.people[0], "hours": 3}}}
		if st := jia.Do("POST", "/api/v1/community/activities", self, nil); st != 201 {
			t.Fatalf("member logs own service: %d %s", st, jia.Body())
		}
		self["people"] = []map[string]any{{"person_id": b.people[1], "hours": 3}}
		if st := jia.Do("POST", "/api/v1/community/activities", self, nil); st != 422 {
			t.Fatalf("member logs someone else's: %d", st)
		}
		if st := admin.Do("POST", "/api/v1/community/activities", map[string]any{"community_id": c.ID, "org_id": b.second, "title": "x", "held_on": "2026-04-02",
			"people": []map[string]any{{"person_id": b.second1, "hours": 1}}}, nil); st != 404 {
			t.Fatalf("an activity of a branch outside scope: %d", st)
		}
		if st := unitAdmin.Do("POST", "/api/v1/community/activities", map[string]any{"community_id": c.ID, "org_id": b.second, "title": "交通安全进社区", "held_on": "2026-04-10",
			"served": 30, "practical": true, "people": []map[string]any{{"person_id": b.second1, "hours": 4}}}, nil); st != 201 {
			t.Fatalf("second branch's activity: %d %s", st, unitAdmin.Body())
		}

		// 关键小事: raised, taken, resolved, judged; its 待办 follows.
		var is community.Issue
		if st := admin.Do("POST", "/api/v1/community/issues", map[string]any{"community_id": c.ID, "org_id": b.branch, "raised_on": "2026-05-01", "what": "路灯不亮",
			"due_on": "2026-04-30"}, nil); st != 422 {
			t.Fatalf("due before raised: %d", st)
		}
		if st := admin.Do("POST", "/api/v1/community/issues", map[string]any{"community_id": c.ID, "org_id": b.branch, "raised_on": "2026-05-01", "what": "路灯不亮",
			"raised_by": "3号楼居民", "taker_id": b.people[1], "due_on": "2026-05-10"}, &is); st != 201 || is.TakerName != "乙" {
			t.Fatalf("raise: %d %s", st, admin.Body())
		}
		path := fmt.Sprintf("/api/v1/community/issues/%d/progress", is.ID)
		todos := func(sev string) int {
			return e.Count("SELECT COUNT(*) FROM todos WHERE source = 'branch.service' AND done_at IS NULL AND severity = ? AND dedup_key = ?", sev, fmt.Sprintf("issue:%d", is.ID))
		}
		if err := community.Sync(context.Background(), e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if todos("bad") != 1 {
			t.Fatal("no overdue 待办 for the issue")
		}
		var l community.List[community.Issue]
		if st := admin.Do("GET", "/api/v1/community/issues?state=overdue", nil, &l); st != 200 || l.Total != 1 {
			t.Fatalf("overdue list: %d %s", st, admin.Body())
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version, "step": "feedback", "feedback": "satisfied"}, nil); st != 422 {
			t.Fatalf("feedback before resolving: %d", st)
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version, "step": "resolve", "resolved_on": "2026-04-30", "resolution": "x"}, nil); st != 422 {
			t.Fatalf("resolved before raised: %d", st)
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version, "step": "take", "taker_id": b.outsider}, nil); st != 422 {
			t.Fatalf("taken by an outsider: %d", st)
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version, "step": "resolve", "resolved_on": "2026-05-12", "resolution": "协调物业更换灯具"}, &is); st != 200 {
			t.Fatalf("resolve: %d %s", st, admin.Body())
		}
		if todos("bad") != 0 {
			t.Fatal("the resolved issue's 待办 is still open")
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version - 1, "step": "feedback", "feedback": "satisfied"}, nil); st != 409 {
			t.Fatalf("stale version: %d", st)
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version, "step": "feedback", "feedback": "unsatisfied"}, nil); st != 400 {
			t.Fatalf("不满意 without a reason: %d", st)
		}
		if st := admin.Do("POST", path, map[string]any{"version": is.Version, "step": "feedback", "feedback": "satisfied"}, &is); st != 200 || is.FeedbackLabel != "满意" {
			t.Fatalf("feedback: %d %s", st, admin.Body())
		}

		// The community's yearly feedback, once a year.
		fb := map[string]any{"org_id": b.branch, "year": 2025, "rating": "satisfied", "given_on": "2026-01-10", "given_by": "社区党委"}
		if st := admin.Do("POST", fmt.Sprintf("/api/v1/community/sites/%d/feedback", c.ID), fb, nil); st != 201 {
			t.Fatalf("feedback: %d %s", st, admin.Body())
		}
		if st := admin.Do("POST", fmt.Sprintf("/api/v1/community/sites/%d/feedback", c.ID), fb, nil); st != 409 {
			t.Fatalf("feedback twice: %d", st)
		}

		// Totals by hand: 甲 2 + 3 hours in 2 activities, 乙 1.5; the first
		// branch 6.5 hours, 120 served, 1 resolved, 1 member reported; the
		// second 4 hours, 30 served; the 分局 the sum.
		var tt community.Totals
		if st := unitAdmin.Do("GET", "/api/v1/community/totals?year=2026&by=member", nil, &tt); st != 200 || len(tt.Items) != 3 ||
			tt.Items[0].Name != "甲" || tt.Items[0].HoursX10 != 50 || tt.Items[0].Activities != 2 {
			t.Fatalf("by member: %d %+v", st, tt.Items)
		}
		if st := unitAdmin.Do("GET", "/api/v1/community/totals?year=2026&by=branch", nil, &tt); st != 200 || len(tt.Items) != 2 ||
			tt.Items[0].HoursX10 != 65 || tt.Items[0].Served != 120 || tt.Items[0].Resolved != 1 || tt.Items[0].Reported != 1 || tt.Items[1].HoursX10 != 40 {
			t.Fatalf("by branch: %d %+v", st, tt.Items)
		}
		shiju := e.Account(auth.OrgAdmin, b.root, 0)
		if st := shiju.Do("GET", "/api/v1/community/totals?year=2026&by=unit", nil, &tt); st != 200 || len(tt.Items) != 1 || tt.Items[0].ID != b.unit ||
			tt.Items[0].HoursX10 != 105 || tt.Items[0].Activities != 3 || tt.Sum.Served != 150 {
			t.Fatalf("by unit: %d %+v", st, tt)
		}
		if st := shiju.Do("GET", "/api/v1/community/totals?by=everyone", nil, nil); st != 422 {
			t.Fatalf("unknown grouping: %d", st)
		}

		// The totals page pages with the shared pager; its next page and its
		// export keep the grouping, the year and the page size (a plain
		// string in the link had its = and & escaped: the export fell back
		// to this year by 党组织).
		if st := unitAdmin.Do("GET", "/community/totals?year=2026&by=member&per_page=1", nil, nil); st != 200 || !strings.Contains(unitAdmin.Body(), `data-total="3"`) {
			t.Fatalf("totals page: %d", st)
		}
		next, export := unitAdmin.Link(`rel="next"`), unitAdmin.Link(`id="totals-export"`)
		if q := next.Query(); q.Get("by") != "member" || q.Get("year") != "2026" || q.Get("per_page") != "1" || q.Get("page") != "2" {
			t.Errorf("next page: %s", next)
		}
		if q := export.Query(); q.Get("by") != "member" || q.Get("year") != "2026" || q.Has("page") {
			t.Errorf("export: %s", export)
		}
		// The header of the totals by member (by 党组织 it begins 党组织).
		if st := unitAdmin.Do("GET", export.String(), nil, nil); st != 200 || unitAdmin.Exported("党员|所在组织") != 1 {
			t.Errorf("the export of the totals by member: %d", st)
		}
		if st := unitAdmin.Do("GET", "/community/totals?page=abc", nil, nil); st != 400 || !strings.Contains(unitAdmin.Body(), "页码应为整数") {
			t.Errorf("totals page=abc: %d", st)
		}
	})
}
