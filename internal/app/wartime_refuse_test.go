package app_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/wartime"
)

// Every bad input is refused with a Chinese message naming the field (or
// the rule), and changes nothing.
func TestBadInputIsRefused(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		c := b.adminA
		post := func(path string, body any, status int, field string) {
			t.Helper()
			refused(t, e, c, "POST", path, body, status, field)
		}
		ok := wartime.EventInput{KindID: 1, OrgID: b.A, Title: "安保", StartsOn: b.day(-1), EndsOn: b.day(10), UnitIDs: []int64{b.ABranch}}
		with := func(edit func(in *wartime.EventInput)) wartime.EventInput {
			in := ok
			edit(&in)
			return in
		}
		for _, c := range []struct {
			name   string
			in     any
			status int
			field  string
		}{
			{"no 党委", with(func(in *wartime.EventInput) { in.OrgID = 0 }), 400, "org_id"},
			{"a branch activates", with(func(in *wartime.EventInput) { in.OrgID = b.ABranch }), 422, "R-wartime-activate"},
			{"another 分局's 党委", with(func(in *wartime.EventInput) { in.OrgID = b.B }), 404, ""},
			{"an unknown kind", with(func(in *wartime.EventInput) { in.KindID = 999 }), 400, "kind_id"},
			{"no title", with(func(in *wartime.EventInput) { in.Title = " " }), 400, "title"},
			{"a bidi override in the title", with(func(in *wartime.EventInput) { in.Title = "安保\u202e" }), 422, "title"},
			{"an unreadable start", with(func(in *wartime.EventInput) { in.StartsOn = "2026/01/01" }), 400, "starts_on"},
			{"a start tomorrow", with(func(in *wartime.EventInput) { in.StartsOn = b.day(1) }), 422, "starts_on"},
			{"a start in 1999", with(func(in *wartime.EventInput) { in.StartsOn = "1999-12-31" }), 422, "starts_on"},
			{"no expected end", with(func(in *wartime.EventInput) { in.EndsOn = "" }), 400, "ends_on"},
			{"an end before the start", with(func(in *wartime.EventInput) { in.EndsOn = b.day(-2) }), 422, "ends_on"},
			{"an end 31 February", with(func(in *wartime.EventInput) { in.EndsOn = "2027-02-31" }), 400, "ends_on"},
			{"no unit", with(func(in *wartime.EventInput) { in.UnitIDs = nil }), 400, "unit_ids"},
			{"a unit of another 分局", with(func(in *wartime.EventInput) { in.UnitIDs = []int64{b.BBranch} }), 422, "unit_ids"},
			{"an unknown field", map[string]any{"kind_id": 1, "org_id": b.A, "title": "x", "starts_on": b.day(0), "ends_on": b.day(1), "unit_ids": []int64{b.ABranch}, "role": "admin"}, 400, ""},
		} {
			t.Run(c.name, func(t *testing.T) { post("/api/v1/wartime/events", c.in, c.status, c.field) })
		}
		refused(t, e, b.leaderA, "POST", "/api/v1/wartime/events", ok, http.StatusForbidden, "")
		ev := b.activate(t)
		dup := wartime.EventInput{KindID: 3, OrgID: b.A, Title: "驰援疫情防控", StartsOn: b.day(-10), EndsOn: b.day(30), UnitIDs: []int64{b.ABranch}}
		post("/api/v1/wartime/events", dup, http.StatusConflict, "")

		teams := fmt.Sprintf("/api/v1/wartime/events/%d/teams", ev.ID)
		outside := e.Org(b.A, "甲分局机关党支部", "branch") // in 甲's scope, not a unit of the event
		for _, c := range []struct {
			name   string
			in     wartime.TeamInput
			status int
			field  string
		}{
			{"an unknown kind", wartime.TeamInput{Kind: "army", Name: "x", OrgID: b.ABranch, FormedOn: b.day(0)}, 400, "kind"},
			{"no name", wartime.TeamInput{Kind: wartime.Squad, OrgID: b.ABranch, FormedOn: b.day(0)}, 400, "name"},
			{"another 分局's branch", wartime.TeamInput{Kind: wartime.Squad, Name: "x", OrgID: b.BBranch, FormedOn: b.day(0)}, 404, ""},
			{"a branch not involved", wartime.TeamInput{Kind: wartime.Squad, Name: "x", OrgID: outside, FormedOn: b.day(0)}, 422, "org_id"},
			{"formed before the start", wartime.TeamInput{Kind: wartime.Squad, Name: "x", OrgID: b.ABranch, FormedOn: b.day(-11)}, 422, "formed_on"},
			{"a 临时党支部 under a branch", wartime.TeamInput{Kind: wartime.TempBranch, Name: "x", OrgID: b.ABranch, FormedOn: b.day(0)}, 422, "R-ORG-PARENT"},
		} {
			t.Run(c.name, func(t *testing.T) { post(teams, c.in, c.status, c.field) })
		}
		branch := b.team(t, ev.ID, wartime.TempBranch, "临时党支部", b.A)
		squad := b.team(t, ev.ID, wartime.Squad, "突击队", b.ABranch)
		post(teams, wartime.TeamInput{Kind: wartime.Post, Name: "突击队", OrgID: b.ABranch, FormedOn: b.day(0)}, http.StatusConflict, "")

		members := func(team int64) string { return fmt.Sprintf("/api/v1/wartime/teams/%d/members", team) }
		post(members(branch.ID), wartime.MemberInput{PersonID: b.auxiliary, JoinedOn: b.day(0)}, 422, "R-ORG-TEMP")
		post(members(squad.ID), wartime.MemberInput{PersonID: b.dead, JoinedOn: b.day(0)}, 422, "person_id")
		post(members(squad.ID), wartime.MemberInput{PersonID: b.b, JoinedOn: b.day(0)}, 404, "")
		post(members(squad.ID), wartime.MemberInput{PersonID: b.auxiliary, JoinedOn: b.day(0), Role: "司令"}, 400, "role")
		post(members(squad.ID), wartime.MemberInput{PersonID: b.auxiliary, JoinedOn: b.day(-10)}, 422, "joined_on")
		post(members(squad.ID), wartime.MemberInput{PersonID: b.auxiliary}, 400, "joined_on")
		b.join(t, squad.ID, b.auxiliary)
		post(members(squad.ID), wartime.MemberInput{PersonID: b.auxiliary, JoinedOn: b.day(0)}, http.StatusConflict, "")

		records := fmt.Sprintf("/api/v1/wartime/teams/%d/records", squad.ID)
		rec := func(person int64, on, deed, attested string) wartime.RecordInput {
			return wartime.RecordInput{PersonID: person, OnDate: on, Deed: deed, AttestedBy: attested}
		}
		post(records, rec(b.activist, b.day(0), "值守", "队长"), 422, "person_id")
		post(records, rec(b.auxiliary, b.day(-10), "值守", "队长"), 422, "on_date")
		post(records, rec(b.auxiliary, b.day(1), "值守", "队长"), 422, "on_date")
		post(records, rec(b.auxiliary, "昨天", "值守", "队长"), 400, "on_date")
		post(records, rec(b.auxiliary, b.day(0), "", "队长"), 400, "deed")
		post(records, rec(b.auxiliary, b.day(0), strings.Repeat("值", 1001), "队长"), 422, "deed")
		post(records, rec(b.auxiliary, b.day(0), "值守", ""), 400, "attested_by")

		standouts := fmt.Sprintf("/api/v1/wartime/teams/%d/standouts", squad.ID)
		post(standouts, wartime.StandoutInput{PersonID: b.auxiliary, OnDate: b.day(0), Reason: "突出"}, 422, "person_id") // no record yet
		b.record(t, squad.ID, b.auxiliary, b.day(-2), "值守")
		post(standouts, wartime.StandoutInput{PersonID: b.auxiliary, OnDate: b.day(-11), Reason: "突出"}, 422, "on_date")
		post(standouts, wartime.StandoutInput{PersonID: b.auxiliary, OnDate: b.day(0)}, 400, "reason")
		c.Expect(http.StatusCreated, "POST", standouts, wartime.StandoutInput{PersonID: b.auxiliary, OnDate: b.day(0), Reason: "突出"}, nil)
		post(standouts, wartime.StandoutInput{PersonID: b.auxiliary, OnDate: b.day(0), Reason: "再次"}, http.StatusConflict, "")

		// A kind of event is the bureau's to add.
		refused(t, e, c, "POST", "/api/v1/wartime/kinds", map[string]string{"name": "反恐处突"}, http.StatusForbidden, "")
		wartimeBureau := e.Account(auth.OrgAdmin, b.Root, 0)
		refused(t, e, wartimeBureau, "POST", "/api/v1/wartime/kinds", map[string]string{"name": "扫黑除恶"}, http.StatusConflict, "")
		wartimeBureau.Expect(http.StatusCreated, "POST", "/api/v1/wartime/kinds", map[string]string{"name": "反恐处突"}, nil)
	})
}

