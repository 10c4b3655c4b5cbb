package develop_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
)

// reply is an API answer of a development write or a refusal.
type reply struct {
	Case struct {
		ID                   int64  `json:"id"`
		LastStep             int    `json:"last_step"`
		ProbationEnd         string `json:"probation_end"`
		ProbationEndExtended string `json:"probation_end_extended"`
		Records              []struct {
			ID      int64  `json:"id"`
			Step    int    `json:"step"`
			Date    string `json:"date"`
			History []struct {
				Date    string   `json:"date"`
				Changes []string `json:"changes"`
				Reason  string   `json:"reason"`
			} `json:"history"`
		} `json:"records"`
	} `json:"case"`
	Record struct {
		ID      int64  `json:"id"`
		OrgName string `json:"org_name"`
	} `json:"record"`
	Notice   string `json:"notice"`
	Replayed bool   `json:"replayed"`
	Error    struct {
		Code, Rule, Citation, Message, Field string
		RuleTitle                            string `json:"rule_title"`
		PossibleOn                           string `json:"possible_on"`
	} `json:"error"`
}

// walker drives one case through the API.
type walker struct {
	t    *testing.T
	c    *apptest.Client
	base string
}

func (w walker) post(path string, body map[string]any, want int) reply {
	w.t.Helper()
	var out reply
	if st := w.c.Do("POST", w.base+path, body, &out); st != want {
		w.t.Fatalf("POST %s %v: %d, want %d: %s", path, body, st, want, w.c.Body())
	}
	return out
}

func (w walker) step(n int, date string, extra map[string]any) reply {
	w.t.Helper()
	body := map[string]any{"step": n, "date": date}
	for k, v := range extra {
		body[k] = v
	}
	return w.post("/steps", body, 201)
}

func (w walker) correct(rid int64, body map[string]any, want int) reply {
	w.t.Helper()
	var out reply
	if st := w.c.Do("PUT", fmt.Sprintf("%s/records/%d", w.base, rid), body, &out); st != want {
		w.t.Fatalf("PUT record %d %v: %d, want %d: %s", rid, body, st, want, w.c.Body())
	}
	return out
}

// openCase opens the applicant's case and walks it through step lastStep
// (up to 12) on the default timeline.
func openCase(t *testing.T, b *bureau, through int) walker {
	t.Helper()
	var r reply
	b.fenjuAdmin.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10"}, &r)
	w := walker{t: t, c: b.fenjuAdmin, base: fmt.Sprintf("/api/v1/development/cases/%d", r.Case.ID)}
	steps := []func(){
		2: func() { w.step(2, "2023-01-20", nil) },
		3: func() { w.step(3, "2023-04-10", map[string]any{"recommendation": "党员推荐"}) },
		4: func() { w.step(4, "2023-04-15", nil) },
		5: func() { w.step(5, "2023-04-20", map[string]any{"person_ids": b.members[:1]}) },
		6: func() { w.step(6, "2023-05-01", nil) },
		7: func() {
			w.post("/publicity", map[string]any{"publicity": "candidate", "date": "2024-03-25"}, 201)
			w.step(7, "2024-04-10", nil)
		},
		8:  func() { w.step(8, "2024-05-15", nil) },
		9:  func() { w.step(9, "2024-05-20", map[string]any{"person_ids": b.members[:2]}) },
		10: func() { w.step(10, "2024-06-10", map[string]any{"vetting_passed": true}) },
		11: func() { w.step(11, "2024-06-20", map[string]any{"training_days": 3}) },
		12: func() { w.step(12, "2024-07-01", nil) },
	}
	for n := 2; n <= through; n++ {
		steps[n]()
	}
	return w
}

func recordOf(t *testing.T, r reply, step int) int64 {
	t.Helper()
	for _, rec := range r.Case.Records {
		if rec.Step == step {
			return rec.ID
		}
	}
	t.Fatalf("no record of step %d", step)
	return 0
}

