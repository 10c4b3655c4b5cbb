package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// A 群众 (not a party member) is registered in a branch but counted in no
// party statistic: dashboard, year-end report, organisation counts and
// warnings, training ledger (the audience of 党员), meeting rosters, dues,
// the 花名册; and can open a development case, becoming 申请人.
func TestMassesCountInNoPartyStatistic(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		day := time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
		e.App.Deps.Now = func() time.Time { return day }
		b := e.Bureau()
		party := func(name, status, join, full string) int64 {
			return e.Person(dbtest.Person{Org: b.ABranch, Name: name, Status: status, Category: "民警", BirthDate: "1980-01-01", JoinDate: join, FullDate: full})
		}
		party("党员甲", "full", "2005-07-01", "2006-07-01")
		party("党员乙", "full", "2006-07-01", "2007-07-01")
		party("党员丙", "probationary", "2026-01-10", "")
		var masses []int64
		for i, cat := range []string{"辅警", "辅警", member.RetiredStaff} {
			masses = append(masses, e.Person(dbtest.Person{Org: b.ABranch, Name: fmt.Sprintf("群众%d", i), Status: member.Masses, Category: cat, BirthDate: "1990-01-01"}))
		}
		admin := e.Account(auth.OrgAdmin, b.A, 0)
		get := func(path string, out any) {
			t.Helper()
			admin.Expect(200, "GET", path, nil, out)
		}

		var dash struct {
			Members, Full, Probationary, Pipeline, Masses int
			ByStatus                                      []struct{ Key string }
			ByCategory                                    []struct {
				Key   string
				Count int
			} `json:"by_category"`
		}
		get(fmt.Sprintf("/api/v1/stats/dashboard?org=%d", b.A), &dash)
		if dash.Members != 3 || dash.Full != 2 || dash.Probationary != 1 || dash.Pipeline != 0 || dash.Masses != 3 {
			t.Errorf("dashboard: %+v", dash)
		}
		for _, s := range dash.ByStatus {
			if s.Key == member.Masses {
				t.Error("the dashboard's party statuses show 群众")
			}
		}
		for _, c := range dash.ByCategory {
			if (c.Key == "辅警" && c.Count != 0) || c.Key == member.RetiredStaff {
				t.Errorf("dashboard category %s: %d", c.Key, c.Count)
			}
		}

		var annual struct{ Members, Full, Probationary int }
		get(fmt.Sprintf("/api/v1/stats/annual?year=2026&org=%d", b.A), &annual)
		if annual.Members != 3 || annual.Full != 2 || annual.Probationary != 1 {
			t.Errorf("annual report: %+v", annual)
		}

		var tree struct{ Items []orgNode }
		get(fmt.Sprintf("/api/v1/orgs?org=%d", b.A), &tree)
		branch := findOrg(tree.Items, b.ABranch)
		if branch == nil {
			t.Fatalf("the branch is not in the tree: %s", admin.Body())
		}
		few := false
		for _, w := range branch.Warnings {
			few = few || w.Kind == "few_full"
		}
		if branch.Counts.Members != 3 || branch.Counts.Full != 2 || !few {
			t.Errorf("branch counts %+v, warnings %+v: want 3 members, 2 正式, and the under-3-正式党员 warning", branch.Counts, branch.Warnings)
		}

		var ledger struct{ Items []struct{ PersonID int64 } }
		get(fmt.Sprintf("/api/v1/training/ledger?year=2026&org=%d", b.ABranch), &ledger)
		var roster struct{ Items []struct{ PersonID int64 } }
		get(fmt.Sprintf("/api/v1/meetings/roster?org=%d&kind=congress&date=2026-06-15", b.ABranch), &roster)
		var dues struct{ Total int }
		get(fmt.Sprintf("/api/v1/dues?org=%d&year=2026&month=6", b.ABranch), &dues)
		if len(ledger.Items) != 3 || len(roster.Items) != 3 || dues.Total != 3 {
			t.Errorf("training ledger %d, meeting roster %d, dues ledger %d people: want the 3 party members", len(ledger.Items), len(roster.Items), dues.Total)
		}
		for _, it := range append(ledger.Items, roster.Items...) {
			for _, m := range masses {
				if it.PersonID == m {
					t.Errorf("群众 %d listed among party members", m)
				}
			}
		}
		if st := admin.Do("GET", fmt.Sprintf("/roster/print?org=%d", b.ABranch), nil, nil); st != 200 || !strings.Contains(admin.Body(), "党员甲") || strings.Contains(admin.Body(), "群众0") {
			t.Errorf("花名册: %d, lists 群众: %v", st, strings.Contains(admin.Body(), "群众0"))
		}

		// A 群众 is in no audience of 党员 (training programs, exams by category).
		if cats, err := member.AudienceCategories(t.Context(), e.DB, masses[0]); err != nil || len(cats) != 0 {
			t.Errorf("audience categories of a 群众: %v %v", cats, err)
		}

		// A 群众 who hands in an application opens a case and becomes 申请人.
		var opened struct{ Case struct{ ID int64 } }
		if st := admin.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": masses[0], "date": "2026-06-01"}, &opened); st != 201 || opened.Case.ID == 0 {
			t.Fatalf("opening a case for a 群众: %d %s", st, admin.Body())
		}
		var p member.Person
		get(fmt.Sprintf("/api/v1/members/%d", masses[0]), &p)
		if p.Status != "applicant" || p.ApplyDate != "2026-06-01" {
			t.Fatalf("after the case opened: %s %s", p.Status, p.ApplyDate)
		}
		get(fmt.Sprintf("/api/v1/stats/dashboard?org=%d", b.A), &dash)
		if dash.Members != 3 || dash.Pipeline != 1 || dash.Masses != 2 {
			t.Errorf("dashboard after the application: %+v", dash)
		}
		// A 退休职工 registers as a 群众; one who is a party member, or a 群众
		// with an 入党 date, is refused.
		var created member.Person
		if st := admin.Do("POST", "/api/v1/members", map[string]any{"org_id": b.ABranch, "name": "退休老王", "gender": "男", "birth_date": "1955-03-01",
			"status": member.Masses, "category": member.RetiredStaff}, &created); st != 201 || created.StatusLabel != "群众" {
			t.Errorf("registering a 退休职工: %d %s", st, admin.Body())
		}
		for _, body := range []map[string]any{
			{"org_id": b.ABranch, "name": "老党员", "gender": "男", "birth_date": "1950-01-01", "status": "full", "category": member.RetiredStaff,
				"join_date": "1975-07-01", "full_date": "1976-07-01"},
			{"org_id": b.ABranch, "name": "群众丁", "gender": "男", "birth_date": "1990-01-01", "status": member.Masses, "join_date": "2015-07-01"},
		} {
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := admin.Do("POST", "/api/v1/members", body, &out); st != 400 || out.Error.Message == "" {
				t.Errorf("%v: %d %+v", body["name"], st, out)
			}
		}
	})
}

// orgNode is an organisation of the /api/v1/orgs tree.
type orgNode struct {
	ID       int64
	Counts   struct{ Members, Full int }
	Warnings []struct{ Kind string }
	Children []orgNode
}

func findOrg(ns []orgNode, id int64) *orgNode {
	for i := range ns {
		if ns[i].ID == id {
			return &ns[i]
		}
		if o := findOrg(ns[i].Children, id); o != nil {
			return o
		}
	}
	return nil
}