// Two officers editing the same event: the second, on the version both
// read, is refused and changes nothing; so is ending on a stale version.
func TestConcurrentEditsConflict(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		other := e.Account(auth.OrgAdmin, b.A, 0)
		path := fmt.Sprintf("/api/v1/wartime/events/%d", ev.ID)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i, c := range []*apptest.Client{b.adminA, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				title := fmt.Sprintf("改名%d", i)
				codes[i] = c.Do("PATCH", path, wartime.EventPatch{Version: ev.Version, Title: &title}, nil)
			}()
		}
		wg.Wait()
		if codes[0]+codes[1] != http.StatusOK+http.StatusConflict {
			t.Fatalf("two edits on one version: %v, want one 200 and one 409", codes)
		}
		refused(t, e, b.adminA, "POST", path+"/end", wartime.EndInput{Version: ev.Version}, http.StatusConflict, "")
		refused(t, e, b.adminA, "POST", path+"/end", wartime.EndInput{Version: ev.Version + 1, EndedOn: b.day(-11)}, 422, "ended_on")
		refused(t, e, b.adminA, "POST", path+"/end", wartime.EndInput{Version: ev.Version + 1, EndedOn: b.day(1)}, 422, "ended_on")
	})
}

// wartimeUpload posts a multipart file as the API client c.
func wartimeUpload(t *testing.T, c *apptest.Client, path, name string, content []byte, out any) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, out)
}