// TestOrderByDatesNotEntry enters steps out of order with right dates, is
// refused a wrong date whenever entered, and sees the admission 公示 placed
// before the 预审.
func TestOrderByDatesNotEntry(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 3)
		w.step(5, "2023-04-20", map[string]any{"person_ids": b.members[:1]})
		fp := dbtest.Fingerprint(t, e.DB)
		out := w.post("/steps", map[string]any{"step": 4, "date": "2023-04-25"}, 422)
		if out.Error.Rule != "R-sequence" || !strings.Contains(out.Error.Message, "第5步") || out.Error.RuleTitle == "" {
			t.Fatalf("备案 after the 培养联系人: %+v", out.Error)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused step changed the database")
		}
		page := e.Anonymous()
		page.Token = w.c.Token
		html := string(mustGet(t, page, fmt.Sprintf("/development/cases/%d?step=4", caseID(t, w))))
		if !strings.Contains(html, "记录第 4 步：上级党委备案") || !strings.Contains(html, "第6步 培养教育考察") {
			t.Fatal("the case page offers no earlier step to enter late")
		}
		w.step(4, "2023-04-15", nil) // entered late, dated right
		w.step(6, "2023-05-01", nil)
		w.post("/publicity", map[string]any{"publicity": "candidate", "date": "2024-03-25"}, 201)
		out = w.post("/steps", map[string]any{"step": 7, "date": "2024-04-09"}, 422)
		if out.Error.Rule != "R-target" || out.Error.PossibleOn != "2024-04-10" {
			t.Fatalf("early 发展对象 carries possible_on: %+v", out.Error)
		}
		for _, s := range []func(){
			func() { w.step(7, "2024-04-10", nil) }, func() { w.step(8, "2024-05-15", nil) },
			func() { w.step(9, "2024-05-20", map[string]any{"person_ids": b.members[:2]}) },
			func() { w.step(10, "2024-06-10", map[string]any{"vetting_passed": true}) },
			func() { w.step(11, "2024-06-20", map[string]any{"training_days": 3}) }, func() { w.step(12, "2024-07-01", nil) },
		} {
			s()
		}
		// 支委会审查 → 公示 → 预审 (this province's order).
		w.post("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-02"}, 201)
		out = w.step(13, "2024-07-10", nil)
		if !strings.Contains(out.Notice, "甲") || out.Record.OrgName == "" {
			t.Fatalf("预审 without org_id names no 党委: notice %q, org %q", out.Notice, out.Record.OrgName)
		}
		w.step(14, "2024-07-15", nil)
		out = w.step(15, "2024-08-01", map[string]any{"vote": vote(9)})
		if out.Case.ProbationEnd != "2025-08-01" {
			t.Fatalf("probation_end once the 支部大会 passed: %q", out.Case.ProbationEnd)
		}
	})
}

// TestApproverAndTemporary refuses a 党总支 预审 and a 临时党支部 anywhere
// with R-approver (422), and names the 党委 used when none was named.
func TestApproverAndTemporary(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		general := addOrg(t, e, b.fenju, "城关党总支", "general", false)
		temp := addOrg(t, e, b.fenju, "安保临时党支部", "temp_branch", false)
		w := openCase(t, b, 12)
		fp := dbtest.Fingerprint(t, e.DB)
		out := w.post("/steps", map[string]any{"step": 13, "date": "2024-07-10", "org_id": general}, 422)
		if out.Error.Rule != "R-approver" || out.Error.Code != "rule" {
			t.Fatalf("党总支 预审: %+v", out.Error)
		}
		out = w.post("/steps", map[string]any{"step": 13, "date": "2024-07-10", "org_id": temp}, 422)
		if out.Error.Rule != "R-approver" || !strings.Contains(out.Error.Message, "临时") {
			t.Fatalf("临时党支部 预审: %+v", out.Error)
		}
		out = w.post("/reviews", map[string]any{"date": "2024-07-10", "org_id": temp}, 422)
		if out.Error.Rule != "R-approver" {
			t.Fatalf("临时党支部 review: %+v", out.Error)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refusal changed the database")
		}
		// Nobody's application is received by a 临时党支部 either.
		inTemp := addPerson(t, e, temp, "赵临时", "applicant", "1995-05-05")
		if st := w.c.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": inTemp, "date": "2024-01-10"}, &out); st != 422 || out.Error.Rule != "R-approver" {
			t.Fatalf("a case opened in a 临时党支部: %d %+v", st, out.Error)
		}
		out = w.post("/steps", map[string]any{"step": 13, "date": "2024-07-10", "org_id": b.fenju}, 201)
		if out.Notice != "" {
			t.Fatalf("a named 党委 needs no notice: %q", out.Notice)
		}
	})
}

// TestReplayWithDifferentBody answers a repeated submission with another
// body 409 naming what differs; the same body replays.
func TestReplayWithDifferentBody(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 4)
		w.step(5, "2023-04-20", map[string]any{"person_ids": b.members[:1], "opinion": "指定"})
		if out := w.post("/steps", map[string]any{"step": 5, "date": "2023-04-20", "person_ids": b.members[:1], "opinion": "指定"}, 200); !out.Replayed {
			t.Fatal("same body not replayed")
		}
		out := w.post("/steps", map[string]any{"step": 5, "date": "2023-04-20", "person_ids": b.members[1:2], "opinion": "另指定"}, 409)
		if !strings.Contains(out.Error.Message, "人员") || !strings.Contains(out.Error.Message, "情况与意见") {
			t.Fatalf("conflict names no difference: %s", out.Error.Message)
		}
	})
}

