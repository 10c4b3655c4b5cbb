package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/wartime"
)

// wartimeBureau is the usual test bureau with people in 甲's branch: three 正式党员,
// an activist, an applicant who is a 辅警, and someone who died; one 正式党员
// in 乙's branch.
type wartimeBureau struct {
	apptest.Bureau
	e                            *apptest.Env
	full                         []int64
	activist, auxiliary, dead, b int64
	adminA, leaderA              *apptest.Client
	today                        civil.Date
}

func wartimeNewBureau(t *testing.T, e *apptest.Env) *wartimeBureau {
	b := &wartimeBureau{Bureau: e.Bureau(), e: e, today: civil.Today(e.App.Now())}
	person := func(org int64, name, status, category string) int64 {
		p := dbtest.Person{Org: org, Name: name, Status: status, Category: category, BirthDate: "1995-05-05"}
		if status == "full" {
			p.JoinDate, p.FullDate = "2010-01-01", "2011-01-01"
		}
		return e.Person(p)
	}
	for _, n := range []string{"甲一", "甲二", "甲三"} {
		b.full = append(b.full, person(b.ABranch, n, "full", "民警"))
	}
	b.activist = person(b.ABranch, "甲积极", "activist", "民警")
	b.auxiliary = person(b.ABranch, "甲辅警", "applicant", "辅警")
	b.dead = person(b.ABranch, "甲故", "deceased", "离退休")
	b.b = person(b.BBranch, "乙一", "full", "民警")
	b.adminA = e.Account(auth.OrgAdmin, b.A, 0)
	b.leaderA = e.Account(auth.Leader, b.A, 0)
	return b
}

func (b *wartimeBureau) day(days int) string { return b.today.AddDays(days).String() }

// activate starts a response of 甲分局党委 ten days ago with its branch.
func (b *wartimeBureau) activate(t *testing.T) wartime.Event {
	t.Helper()
	var ev wartime.Event
	b.adminA.Expect(http.StatusCreated, "POST", "/api/v1/wartime/events", wartime.EventInput{KindID: 3, OrgID: b.A, Title: "驰援疫情防控", StartsOn: b.day(-10),
		EndsOn: b.day(30), DocNo: "甲公党〔2026〕3号", UnitIDs: []int64{b.ABranch}}, &ev)
	return ev
}

func (b *wartimeBureau) team(t *testing.T, event int64, kind, name string, org int64) wartime.Team {
	t.Helper()
	var tm wartime.Team
	b.adminA.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/teams", event), wartime.TeamInput{Kind: kind, Name: name, OrgID: org,
		FormedOn: b.day(-9)}, &tm)
	return tm
}

func (b *wartimeBureau) join(t *testing.T, team, person int64) {
	t.Helper()
	b.adminA.Expect(http.StatusOK, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/members", team), wartime.MemberInput{PersonID: person, JoinedOn: b.day(-9)}, nil)
}

func (b *wartimeBureau) record(t *testing.T, team, person int64, on, deed string) wartime.Record {
	t.Helper()
	var out struct{ Record wartime.Record }
	b.adminA.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/records", team), wartime.RecordInput{PersonID: person, OnDate: on, Deed: deed,
		AttestedBy: "临时党支部书记"}, &out)
	return out.Record
}

// refused sends a request that must be refused with status and field (or
// rule), and shows that it changed nothing.
func refused(t *testing.T, e *apptest.Env, c *apptest.Client, method, path string, body any, status int, field string) apiError {
	t.Helper()
	before := dbtest.Fingerprint(t, e.DB)
	var out apiError
	c.Expect(status, method, path, body, &out)
	if field != "" && out.Error.Field != field && out.Error.Rule != field {
		t.Errorf("%s %s: field %q rule %q, want %q: %s", method, path, out.Error.Field, out.Error.Rule, field, out.Error.Message)
	}
	if out.Error.Message == "" {
		t.Errorf("%s %s: no message", method, path)
	}
	if after := dbtest.Fingerprint(t, e.DB); after != before {
		t.Errorf("%s %s changed the database although refused", method, path)
	}
	return out
}

