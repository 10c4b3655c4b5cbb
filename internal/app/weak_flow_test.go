package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/weak"
)

// 甲分局城关 has two 正式党员, no 书记 and no meetings: the checks flag
// it; 乙分局城关 is outside 甲分局's scope.
func TestListRectifyAcceptAndBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		for i := 0; i < 2; i++ {
			e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("甲%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		}
		root, a := e.Account(auth.OrgAdmin, b.Root, 0), e.Account(auth.OrgAdmin, b.A, 0)
		branch, other := e.Account(auth.OrgAdmin, b.ABranch, 0), e.Account(auth.OrgAdmin, b.B, 0)

		var cs weak.Candidates
		if st := a.Do("GET", "/api/v1/weak/check?year=2026", nil, &cs); st != 200 || cs.Total != 1 || cs.Items[0].OrgID != b.ABranch {
			t.Fatalf("check: %d %+v", st, cs)
		}
		hits := map[string]bool{}
		for _, h := range cs.Items[0].Hits {
			hits[h.Code] = true
		}
		for _, code := range []string{"secretary_vacant", "committee_incomplete", "life_not_held", "few_members", "no_development"} {
			if !hits[code] {
				t.Errorf("check missed %s: %+v", code, cs.Items[0].Hits)
			}
		}
		good := func() map[string]any {
			return map[string]any{"org_id": b.ABranch, "year": 2026, "triggers": []string{"secretary_vacant", "divided"}, "problems": "书记长期空缺，班子不团结",
				"measures": "一个月内选配书记", "leader": "王某（甲分局党委副书记）", "deadline": "2026-11-30"}
		}
		var out apiError
		for _, bad := range []struct {
			name   string
			c      *apptest.Client
			change func(m map[string]any)
			status int
			field  string
			rule   string
		}{
			{"the branch lists itself", branch, func(m map[string]any) {}, 422, "", "R-weak-upper"},
			{"no trigger", a, func(m map[string]any) { m["triggers"] = []string{} }, 400, "triggers", ""},
			{"unknown trigger", a, func(m map[string]any) { m["triggers"] = []string{"lazy"} }, 422, "triggers", ""},
			{"deadline passed", a, func(m map[string]any) { m["deadline"] = "2026-05-19" }, 422, "deadline", ""},
			{"deadline over a year", a, func(m map[string]any) { m["deadline"] = "2027-05-21" }, 422, "", "R-weak-deadline"},
			{"no such date", a, func(m map[string]any) { m["deadline"] = "2026-02-30" }, 400, "deadline", ""},
			{"no leader", a, func(m map[string]any) { m["leader"] = " " }, 400, "leader", ""},
			{"no problems", a, func(m map[string]any) { m["problems"] = "" }, 400, "problems", ""},
			{"a 党委", a, func(m map[string]any) { m["org_id"] = b.A }, 422, "org_id", ""},
			{"next year", a, func(m map[string]any) { m["year"] = 2027 }, 422, "year", ""},
			{"乙分局's branch", a, func(m map[string]any) { m["org_id"] = b.BBranch }, 404, "", ""},
		} {
			m := good()
			bad.change(m)
			out = apiError{}
			if st := bad.c.Do("POST", "/api/v1/weak/cases", m, &out); st != bad.status || out.Error.Field != bad.field || out.Error.Rule != bad.rule {
				t.Errorf("%s: %d %+v", bad.name, st, out.Error)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM weak_cases") + e.Count("SELECT COUNT(*) FROM weak_reports"); n != 0 {
			t.Fatalf("refused listings wrote %d rows", n)
		}
		var c weak.Case
		if st := a.Do("POST", "/api/v1/weak/cases", good(), &c); st != 201 || c.State != weak.Rectifying || len(c.Reports) != 1 {
			t.Fatalf("create: %d %s", st, a.Body())
		}
		if st := a.Do("POST", "/api/v1/weak/cases", good(), nil); st != 409 {
			t.Fatalf("listed twice: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'weak.rectify' AND org_id = ? AND done_at IS NULL AND due_on = '2026-11-30'", b.ABranch); n != 1 {
			t.Fatalf("rectify 待办: %d", n)
		}
		path := fmt.Sprintf("/api/v1/weak/cases/%d", c.ID)
		act := func(cl *apptest.Client, kind string, version int, body string, extra ...string) int {
			m := map[string]any{"kind": kind, "version": version, "body": body}
			if len(extra) > 0 {
				m["deadline"] = extra[0]
			}
			out = apiError{}
			st := cl.Do("POST", path+"/actions", m, nil)
			target := any(&out)
			if st == 200 {
				target = &c
			}
			if err := json.Unmarshal(cl.Last, target); err != nil {
				t.Fatal(err)
			}
			return st
		}
		if st := other.Do("GET", path, nil, nil); st != 404 {
			t.Fatalf("乙分局 reads the case: %d", st)
		}
		if st := act(branch, "progress", c.Version, "已推荐书记人选"); st != 200 || len(c.Reports) != 2 {
			t.Fatalf("progress: %d %s", st, branch.Body())
		}
		if st := act(branch, "progress", c.Version+1, "x"); st != 409 {
			t.Fatalf("stale version: %d", st)
		}
		if st := act(branch, "progress", c.Version, " "); st != 400 {
			t.Fatalf("empty report: %d", st)
		}
		if st := act(branch, "celebrate", c.Version, "x"); st != 400 {
			t.Fatalf("unknown action: %d", st)
		}
		if st := act(branch, "submit", c.Version, "书记已选配，组织生活恢复"); st != 200 || c.State != weak.Submitted {
			t.Fatalf("submit: %d %s", st, branch.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'weak.accept' AND org_id = ? AND done_at IS NULL", b.A); n != 1 {
			t.Fatalf("accept 待办 of 甲分局: %d", n)
		}
		if st := act(branch, "accept", c.Version, "自己验收"); st != 422 || out.Error.Rule != "R-weak-upper" {
			t.Fatalf("a branch accepts itself: %d %+v", st, out.Error)
		}
		if st := act(branch, "submit", c.Version, "again"); st != 409 {
			t.Fatalf("submitted twice: %d", st)
		}
		if st := act(a, "return", c.Version, "组织生活台账不全", "2026-12-31"); st != 200 || c.State != weak.Rectifying || c.Deadline != "2026-12-31" {
			t.Fatalf("return: %d %s %s", st, c.State, c.Deadline)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'weak.rectify' AND done_at IS NULL AND due_on = '2026-12-31'"); n != 1 {
			t.Fatalf("rectify 待办 after return: %d", n)
		}
		act(branch, "submit", c.Version, "台账已补齐")
		if st := act(a, "accept", c.Version, "验收合格，同意销号"); st != 200 || c.State != weak.Accepted || c.AcceptedOn != "2026-05-20" {
			t.Fatalf("accept: %d %s", st, a.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source LIKE 'weak.%' AND done_at IS NULL"); n != 0 {
			t.Fatalf("%d 待办 left open", n)
		}
		if st := act(a, "progress", c.Version, "x"); st != 422 {
			t.Fatalf("an accepted case changed: %d", st)
		}
		kinds := ""
		for _, r := range c.Reports {
			kinds += r.Kind + " "
		}
		if kinds != "list progress submit return submit accept " {
			t.Fatalf("history: %s", kinds)
		}
		var l weak.List
		if st := root.Do("GET", "/api/v1/weak/cases?year=2026", nil, &l); st != 200 || l.Total != 1 || l.Counts[weak.Accepted] != 1 {
			t.Fatalf("list: %d %+v", st, l)
		}
		req, _ := http.NewRequest("GET", "/weak/export?year=2026", nil)
		if st := root.Send(req, nil); st != 200 {
			t.Fatalf("export: %d", st)
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(root.Last)); err != nil {
			t.Fatal(err)
		}
		// The bureau's numbers.
		if st := a.Do("PUT", "/api/v1/weak/params", map[string]any{"year": 2026, "params": map[string]int{"vacant_months": 6}}, nil); st != 403 {
			t.Fatalf("a 分局 sets the numbers: %d", st)
		}
		if st := root.Do("PUT", "/api/v1/weak/params", map[string]any{"year": 2026, "params": map[string]int{"vacant_months": 0}}, &out); st != 422 || out.Error.Field != "vacant_months" {
			t.Fatalf("0 months: %d %+v", st, out.Error)
		}
		if st := root.Do("PUT", "/api/v1/weak/params", map[string]any{"year": 2026, "params": map[string]int{"min_full": 2}}, nil); st != 200 {
			t.Fatalf("params: %d %s", st, root.Body())
		}
		a.Do("GET", "/api/v1/weak/check?year=2026", nil, &cs)
		for _, h := range cs.Items[0].Hits {
			if h.Code == "few_members" {
				t.Fatalf("two 正式党员 flagged with the least set to 2: %+v", h)
			}
		}
	})
}