// TestCorrections corrects a step with a reason: history kept, person's
// date moved, audited; a correction that breaks a later step is refused
// naming it and changes nothing.
func TestCorrections(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 12)
		var c reply
		w.c.Do("GET", w.base, nil, &c)
		r3 := recordOf(t, c, 3)
		fp := dbtest.Fingerprint(t, e.DB)
		out := w.correct(r3, map[string]any{"date": "2023-04-12", "recommendation": "党员推荐"}, 400)
		if out.Error.Field != "reason" {
			t.Fatalf("no reason: %+v", out.Error)
		}
		// 2023-04-16 would come after the 备案 (step 4) dated 2023-04-15.
		out = w.correct(r3, map[string]any{"date": "2023-04-16", "recommendation": "党员推荐", "reason": "笔误"}, 422)
		if out.Error.Rule != "R-sequence" || !strings.Contains(out.Error.Message, "第4步") {
			t.Fatalf("breaking correction: %+v", out.Error)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused correction changed the database")
		}
		out = w.correct(r3, map[string]any{"date": "2023-04-08", "recommendation": "群团推优", "reason": "据支委会记录更正"}, 200)
		var got reply
		w.c.Do("GET", w.base, nil, &got)
		var hist []string
		for _, rec := range got.Case.Records {
			if rec.ID == r3 {
				if rec.Date != "2023-04-08" || len(rec.History) != 1 || rec.History[0].Date != "2023-04-10" || rec.History[0].Reason != "据支委会记录更正" {
					t.Fatalf("corrected record: %+v", rec)
				}
				hist = rec.History[0].Changes
			}
		}
		if len(hist) != 2 || !strings.Contains(hist[0], "2023-04-10 → 2023-04-08") {
			t.Fatalf("changes: %v", hist)
		}
		var activist string
		if err := e.DB.QueryRowContext(context.Background(), "SELECT activist_date FROM persons WHERE id = ?", b.applicant).Scan(&activist); err != nil {
			t.Fatal(err)
		}
		if activist != "2023-04-08" {
			t.Fatalf("person's activist date after the correction: %s", activist)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'develop.correct'"); n != 1 {
			t.Fatalf("%d correction audits", n)
		}
		// Training found short at the 支委会审查 cannot be corrected below the minimum…
		r11 := recordOf(t, got, 11)
		out = w.correct(r11, map[string]any{"date": "2024-06-20", "training_days": 1, "reason": "实际只培训1天"}, 422)
		if out.Error.Rule != "R-training" || !strings.Contains(out.Error.Message, "第12步") {
			t.Fatalf("short training under a recorded 支委会审查: %+v", out.Error)
		}
		// Out of scope: 404 whatever the body.
		b.outsid.Expect(404, "PUT", fmt.Sprintf("%s/records/%d", w.base, r3), map[string]any{"bogus": 1}, nil) // out-of-scope correction
	})
}

// TestSupplementAndRenewedConversion completes a short training by a
// further record (补训), and records the 转正 again after an extension.
func TestSupplementAndRenewedConversion(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		w := openCase(t, b, 10)
		w.step(11, "2024-06-20", map[string]any{"training_days": 1})
		out := w.post("/steps", map[string]any{"step": 12, "date": "2024-07-01"}, 422)
		if out.Error.Rule != "R-training" {
			t.Fatalf("short training: %+v", out.Error)
		}
		w.step(11, "2024-06-27", map[string]any{"training_days": 2}) // 补训
		w.step(12, "2024-07-01", nil)
		w.step(13, "2024-07-10", nil)
		w.step(14, "2024-07-15", nil)
		w.post("/publicity", map[string]any{"publicity": "admission", "date": "2024-07-16"}, 201)
		w.step(15, "2024-08-01", map[string]any{"vote": vote(9)})
		for _, s := range [][2]any{{16, "2024-08-10"}, {17, "2024-09-01"}, {19, "2024-09-15"}, {20, "2024-09-20"}, {21, "2024-10-01"}, {22, "2025-07-20"}} {
			w.step(s[0].(int), s[1].(string), nil)
		}
		w.post("/extension-meeting", map[string]any{"date": "2025-07-25", "months": 6, "opinion": "理论学习有待加强", "vote": vote(9)}, 201)
		out = w.post("/extension", map[string]any{"date": "2025-08-01", "opinion": "同意延长预备期六个月"}, 201)
		if out.Case.ProbationEnd != "2025-08-01" || out.Case.ProbationEndExtended != "2026-02-01" {
			t.Fatalf("probation ends: %q %q", out.Case.ProbationEnd, out.Case.ProbationEndExtended)
		}
		out = w.post("/steps", map[string]any{"step": 22, "date": "2025-07-30"}, 422)
		if out.Error.PossibleOn != "2025-08-01" {
			t.Fatalf("renewed application before the extension: %+v", out.Error)
		}
		w.step(22, "2026-01-10", nil)
		out = w.post("/steps", map[string]any{"step": 23, "date": "2026-01-31", "vote": vote(9)}, 422)
		if out.Error.Rule != "R-probation" || out.Error.PossibleOn != "2026-02-01" {
			t.Fatalf("vote before the extended end: %+v", out.Error)
		}
		w.step(23, "2026-02-01", map[string]any{"vote": vote(9)})
		w.step(24, "2026-02-20", nil)
		var full string
		if err := e.DB.QueryRowContext(context.Background(), "SELECT full_date FROM persons WHERE id = ?", b.applicant).Scan(&full); err != nil {
			t.Fatal(err)
		}
		if full != "2026-02-01" {
			t.Fatalf("转正 date %s", full)
		}
	})
}

func caseID(t *testing.T, w walker) int64 {
	t.Helper()
	var c reply
	w.c.Expect(200, "GET", w.base, nil, &c)
	return c.Case.ID
}
