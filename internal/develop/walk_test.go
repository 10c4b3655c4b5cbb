package develop_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// bureau is apptest's bureau with ten 正式党员 and an applicant in 甲's
// branch.
type bureau struct {
	e                         *apptest.Env
	root, fenju, other        int64
	branch, otherBranch       int64
	applicant                 int64
	members                   []int64
	admin, fenjuAdmin, outsid *apptest.Client
}

// openApplication opens the applicant's case (申请入党 on 2023-01-10) as the
// 分局's 党务管理员.
func (b *bureau) openApplication() caseReply {
	var r caseReply
	b.fenjuAdmin.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10"}, &r)
	return r
}

func addOrg(t testing.TB, e *apptest.Env, parent int64, name, kind string, approve bool) int64 {
	t.Helper()
	return dbtest.AddOrg(t, e.DB, dbtest.Org{Parent: parent, Name: name, Kind: kind, CanApprove: approve})
}

func addPerson(t testing.TB, e *apptest.Env, org int64, name, status, birth string) int64 {
	t.Helper()
	p := dbtest.Person{Org: org, Name: name, Status: status, BirthDate: birth}
	if status == "full" {
		p.ApplyDate, p.ActivistDate, p.CandidateDate, p.JoinDate, p.FullDate = "2009-01-01", "2009-03-01", "2009-09-01", "2010-01-01", "2011-01-01"
	}
	return dbtest.AddPerson(t, e.DB, p)
}

func newBureau(t testing.TB, e *apptest.Env) *bureau {
	b := &bureau{e: e}
	bb := e.Bureau()
	b.root, b.fenju, b.other, b.branch, b.otherBranch = bb.Root, bb.A, bb.B, bb.ABranch, bb.BBranch
	for i := 0; i < 10; i++ {
		b.members = append(b.members, addPerson(t, e, b.branch, fmt.Sprintf("党员%d", i), "full", "1980-01-01"))
	}
	b.applicant = addPerson(t, e, b.branch, "张申请", "applicant", "1995-05-05")
	b.admin = e.Account(auth.OrgAdmin, b.root, 0)
	b.fenjuAdmin = e.Account(auth.OrgAdmin, b.fenju, 0)
	b.outsid = e.Account(auth.OrgAdmin, b.other, 0)
	return b
}

type caseReply struct {
	Case struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		LastStep int    `json:"last_step"`
	} `json:"case"`
	Warnings []struct{ Rule string } `json:"warnings"`
	Replayed bool                    `json:"replayed"`
	Error    struct {
		Rule, Citation, Message, Field string
	} `json:"error"`
}

func vote(n int) map[string]int { return map[string]int{"expected": 10, "present": n, "for": n} }