// Evidence is sealed at rest, typed by content, stored once, downloaded as
// an attachment by those who see the record, and every read is audited.
func TestEvidence(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		squad := b.team(t, ev.ID, wartime.Squad, "突击队", b.ABranch)
		b.join(t, squad.ID, b.auxiliary)
		rec := b.record(t, squad.ID, b.auxiliary, b.day(-1), "值守")
		path := fmt.Sprintf("/api/v1/wartime/records/%d/files", rec.ID)
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("卡口值守照片"), 500)...)
		var out struct {
			File     wartime.File
			Replayed bool
		}
		if st := wartimeUpload(t, b.adminA, path, "照片.exe", []byte("MZ\x90\x00 not an image"), nil); st != http.StatusUnprocessableEntity {
			t.Errorf("a program: %d", st)
		}
		if st := wartimeUpload(t, b.adminA, path, "big.png", append(png, make([]byte, wartime.MaxFile)...), nil); st != http.StatusRequestEntityTooLarge {
			t.Errorf("oversize: %d", st)
		}
		if st := wartimeUpload(t, b.adminA, path, "照片.png", png, &out); st != http.StatusCreated || out.File.ContentType != "image/png" {
			t.Fatalf("upload: %d %s", st, b.adminA.Body())
		}
		if st := wartimeUpload(t, b.adminA, path, "again.png", png, &out); st != http.StatusOK || !out.Replayed {
			t.Errorf("the same file again: %d %+v", st, out)
		}
		stored, _ := filepath.Glob(filepath.Join(e.App.DataDir, "wartime", "evidence", "*"))
		if len(stored) != 1 || e.Count("SELECT COUNT(*) FROM wartime_files") != 1 {
			t.Fatalf("stored %d files", len(stored))
		}
		if n := e.Count("SELECT COUNT(*) FROM wartime_files WHERE stored_name LIKE '%.png' OR stored_name LIKE '%照片%'"); n != 0 {
			t.Error("the stored name keeps the user's name")
		}
		if st := wartimeUpload(t, b.leaderA, path, "照片.png", png, nil); st != http.StatusForbidden {
			t.Errorf("a 领导 uploads: %d", st)
		}
		req, _ := http.NewRequest("GET", out.File.URL(), nil)
		if st := b.leaderA.Send(req, nil); st != http.StatusOK || !bytes.Equal(b.leaderA.Last, png) {
			t.Fatalf("download: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'wartime.record.download'"); n != 1 {
			t.Errorf("downloads audited: %d", n)
		}
		otherB := e.Account(auth.OrgAdmin, b.B, 0)
		if st := otherB.Send(req, nil); st != http.StatusNotFound {
			t.Errorf("乙's 党务管理员 downloads 甲's evidence: %d", st)
		}
	})
}

// The three lists export what they show, filtered, every cell safe: a deed
// typed as a formula stays text.
func TestExports(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		squad := b.team(t, ev.ID, wartime.Squad, "突击队", b.ABranch)
		b.join(t, squad.ID, b.auxiliary)
		b.record(t, squad.ID, b.auxiliary, b.day(-1), "=HYPERLINK(\"http://x\")")
		b.adminA.Expect(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/standouts", squad.ID), wartime.StandoutInput{PersonID: b.auxiliary,
			OnDate: b.day(0), Reason: "+冲锋在前"}, nil)
		for _, c := range []struct{ path, want string }{
			{fmt.Sprintf("/wartime/export?org=%d&state=active", b.A), "驰援疫情防控"},
			{fmt.Sprintf("/wartime/records/export?event=%d", ev.ID), "HYPERLINK"},
			{"/wartime/standouts/export", "可优先确定为入党积极分子"},
		} {
			req, _ := http.NewRequest("GET", c.path, nil)
			if st := b.leaderA.Send(req, nil); st != http.StatusOK {
				t.Fatalf("%s: %d", c.path, st)
			}
			if err := cellsafe.CheckXLSX(bytes.NewReader(b.leaderA.Last)); err != nil {
				t.Errorf("%s: %v", c.path, err)
			}
			x, err := excelize.OpenReader(bytes.NewReader(b.leaderA.Last))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows(x.GetSheetName(0))
			if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), c.want) {
				t.Errorf("%s: rows %v, want a header and one row with %q", c.path, rows, c.want)
			}
			x.Close()
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'wartime.export'"); n != 3 {
			t.Errorf("exports audited: %d", n)
		}
		req, _ := http.NewRequest("GET", fmt.Sprintf("/wartime/export?org=%d", b.B), nil)
		if st := b.leaderA.Send(req, nil); st != http.StatusNotFound {
			t.Errorf("an export of 乙's: %d", st)
		}
	})
}
