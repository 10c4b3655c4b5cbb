package app_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/cases"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/db"
)

// casesUploadFile posts a multipart file to a case's files.
func casesUploadFile(t *testing.T, c *apptest.Client, path, name string, content []byte) int {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, nil)
}

// The library, visits and pairings end to end, with their bad input.
func TestCasesFlow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-06-10")
		b := e.Bureau()
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		adminB := e.Account(auth.OrgAdmin, b.B, 0)
		branch := e.Account(auth.OrgAdmin, b.BBranch, 0)
		branchA := e.Account(auth.OrgAdmin, b.ABranch, 0)
		leader := e.Account(auth.Leader, b.Root, 0)
		var eb apiError

		// The bureau's external case is read by every branch below.
		in := map[string]any{"org_id": b.Root, "title": "“枫桥式公安派出所”党建引领", "origin": "external", "source": "浙江省诸暨市公安局",
			"problem": "矛盾纠纷化解难", "practice": "党员民警包片联户", "effect": "矛盾就地化解率提高"}
		var ext cases.Case
		root.Expect(201, "POST", "/api/v1/cases", in, &ext)
		branchA.Expect(200, "GET", fmt.Sprintf("/api/v1/cases/%d", ext.ID), nil, nil) // a branch reading the bureau's case
		bad := map[string]any{"org_id": b.BBranch, "title": "", "origin": "moon", "source": "乙", "problem": "p", "practice": strings.Repeat("长", 4001), "effect": "e"}
		if st := branch.Do("POST", "/api/v1/cases", bad, &eb); st != 400 || !strings.Contains(eb.Error.Message, "案例名称") || !strings.Contains(eb.Error.Message, "做法不超过") {
			t.Fatalf("bad case: %d %+v", st, eb)
		}
		in["org_id"], in["origin"], in["source"], in["title"] = b.BBranch, "internal", "乙分局城关派出所", "“红色警营”阵地"
		var own cases.Case
		branch.Expect(201, "POST", "/api/v1/cases", in, &own)
		branchA.Expect(404, "GET", fmt.Sprintf("/api/v1/cases/%d", own.ID), nil, nil) // A's branch reading B's branch's case

		// Featuring is the organisation above's call.
		branch.Expect(404, "POST", fmt.Sprintf("/api/v1/cases/%d/feature", own.ID), map[string]any{"featured": true}, nil) // a branch featuring its own case
		if st := adminB.Do("POST", fmt.Sprintf("/api/v1/cases/%d/feature", own.ID), map[string]any{"featured": true, "version": own.Version}, &own); st != 200 || !own.Featured {
			t.Fatalf("feature: %d %s", st, adminB.Body())
		}
		adminB.Expect(409, "POST", fmt.Sprintf("/api/v1/cases/%d/feature", own.ID), map[string]any{"featured": true}, nil) // featured twice
		var list struct {
			Total int
			Items []cases.Case
		}
		if st := adminB.Do("GET", "/api/v1/cases?featured=1", nil, &list); st != 200 || list.Total != 1 || list.Items[0].ID != own.ID {
			t.Fatalf("featured list: %d %+v", st, list)
		}

		// Attachments: type by content, size, once.
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
		path := fmt.Sprintf("/api/v1/cases/%d/files", own.ID)
		if st := casesUploadFile(t, branch, path, "阵地.png", png); st != 201 {
			t.Fatalf("upload: %d %s", st, branch.Body())
		}
		if st := casesUploadFile(t, branch, path, "again.png", png); st != 409 {
			t.Fatalf("the same file twice: %d", st)
		}
		if st := casesUploadFile(t, branch, path, "script.pdf", []byte("<script>alert(1)</script>")); st != 422 {
			t.Fatalf("a script named .pdf: %d", st)
		}
		if st := casesUploadFile(t, branch, path, "big.pdf", append([]byte("%PDF-"), make([]byte, cases.MaxFile)...)); st != 413 {
			t.Fatalf("over the size: %d", st)
		}
		if st := casesUploadFile(t, branchA, path, "x.png", png); st != 404 {
			t.Fatalf("A's branch uploading: %d", st)
		}
		var got cases.Case
		leader.Do("GET", fmt.Sprintf("/api/v1/cases/%d", own.ID), nil, &got)
		if len(got.Files) != 1 || got.Files[0].Name != "阵地.png" {
			t.Fatalf("files: %+v", got.Files)
		}
		req, _ := http.NewRequest("GET", fmt.Sprintf("/cases/files/%d", got.Files[0].ID), nil)
		resp := leader.Send(req, nil)
		if resp != 200 || !bytes.Equal(leader.Last, png) {
			t.Fatalf("download: %d", resp)
		}

		// Visits.
		visit := map[string]any{"org_id": b.BBranch, "host": "碑林分局文艺路派出所", "topic": "“红色警营”建设", "visited_on": "2026-06-11",
			"participants": "支委 5 人", "takeaways": "学习了阵地布置", "case_id": ext.ID}
		if st := branch.Do("POST", "/api/v1/study-visits", visit, &eb); st != 400 || eb.Error.Field != "visited_on" {
			t.Fatalf("a visit tomorrow: %d %+v", st, eb)
		}
		visit["visited_on"], visit["case_id"] = "2026-05-18", 999999
		if st := branch.Do("POST", "/api/v1/study-visits", visit, &eb); st != 422 || eb.Error.Field != "case_id" {
			t.Fatalf("an unknown case: %d %+v", st, eb)
		}
		visit["case_id"] = ext.ID
		var v cases.Visit
		if st := branch.Do("POST", "/api/v1/study-visits", visit, &v); st != 201 || v.CaseID != ext.ID {
			t.Fatalf("visit: %d %s", st, branch.Body())
		}

		// Pairings: sessions within it, a reminder when quiet.
		var pr cases.Pairing
		start := map[string]any{"org_id": b.BBranch, "partner": "北京市某派出所党支部", "goal": "提升三会一课质量", "started_on": "2026-03-01"}
		branch.Expect(201, "POST", "/api/v1/pairings", start, &pr)
		branch.Expect(409, "POST", "/api/v1/pairings", start, nil) // the same pairing twice
		if err := cases.Sync(context.Background(), e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'cases.pairing' AND done_at IS NULL AND org_id = ?", b.BBranch); n != 1 {
			t.Fatalf("%d reminders for a pairing quiet since March", n)
		}
		sessions := fmt.Sprintf("/api/v1/pairings/%d/sessions", pr.ID)
		if st := branch.Do("POST", sessions, map[string]any{"held_on": "2026-02-01", "topic": "会议记录", "result": "x"}, &eb); st != 400 || eb.Error.Field != "held_on" {
			t.Fatalf("a session before the pairing: %d %+v", st, eb)
		}
		if st := branch.Do("POST", sessions, map[string]any{"held_on": "2026-06-05", "topic": "会议记录规范", "result": "统一了记录模板"}, &pr); st != 201 || pr.LastOn != "2026-06-05" {
			t.Fatalf("session: %d %s", st, branch.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'cases.pairing' AND done_at IS NULL"); n != 0 {
			t.Fatalf("the reminder stays after a session: %d", n)
		}
		if st := branch.Do("POST", fmt.Sprintf("/api/v1/pairings/%d/end", pr.ID), map[string]any{"ended_on": "2026-06-10", "result": "支部会议质量明显提升", "version": pr.Version}, &pr); st != 200 || pr.EndedOn == "" {
			t.Fatalf("end: %d %s", st, branch.Body())
		}
		branch.Expect(409, "POST", sessions, map[string]any{"held_on": "2026-06-10", "topic": "回访", "result": "x"}, nil) // a session after the end

		// A credited innovation goes into the library, once, by B.
		ctx := context.Background()
		inv, err := db.InsertID(ctx, e.DB, `INSERT INTO assess_innovations (org_id, year, title, problem, idea, expected, risks, planned_start, registered_on, state, ruling, credit, outcome_note, created_at, updated_at)
			VALUES (?, 2026, '党员先锋岗积分制', '作用难量化', '按月积分公示', '带头作用可见', '负担', '2026-03-01', '2026-02-20', 'succeeded', 'credit', 3, '参与率提高', 0, 0)`, b.BBranch)
		if err != nil {
			t.Fatal(err)
		}
		branch.Expect(404, "POST", fmt.Sprintf("/api/v1/innovations/%d/case", inv), map[string]any{}, nil) // a branch putting its own innovation in the library
		adminB.Expect(200, "POST", fmt.Sprintf("/api/v1/innovations/%d/case", inv), map[string]any{}, nil) // to the library
		if n := e.Count("SELECT COUNT(*) FROM practice_cases WHERE innovation_id = ? AND featured = 1 AND practice = '按月积分公示'", inv); n != 1 {
			t.Fatalf("%d featured cases from the innovation", n)
		}
		adminB.Expect(409, "POST", fmt.Sprintf("/api/v1/innovations/%d/case", inv), map[string]any{}, nil) // into the library twice

		// Pages and exports.
		for _, p := range []string{"/cases", fmt.Sprintf("/cases/%d", own.ID), "/cases/visits", "/cases/pairings", fmt.Sprintf("/cases/pairings/%d", pr.ID)} {
			if st := leader.Do("GET", p, nil, nil); st != 200 || strings.Contains(leader.Body(), `method="post" action="/cases`) {
				t.Errorf("GET %s as 领导: %d", p, st)
			}
		}
		for _, p := range []string{"/cases/export", "/cases/visits/export?year=2026"} {
			root.Expect(200, "GET", p, nil, nil)
			if err := cellsafe.CheckXLSX(bytes.NewReader(root.Last)); err != nil {
				t.Fatal(err)
			}
		}
	})
}