// TestWalkWholeCase walks one case from application to conversion through
// the API and checks the refusals, scope, double submission and the
// person's status on the way.
func TestWalkWholeCase(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c, r := b.fenjuAdmin, b.openApplication()
		id := r.Case.ID
		if st := c.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10"}, &r); st != 200 || !r.Replayed || r.Case.ID != id {
			t.Fatalf("reopen should replay: %d %s", st, c.Body())
		}
		base := fmt.Sprintf("/api/v1/development/cases/%d", id)
		do := func(path string, body map[string]any, want int) caseReply {
			t.Helper()
			var out caseReply
			c.Expect(want, "POST", base+path, body, &out)
			return out
		}
		step := func(n int, date string, extra map[string]any) caseReply {
			t.Helper()
			body := map[string]any{"step": n, "date": date}
			for k, v := range extra {
				body[k] = v
			}
			return do("/steps", body, 201)
		}
		step(2, "2023-01-20", nil)
		if out := do("/steps", map[string]any{"step": 2, "date": "2023-01-20"}, 200); !out.Replayed {
			t.Fatal("double-submitted step 2 not replayed")
		}
		do("/steps", map[string]any{"step": 2, "date": "2023-01-21"}, 409)
		if n := e.Count("SELECT COUNT(*) FROM dev_records WHERE case_id = ? AND step = 2", id); n != 1 {
			t.Fatalf("step 2 recorded %d times", n)
		}
		step(3, "2023-04-10", map[string]any{"recommendation": "党员推荐"})
		step(4, "2023-04-15", nil)
		// Contacts must be 1–2 正式党员: three are refused, and nothing changes.
		before := e.Count("SELECT COUNT(*) FROM dev_records")
		audits := e.Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'develop.%'")
		out := do("/steps", map[string]any{"step": 5, "date": "2023-04-20", "person_ids": b.members[:3]}, 422)
		if out.Error.Rule != "R-contacts" || out.Error.Citation == "" {
			t.Fatalf("refusal without rule and citation: %+v", out.Error)
		}
		if e.Count("SELECT COUNT(*) FROM dev_records") != before || e.Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'develop.%'") != audits {
			t.Fatal("a refused step changed the database")
		}
		step(5, "2023-04-20", map[string]any{"person_ids": b.members[:1]})
		step(6, "2023-05-01", nil)
		do("/reviews", map[string]any{"date": "2023-10-09", "opinion": "表现良好"}, 201)
		do("/publicity", map[string]any{"publicity": "candidate", "date": "2024-03-25"}, 201)
		out = do("/steps", map[string]any{"step": 7, "date": "2024-04-09"}, 422)
		if out.Error.Rule != "R-target" || !strings.Contains(out.Error.Message, "可于2024年4月10日") {
			t.Fatalf("early 发展对象: %+v", out.Error)
		}
		step(7, "2024-04-10", nil)
		step(8, "2024-05-15", nil)
		do("/steps", map[string]any{"step": 9, "date": "2024-05-20", "person_ids": b.members[:1]}, 422)
		step(9, "2024-05-20", map[string]any{"person_ids": b.members[:2]})
		step(10, "2024-06-10", map[string]any{"vetting_passed": true})
		step(11, "2024-06-20", map[string]any{"training_days": 3})
		step(12, "2024-07-01", nil)
		step(13, "2024-07-10", nil)
		step(14, "2024-07-15", nil)
		do("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-16"}, 201)
		out = do("/steps", map[string]any{"step": 15, "date": "2024-08-01", "vote": map[string]int{"expected": 10, "present": 10, "for": 5, "against": 5}}, 422)
		if out.Error.Rule != "R-majority" {
			t.Fatalf("half for: %+v", out.Error)
		}
		step(15, "2024-08-01", map[string]any{"vote": vote(9)})
		step(16, "2024-08-10", nil)
		var status, joinDate string
		step(17, "2024-09-01", nil)
		if err := e.DB.QueryRowContext(context.Background(), "SELECT status, join_date FROM persons WHERE id = ?", b.applicant).Scan(&status, &joinDate); err != nil {
			t.Fatal(err)
		}
		if status != "probationary" || joinDate != "2024-08-01" {
			t.Fatalf("after approval: status %s, join_date %s", status, joinDate)
		}
		step(18, "2024-09-10", nil)
		step(19, "2024-09-15", nil)
		step(20, "2024-09-20", nil)
		step(21, "2024-10-01", nil)
		step(22, "2025-07-20", nil)
		out = do("/steps", map[string]any{"step": 23, "date": "2025-07-31", "vote": vote(9)}, 422)
		if out.Error.Rule != "R-probation" {
			t.Fatalf("early conversion: %+v", out.Error)
		}
		step(23, "2025-08-01", map[string]any{"vote": vote(8)})
		step(24, "2025-08-20", nil)
		final := step(25, "2025-09-01", nil)
		if final.Case.Status != "converted" || final.Case.LastStep != 25 {
			t.Fatalf("final case: %+v", final.Case)
		}
		var activist, candidate, full string
		if err := e.DB.QueryRowContext(context.Background(), "SELECT status, activist_date, candidate_date, full_date FROM persons WHERE id = ?", b.applicant).
			Scan(&status, &activist, &candidate, &full); err != nil {
			t.Fatal(err)
		}
		if status != "full" || activist != "2023-04-10" || candidate != "2024-04-10" || full != "2025-08-01" {
			t.Fatalf("person after conversion: %s %s %s %s", status, activist, candidate, full)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_deadlines WHERE case_id = ?", id); n != 0 {
			t.Fatalf("a converted case keeps %d deadlines", n)
		}
		// Outside scope: 404 for reading and writing, nothing changed.
		b.outsid.Expect(404, "GET", base, nil, nil)                                              // out-of-scope read
		b.outsid.Expect(404, "POST", base+"/reviews", map[string]any{"date": "2025-01-01"}, nil) // out-of-scope write
		// The 纪实表 renders on screen and as .xlsx.
		var got map[string]any
		c.Expect(200, "GET", base, nil, &got)
		page := e.Anonymous()
		page.Token = c.Token
		for _, p := range []string{fmt.Sprintf("/development/cases/%d", id), fmt.Sprintf("/development/cases/%d/record", id), "/development", "/development/deadlines", "/development/stats", "/development/plans", "/development/rules"} {
			page.Expect(200, "GET", p, nil, nil)
			// Users read the rule's Chinese name, never its id.
			if text := tags.ReplaceAllString(page.Body(), ""); strings.Contains(text, "R-") {
				i := strings.Index(text, "R-")
				t.Fatalf("GET %s shows a rule id: …%s…", p, text[max(0, i-60):min(len(text), i+20)])
			}
		}
		if st := page.Do("GET", fmt.Sprintf("/development/cases/%d/record.xlsx", id), nil, nil); st != 200 || len(page.Last) < 1000 || string(page.Last[:2]) != "PK" {
			t.Fatalf("xlsx: %d, %d bytes", st, len(page.Last))
		}
		if !strings.Contains(string(mustGet(t, page, fmt.Sprintf("/development/cases/%d/record", id))), "入党宣誓") {
			t.Fatal("纪实表 lacks the steps")
		}
	})
}

var tags = regexp.MustCompile(`(?s)<[^>]*>`)

func mustGet(t *testing.T, c *apptest.Client, path string) []byte {
	t.Helper()
	c.Expect(200, "GET", path, nil, nil)
	return c.Last
}