// The whole life of a response: a 党委 activates it, sets up a 临时党支部
// (an organisation of the tree) and a 突击队, people serve and are
// recorded, one is found 表现突出, the end dissolves what was temporary and
// keeps the history.
func TestResponseFlow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		if !ev.Active || len(ev.Units) != 1 || ev.Units[0].OrgID != b.ABranch || ev.Kind != "疫情防控" {
			t.Fatalf("event: %+v", ev)
		}
		branch := b.team(t, ev.ID, wartime.TempBranch, "驰援临时党支部", b.A)
		squad := b.team(t, ev.ID, wartime.Squad, "封控突击队", b.ABranch)
		if n := e.Count("SELECT COUNT(*) FROM orgs WHERE id = ? AND kind = 'temp_branch' AND parent_id = ? AND ends_on = ? AND task LIKE '%驰援疫情防控%'",
			branch.OrgID, b.A, ev.EndsOn); n != 1 {
			t.Fatalf("the 临时党支部 is not an organisation of the tree under 甲分局党委 with the event's task and end")
		}
		b.join(t, branch.ID, b.full[0])
		b.join(t, branch.ID, b.full[1])
		b.join(t, squad.ID, b.auxiliary)
		b.join(t, squad.ID, b.activist)
		if n := e.Count("SELECT COUNT(*) FROM persons WHERE id IN (?, ?, ?) AND org_id = ?", b.full[0], b.full[1], b.auxiliary, b.ABranch); n != 3 {
			t.Fatal("serving moved people out of their home branch")
		}

		rec := b.record(t, squad.ID, b.auxiliary, b.day(-5), "连续72小时值守卡口")
		var again struct {
			Record   wartime.Record
			Replayed bool
		}
		if st := b.adminA.Do("POST", fmt.Sprintf("/api/v1/wartime/teams/%d/records", squad.ID), wartime.RecordInput{PersonID: b.auxiliary,
			OnDate: b.day(-5), Deed: "连续72小时值守卡口", AttestedBy: "临时党支部书记"}, &again); st != http.StatusOK || !again.Replayed || again.Record.ID != rec.ID {
			t.Fatalf("a double submission: %d %+v", st, again)
		}
		var st wartime.Standout
		if code := b.adminA.Do("POST", fmt.Sprintf("/api/v1/wartime/teams/%d/standouts", squad.ID), wartime.StandoutInput{PersonID: b.auxiliary,
			OnDate: b.day(-1), Reason: "冲锋在前"}, &st); code != http.StatusCreated {
			t.Fatalf("standout: %d %s", code, b.adminA.Body())
		}
		if st.Records != 1 || st.OrgID != b.ABranch || st.Path() != "可优先确定为入党积极分子" {
			t.Errorf("standout: %+v", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'wartime.priority' AND org_id = ? AND person_id = ? AND done_at IS NULL", b.ABranch, b.auxiliary); n != 1 {
			t.Error("no 待办 to develop the 表现突出 applicant first")
		}

		// A new expected end moves the 临时党支部's with it.
		ends := b.day(60)
		var upd wartime.Event
		if code := b.adminA.Do("PATCH", fmt.Sprintf("/api/v1/wartime/events/%d", ev.ID), wartime.EventPatch{Version: ev.Version, EndsOn: &ends}, &upd); code != http.StatusOK {
			t.Fatalf("update: %d %s", code, b.adminA.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM orgs WHERE id = ? AND ends_on = ?", branch.OrgID, ends); n != 1 {
			t.Error("the 临时党支部 kept its old expected end")
		}

		var dv wartime.Dissolution
		if code := b.adminA.Do("GET", fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID), nil, &dv); code != http.StatusOK {
			t.Fatalf("preview: %d %s", code, b.adminA.Body())
		}
		if len(dv.Orgs) != 1 || dv.Orgs[0].OrgID != branch.OrgID || len(dv.Teams) != 2 || dv.Members != 4 {
			t.Fatalf("preview: %+v", dv)
		}
		if n := e.Count("SELECT COUNT(*) FROM orgs WHERE id = ? AND dissolved_on IS NULL", branch.OrgID); n != 1 {
			t.Fatal("the preview changed something")
		}
		var ended wartime.Event
		if code := b.adminA.Do("POST", fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID), wartime.EndInput{Version: upd.Version, Note: "任务完成"}, &ended); code != http.StatusOK {
			t.Fatalf("end: %d %s", code, b.adminA.Body())
		}
		today := b.day(0)
		if ended.Active || ended.EndedOn != today {
			t.Errorf("ended: %+v", ended)
		}
		for _, c := range []struct {
			what, q string
			args    []any
			want    int
		}{
			{"the 临时党支部 dissolved in the tree", "SELECT COUNT(*) FROM orgs WHERE id = ? AND dissolved_on = ?", []any{branch.OrgID, today}, 1},
			{"its dissolution in its history", "SELECT COUNT(*) FROM org_history WHERE org_id = ? AND action = 'dissolve'", []any{branch.OrgID}, 1},
			{"both teams dissolved", "SELECT COUNT(*) FROM wartime_teams WHERE event_id = ? AND dissolved_on = ?", []any{ev.ID, today}, 2},
			{"every membership ended, none deleted", "SELECT COUNT(*) FROM wartime_members WHERE left_on = ?", []any{today}, 4},
			{"the records kept", "SELECT COUNT(*) FROM wartime_records WHERE event_id = ?", []any{ev.ID}, 1},
			{"the flag kept", "SELECT COUNT(*) FROM wartime_standouts WHERE event_id = ?", []any{ev.ID}, 1},
			{"people still in their home branch", "SELECT COUNT(*) FROM persons WHERE org_id = ? AND status <> 'deceased'", []any{b.ABranch}, 5},
			// activate, 2 teams, 4 members, 1 record (its replay is no write), the flag, the update, the end
			{"every write audited once", "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'wartime.%'", nil, 11},
		} {
			if n := e.Count(c.q, c.args...); n != c.want {
				t.Errorf("%s: %d, want %d", c.what, n, c.want)
			}
		}
		var team wartime.Team
		if code := b.leaderA.Do("GET", fmt.Sprintf("/api/v1/wartime/teams/%d", squad.ID), nil, &team); code != http.StatusOK || len(team.Members) != 2 || team.DissolvedOn != today {
			t.Errorf("the 领导 reads the dissolved team with its history: %d %+v", code, team)
		}

		refused(t, e, b.adminA, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID), wartime.EndInput{Version: ended.Version}, http.StatusConflict, "")
		refused(t, e, b.adminA, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/members", squad.ID), wartime.MemberInput{PersonID: b.full[2], JoinedOn: today},
			http.StatusUnprocessableEntity, "id")
		refused(t, e, b.adminA, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/teams", ev.ID), wartime.TeamInput{Kind: wartime.Squad, Name: "迟到的队伍",
			OrgID: b.ABranch, FormedOn: today}, http.StatusUnprocessableEntity, "event_id")
		// A record of the time served may still be written up afterwards.
		b.record(t, squad.ID, b.activist, b.day(-3), "协助转运发热病人")
	})
}

// An active event past its expected end is a 待办 of the activating 党委
// until it is ended (or extended).
func TestOverdueEventTodo(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		var ev wartime.Event
		b.adminA.Expect(http.StatusCreated, "POST", "/api/v1/wartime/events", wartime.EventInput{KindID: 4, OrgID: b.A, Title: "抢险救灾", StartsOn: b.day(-10),
			EndsOn: b.day(-1), UnitIDs: []int64{b.ABranch}}, &ev)
		open := func() int {
			return e.Count("SELECT COUNT(*) FROM todos WHERE source = 'wartime.overdue' AND org_id = ? AND done_at IS NULL", b.A)
		}
		if n := open(); n != 1 {
			t.Fatalf("overdue 待办: %d", n)
		}
		if err := wartime.Sync(t.Context(), e.App.Deps); err != nil || open() != 1 {
			t.Fatalf("the hourly sync keeps it: %v, %d", err, open())
		}
		ends := b.day(5)
		b.adminA.Expect(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/wartime/events/%d", ev.ID), wartime.EventPatch{Version: ev.Version, EndsOn: &ends}, &ev)
		if n := open(); n != 0 {
			t.Errorf("extended, still overdue: %d", n)
		}
	})
}
