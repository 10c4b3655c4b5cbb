package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/training"
)

// bureau is 市局 with two 分局 (A, B), a branch under each and people.
type bureau struct {
	e                 *apptest.Env
	root, a, b        int64
	aBranch, bBranch  int64
	secretary, member int64 // in A's branch; the secretary sits on its committee
	bMember           int64
	now               time.Time
}

func newBureau(t *testing.T, e *apptest.Env) *bureau {
	w := &bureau{e: e, now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	e.App.Now = func() time.Time { return w.now }
	org := func(parent int64, name string) int64 { return e.Org(parent, name, "committee") }
	person := func(orgID int64, name string) int64 {
		return e.Person(dbtest.Person{Org: orgID, Name: name, Pinyin: name, Category: "民警"})
	}
	w.root = org(0, "市公安局党委")
	w.a, w.b = org(w.root, "甲分局党委"), org(w.root, "乙分局党委")
	w.aBranch, w.bBranch = org(w.a, "甲分局党支部"), org(w.b, "乙分局党支部")
	w.secretary, w.member, w.bMember = person(w.aBranch, "甲书记"), person(w.aBranch, "甲党员"), person(w.bBranch, "乙党员")
	e.Exec("INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?, ?, '书记', '2024-01-01', 0)", w.aBranch, w.secretary)
	return w
}

func TestCheckinHoursAndFallback(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		adminB := e.Account(auth.OrgAdmin, w.b, 0)
		member := e.Account(auth.Member, 0, w.member)
		bMember := e.Account(auth.Member, 0, w.bMember)

		var prog struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026, "title": "全市党支部书记示范培训"}, &prog)
		start := w.now.Add(30 * time.Minute)
		var sess struct{ ID int64 }
		city.Expect(201, "POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": "第一讲", "mode": "融合",
			"starts_at": start.UnixMilli(), "ends_at": start.Add(3 * time.Hour).UnixMilli(), "hours_x10": 35, "open_before_min": 30, "late_after_min": 10,
			"main_venue": "市局主会场"}, &sess)
		var venA, venB struct{ ID int64 }
		city.Do("POST", fmt.Sprintf("/api/v1/training/sessions/%d/venues", sess.ID), map[string]any{"org_id": w.a, "name": "甲分局分会场"}, &venA)
		city.Do("POST", fmt.Sprintf("/api/v1/training/sessions/%d/venues", sess.ID), map[string]any{"org_id": w.b, "name": "乙分局分会场"}, &venB)
		if venA.ID == 0 || venB.ID == 0 {
			t.Fatalf("venues: %s", city.Body())
		}

		var qr struct{ Token, URL string }
		if st := adminA.Do("GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venA.ID), nil, &qr); st != 200 || !strings.Contains(qr.URL, "/m/checkin?t=") {
			t.Fatalf("qr: %d %s", st, adminA.Body())
		}
		// A's organiser cannot show B's code, nor see B's people.
		adminA.Expect(404, "GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venB.ID), nil, nil) // A showing B's code

		checkin := func(c *apptest.Client, token string) (int, string) {
			var out map[string]any
			st := c.Do("POST", "/api/v1/training/checkin", map[string]string{"token": token}, &out)
			return st, c.Body()
		}
		count := func() int {
			var n int
			e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM training_checkins").Scan(&n)
			return n
		}
		// Before the window opens (09:00 < 09:30-30min is false: opens exactly at 09:00) — move back a minute.
		w.now = w.now.Add(-time.Minute)
		early := qrAt(t, adminA, venA.ID)
		if st, body := checkin(member, early); st != 422 || !strings.Contains(body, "签到尚未开始") {
			t.Fatalf("early check-in: %d %s", st, body)
		}
		w.now = w.now.Add(time.Minute)
		forged := qr.Token[:len(qr.Token)-1] + "0"
		if strings.HasSuffix(qr.Token, "0") {
			forged = qr.Token[:len(qr.Token)-1] + "1"
		}
		if st, body := checkin(member, forged); st != 422 || !strings.Contains(body, "不是有效的签到二维码") {
			t.Fatalf("forged token: %d %s", st, body)
		}
		if st, body := checkin(member, fmt.Sprintf("%d.%d.%s", venB.ID, time.Now().Unix()+3600, strings.Split(qr.Token, ".")[2])); st != 422 {
			t.Fatalf("token moved to another venue: %d %s", st, body)
		}
		w.now = w.now.Add(2 * time.Minute)
		if st, body := checkin(member, qr.Token); st != 422 || !strings.Contains(body, "已过期") {
			t.Fatalf("expired token: %d %s", st, body)
		}
		if count() != 0 {
			t.Fatal("refused check-ins changed the database")
		}
		// 09:45 is after 09:30 + 10 min: late.
		w.now = start.Add(15 * time.Minute)
		tok := qrAt(t, adminA, venA.ID)
		var ok struct {
			Late  bool
			Hours string
		}
		if st := member.Do("POST", "/api/v1/training/checkin", map[string]string{"token": tok}, &ok); st != 201 || !ok.Late || ok.Hours != "3.5" {
			t.Fatalf("check-in: %d %s", st, member.Body())
		}
		if st, body := checkin(member, tok); st != 409 || !strings.Contains(body, "无需重复签到") {
			t.Fatalf("second check-in: %d %s", st, body)
		}
		// B's member is not in A's scope but is in the audience: checks in at B's venue.
		// …through the phone pages: opening the QR link only shows a button.
		bTok := qrAt(t, adminB, venB.ID)
		if st := bMember.Do("GET", "/m/checkin?t="+bTok, nil, nil); st != 200 || !strings.Contains(bMember.Body(), `id="checkin-form"`) || count() != 1 {
			t.Fatalf("check-in page: %d %s", st, bMember.Body())
		}
		if st := bMember.Form("/m/checkin", map[string]string{"t": bTok}); st != 200 || !strings.Contains(bMember.Body(), "签到成功") {
			t.Fatalf("B check-in page: %d %s", st, bMember.Body())
		}
		for c, path := range map[*apptest.Client]string{adminB: fmt.Sprintf("/training/venues/%d/screen", venB.ID), bMember: "/m", city: "/training",
			adminA: fmt.Sprintf("/training/programs/%d", prog.ID)} {
			c.Expect(200, "GET", path, nil, nil)
		}
		if st := adminB.Do("GET", fmt.Sprintf("/training/venues/%d/qr.png", venB.ID), nil, nil); st != 200 || !strings.HasPrefix(adminB.Body(), "\x89PNG") {
			t.Fatalf("qr.png: %d", st)
		}
		// Each county organiser sees only its own venue's people.
		var att struct {
			Present int
			Items   []struct{ Name string }
		}
		if st := adminA.Do("GET", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venA.ID), nil, &att); st != 200 || att.Present != 1 || att.Items[0].Name != "甲党员" {
			t.Fatalf("A's attendance: %d %s", st, adminA.Body())
		}
		adminA.Expect(404, "GET", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venB.ID), nil, nil)                                                     // A reading B's venue
		adminA.Expect(404, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venA.ID), map[string]any{"person_id": w.bMember, "reason": "补登"}, nil) // A marking B's member
		adminA.Expect(400, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venA.ID), map[string]any{"person_id": w.secretary, "reason": ""}, nil) // mark without reason
		// After the end the window is closed.
		w.now = start.Add(3*time.Hour + time.Minute)
		if st, body := checkin(e.Account(auth.Member, 0, w.secretary), qrAt(t, adminA, venA.ID)); st != 422 || !strings.Contains(body, "签到已关闭") {
			t.Fatalf("after the end: %d %s", st, body)
		}
		adminA.Expect(201, "POST", fmt.Sprintf("/api/v1/training/venues/%d/attendance", venA.ID), map[string]any{"person_id": w.secretary, "reason": "现场核实，手机没电"}, nil) // manual mark

		// Ledger of A: member 3.5 of 32, secretary 3.5 of 56 (committee member).
		var led struct {
			Requirement training.Requirement
			Items       []training.Line
			ShortTotal  int `json:"short_total"`
			Coverage    []training.Coverage
		}
		adminA.Expect(200, "GET", fmt.Sprintf("/api/v1/training/ledger?org=%d&year=2026", w.a), nil, &led)
		want := map[string][2]int{"甲书记": {35, 560}, "甲党员": {35, 320}}
		if len(led.Items) != 2 || led.ShortTotal != 2 || led.Coverage[0].Met != 0 {
			t.Fatalf("ledger %+v", led)
		}
		for _, l := range led.Items {
			if w := want[l.Name]; l.Credited != w[0] || l.Required != w[1] {
				t.Errorf("%s: credited %d required %d, want %v", l.Name, l.Credited, l.Required, w)
			}
		}
		adminA.Expect(404, "GET", fmt.Sprintf("/api/v1/training/ledger?org=%d&year=2026", w.b), nil, nil) // A reading B's ledger
		// A configured year changes the requirement; only the city may set it.
		adminA.Expect(403, "PUT", "/api/v1/training/requirements/2026", map[string]int{"general_x10": 30, "key_x10": 40}, nil) // county setting the requirement
		city.Expect(200, "PUT", "/api/v1/training/requirements/2026", map[string]int{"general_x10": 30, "key_x10": 40}, nil)   // set requirement
		adminA.Do("GET", fmt.Sprintf("/api/v1/training/ledger?org=%d&year=2026", w.a), nil, &led)
		if len(led.Items) != 1 || led.ShortTotal != 1 || led.Items[0].Name != "甲书记" {
			t.Fatalf("with 3/4 学时 only the secretary is short: %+v", led.Items)
		}
		// The 兜底 is previewed first, then confirmed with the preview's fingerprint.
		var plan training.FallbackPlan
		if st := adminA.Do("GET", fmt.Sprintf("/api/v1/training/fallback?org=%d&year=2026", w.a), nil, &plan); st != 200 || len(plan.People) != 1 || plan.ProgramID != 0 || plan.Expect == "" {
			t.Fatalf("plan: %d %s", st, adminA.Body())
		}
		var fb struct {
			ProgramID   int64 `json:"program_id"`
			PeopleAdded int   `json:"people_added"`
		}
		if st := adminA.Do("POST", "/api/v1/training/fallback", map[string]any{"org_id": w.a, "year": 2026, "expect": plan.Expect}, &fb); st != 201 || fb.ProgramID == 0 || fb.PeopleAdded != 1 {
			t.Fatalf("fallback: %d %s", st, adminA.Body())
		}
		// Confirming the same preview again: the list changed (they are listed now).
		adminA.Expect(409, "POST", "/api/v1/training/fallback", map[string]any{"org_id": w.a, "year": 2026, "expect": plan.Expect}, nil) // second confirmation of one preview
		adminA.Do("GET", fmt.Sprintf("/api/v1/training/fallback?org=%d&year=2026", w.a), nil, &plan)
		if len(plan.People) != 0 || plan.Listed != 1 || plan.ProgramID != fb.ProgramID {
			t.Fatalf("plan after: %+v", plan)
		}
		var tier string
		var people int
		e.DB.QueryRowContext(context.Background(), "SELECT tier, (SELECT COUNT(*) FROM training_people WHERE program_id = p.id) FROM training_programs p WHERE id = ?", fb.ProgramID).Scan(&tier, &people)
		if tier != training.TierFallback || people != 1 {
			t.Fatalf("fallback program: tier %q people %d", tier, people)
		}
		var mine training.Mine
		if st := member.Do("GET", "/api/v1/training/mine?year=2026", nil, &mine); st != 200 || mine.Credited != 35 || mine.Required != 30 || len(mine.Sessions) != 1 {
			t.Fatalf("mine: %d %s", st, member.Body())
		}
	})
}

func qrAt(t *testing.T, c *apptest.Client, venue int64) string {
	t.Helper()
	var qr struct{ Token string }
	c.Expect(200, "GET", fmt.Sprintf("/api/v1/training/venues/%d/qr", venue), nil, &qr)
	return qr.Token
}

func TestHoursAndWindow(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{"1.5": 15, "32": 320, "0.1": 1} {
		if got, err := training.ParseHours(s); err != nil || got != want {
			t.Errorf("ParseHours(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"0", "-1", "1.25", "abc", "101"} {
		if _, err := training.ParseHours(s); err == nil {
			t.Errorf("ParseHours(%q) accepted", s)
		}
	}
	if training.Hours(35) != "3.5" || training.Hours(320) != "32" {
		t.Fatal("Hours formatting")
	}
	r := training.DefaultRequirement(2026)
	if r.Required(false) != 320 || r.Required(true) != 560 {
		t.Fatal("default requirement is 32 / 56 学时")
	}
	if (training.Line{Credited: 300, Required: 320}).Short() != 20 || (training.Line{Credited: 400, Required: 320}).Short() != 0 {
		t.Fatal("short arithmetic")
	}
}
