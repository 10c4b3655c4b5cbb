package transfer_test

import (
	"context"
	"fmt"
	"hongdun/internal/platform/dbtest"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/transfer"
)

type world struct {
	e                  *apptest.Env
	root, a, a1, a2, b int64
	b1, person         int64
	adminA1, adminA2   *apptest.Client
	adminB1, adminRoot *apptest.Client
}

func addPerson(t *testing.T, e *apptest.Env, org int64, name, id17 string) int64 {
	ctx := context.Background()
	p := member.Person{OrgID: org, Name: name, IDNumber: idcard.WithCheckDigit(id17), Status: "probationary", JoinDate: "2026-03-01"}
	if fe := member.Validate(&p, civil.Today(time.Now())); len(fe) > 0 {
		t.Fatal(fe)
	}
	var pid int64
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		pid, err = member.Insert(ctx, tx, e.App.Keys, &p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func newWorld(t *testing.T, e *apptest.Env) *world {
	w := &world{e: e}
	w.root = e.Org(0, "市公安局党委", "committee")
	w.a = e.Org(w.root, "甲分局党委", "committee")
	w.a1 = e.Org(w.a, "甲分局一支部", "branch")
	w.a2 = e.Org(w.a, "甲分局二支部", "branch")
	w.b = e.Org(w.root, "乙分局党委", "committee")
	w.b1 = e.Org(w.b, "乙分局一支部", "branch")
	w.person = addPerson(t, e, w.a1, "张三", "11010119900307001")
	w.adminA1, w.adminA2 = e.Account(auth.OrgAdmin, w.a1, 0), e.Account(auth.OrgAdmin, w.a2, 0)
	w.adminB1, w.adminRoot = e.Account(auth.OrgAdmin, w.b1, 0), e.Account(auth.OrgAdmin, w.root, 0)
	return w
}

func orgOf(t *testing.T, e *apptest.Env, person int64) (int64, string) {
	var org int64
	var status string
	e.DB.QueryRowContext(context.Background(), "SELECT org_id, status FROM persons WHERE id = ?", person).Scan(&org, &status)
	return org, status
}

func act(t *testing.T, c *apptest.Client, id int64, action string, body map[string]any, want int) transfer.Transfer {
	t.Helper()
	var out transfer.Transfer
	if body == nil {
		body = map[string]any{}
	}
	c.Expect(want, "POST", fmt.Sprintf("/api/v1/transfers/%d/%s", id, action), body, &out)
	return out
}

func TestInsideTransferStateMachineAndScopes(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		var tr transfer.Transfer
		w.adminA1.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": w.person, "to_org_id": w.b1,
			"dues_paid_to": "2026-10", "reason": "工作调动"}, &tr)
		if tr.State != transfer.Applied || tr.DueOn == "" || tr.FullDate != "" || tr.Status != "probationary" {
			t.Fatalf("created %+v", tr)
		}
		// A second transfer of the same person while one is open is refused.
		w.adminA1.Expect(409, "POST", "/api/v1/transfers", map[string]any{"kind": "out", "person_id": w.person, "outside_org": "外省"}, nil) // second open transfer
		// The other branch sees nothing; the receiving branch cannot act before it is sent.
		w.adminA2.Expect(404, "GET", fmt.Sprintf("/api/v1/transfers/%d", tr.ID), nil, nil) // another branch reads it
		act(t, w.adminB1, tr.ID, "review", nil, 404)                                       // reviewing is the sender's
		act(t, w.adminB1, tr.ID, "receive", nil, 409)
		act(t, w.adminA1, tr.ID, "send", nil, 409)                              // not reviewed yet
		act(t, w.adminA1, tr.ID, "send", map[string]any{"letter_no": "1"}, 400) // the number is not typed any more
		tr = act(t, w.adminA1, tr.ID, "review", map[string]any{"version": tr.Version}, 200)
		act(t, w.adminA1, tr.ID, "review", nil, 409)                                       // double submission
		act(t, w.adminA1, tr.ID, "send", map[string]any{"version": 1}, 409)                // stale version
		w.adminB1.Expect(409, "GET", fmt.Sprintf("/transfers/%d/letter", tr.ID), nil, nil) // letter before it is issued
		tr = act(t, w.adminA1, tr.ID, "send", map[string]any{"version": tr.Version}, 200)
		if want := fmt.Sprintf("市公安局党委党转字〔%d〕第001号", time.Now().Year()); tr.LetterNo != want || tr.ValidDays != 30 {
			t.Fatalf("letter %q valid %d, want %q", tr.LetterNo, tr.ValidDays, want)
		}
		if org, _ := orgOf(t, e, w.person); org != w.a1 {
			t.Fatal("the member moved before the receiving side confirmed")
		}
		// Only the addressed branch confirms: the sender and another branch get 404.
		act(t, w.adminA1, tr.ID, "receive", nil, 404)
		act(t, w.adminA2, tr.ID, "receive", nil, 404)
		w.adminB1.Expect(200, "GET", fmt.Sprintf("/transfers/%d/letter", tr.ID), nil, nil)
		tr = act(t, w.adminB1, tr.ID, "receive", map[string]any{"version": tr.Version}, 200)
		if org, status := orgOf(t, e, w.person); org != w.b1 || status != "probationary" || tr.State != transfer.Received {
			t.Fatalf("after receipt: org %d status %s state %s", org, status, tr.State)
		}
		dbtest.OrgPathsAgree(t, e.DB) // the member search finds the person in the receiving scope
		act(t, w.adminB1, tr.ID, "return", map[string]any{"note": "x"}, 409)
		var events int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'transfer_in'", w.person).Scan(&events)
		var audits int
		e.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'transfer.%'").Scan(&audits)
		if events != 1 || audits != 4 {
			t.Fatalf("%d transfer_in events, %d audit records", events, audits)
		}
	})
}

func TestReturnWithdrawOutAndIn(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		var tr transfer.Transfer
		w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": w.person, "to_org_id": w.b1}, &tr)
		act(t, w.adminA1, tr.ID, "review", nil, 200)
		act(t, w.adminA1, tr.ID, "send", nil, 200)
		act(t, w.adminB1, tr.ID, "return", nil, 400) // a reason is required
		tr = act(t, w.adminB1, tr.ID, "return", map[string]any{"note": "查无此人在本单位工作"}, 200)
		if org, _ := orgOf(t, e, w.person); org != w.a1 || tr.State != transfer.Returned {
			t.Fatalf("returned transfer moved the member")
		}

		// Out of the system: the member leaves when the letter is sent.
		w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "out", "person_id": w.person, "outside_org": "陕西省西安市某街道党工委"}, &tr)
		act(t, w.adminA1, tr.ID, "withdraw", map[string]any{"note": "暂缓"}, 200)
		w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "out", "person_id": w.person, "outside_org": "陕西省西安市某街道党工委"}, &tr)
		act(t, w.adminA1, tr.ID, "review", nil, 200)
		act(t, w.adminA1, tr.ID, "send", nil, 200)
		if _, status := orgOf(t, e, w.person); status != "transferred" {
			t.Fatalf("status after transfer out: %s", status)
		}
		act(t, w.adminA1, tr.ID, "receive", nil, 200) // the 回执 came back

		// From outside: the receiving branch registers, checks and receives; the member then exists.
		body := map[string]any{"kind": "in", "to_org_id": w.b1, "outside_org": "外省某党支部", "name": "李四",
			"id_number": idcard.WithCheckDigit("11010119850307002"), "status": "full", "join_date": "2010-07-01", "full_date": "2011-07-01",
			"education": "大学本科", "category": "辅警"}
		w.adminA1.Expect(404, "POST", "/api/v1/transfers", body, nil) // registering into another's branch
		w.adminB1.Expect(201, "POST", "/api/v1/transfers", body, &tr)
		act(t, w.adminB1, tr.ID, "review", nil, 200)
		tr = act(t, w.adminB1, tr.ID, "receive", nil, 200)
		if org, status := orgOf(t, e, tr.PersonID); tr.PersonID == 0 || org != w.b1 || status != "full" {
			t.Fatalf("received person %d in %d (%s)", tr.PersonID, org, status)
		}
		// What was entered at registration reaches the person record.
		var edu, cat, join string
		e.DB.QueryRowContext(context.Background(), "SELECT education, category, join_date FROM persons WHERE id = ?", tr.PersonID).Scan(&edu, &cat, &join)
		if edu != "大学本科" || cat != "辅警" || join != "2010-07-01" {
			t.Fatalf("received person: education %q, category %q, joined %q", edu, cat, join)
		}
		// Bad input changes nothing.
		for _, bad := range []map[string]any{{"kind": "sideways"}, {"kind": "inside", "person_id": tr.PersonID, "to_org_id": w.b1},
			{"kind": "in", "to_org_id": w.b1, "outside_org": "x", "name": "王五", "id_number": "110101198503070021", "status": "full"}} {
			if st := w.adminB1.Do("POST", "/api/v1/transfers", bad, nil); st < 400 || st >= 500 {
				t.Errorf("%v: %d", bad, st)
			}
		}
		var s transfer.Stats
		w.adminRoot.Do("GET", "/api/v1/transfers/stats", nil, &s)
		if len(s.Rows) == 0 || s.Open != 0 {
			t.Fatalf("stats %+v", s)
		}
	})
}

func TestOverdueAndLostContactReminders(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		ctx := context.Background()
		old := civil.Today(time.Now()).AddMonths(-2).String()
		var tr transfer.Transfer
		if st := w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": w.person, "to_org_id": w.b1, "applied_on": old}, &tr); st != 201 || !tr.Overdue {
			t.Fatalf("overdue transfer: %d %+v", st, tr)
		}
		orgsWith := func(source string) map[int64]bool {
			m := map[int64]bool{}
			rows, _ := e.DB.QueryContext(ctx, "SELECT org_id FROM todos WHERE source = ? AND done_at IS NULL", source)
			defer rows.Close()
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				m[id] = true
			}
			return m
		}
		if m := orgsWith("transfer.overdue"); !m[w.a1] || !m[w.b1] || len(m) != 2 {
			t.Fatalf("overdue todos at %v, want both sides", m)
		}
		act(t, w.adminA1, tr.ID, "withdraw", map[string]any{"note": "不再调动"}, 200)
		if m := orgsWith("transfer.overdue"); len(m) != 0 {
			t.Fatalf("overdue todos stay after withdrawal: %v", m)
		}
		lost := addPerson(t, e, w.a2, "王五", "11010119800101003")
		e.DB.ExecContext(ctx, "UPDATE persons SET lost_contact = 1, lost_since = ? WHERE id = ?", civil.Today(time.Now()).AddMonths(-7).String(), lost)
		if err := transfer.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if m := orgsWith("transfer.lost"); !m[w.a2] {
			t.Fatalf("no 停止党籍 reminder: %v", m)
		}
		var away struct{ Items []transfer.Away }
		w.adminRoot.Do("GET", "/api/v1/transfers/away", nil, &away)
		if len(away.Items) != 1 || !away.Items[0].Due || away.Items[0].SuspendOn == "" {
			t.Fatalf("away list %+v", away)
		}
		if st := w.adminA1.Do("GET", "/transfers/away", nil, nil); st != 200 || strings.Contains(w.adminA1.Body(), "王五") {
			t.Fatalf("a branch sees another branch's lost member: %d", st)
		}
	})
}

func TestTransferPages(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		page := func(c *apptest.Client, path string, ids ...string) {
			t.Helper()
			c.Expect(200, "GET", path, nil, nil)
			for _, id := range ids {
				if !strings.Contains(c.Body(), `id="`+id+`"`) {
					t.Errorf("%s lacks #%s", path, id)
				}
			}
		}
		page(w.adminA1, "/transfers", "transfer-new", "kind", "person-search", "person-hint", "to_org_id", "education", "category")
		page(w.adminA1, "/transfers?person_q=zs", "person_id")
		if st := w.adminA1.Form("/transfers", map[string]string{"kind": "inside", "person_id": fmt.Sprint(w.person), "to_org_id": fmt.Sprint(w.b1)}); st != 303 {
			t.Fatalf("create form: %d %s", st, w.adminA1.Body())
		}
		var list struct{ Items []transfer.Transfer }
		w.adminA1.Do("GET", "/api/v1/transfers?open=1", nil, &list)
		if len(list.Items) != 1 {
			t.Fatalf("open transfers %+v", list)
		}
		id := list.Items[0].ID
		page(w.adminA1, fmt.Sprintf("/transfers/%d", id), "transfer-state", "transfer-review", "transfer-withdraw", "transfer-letter-pending")
		w.adminA1.Form(fmt.Sprintf("/transfers/%d/review", id), map[string]string{})
		page(w.adminA1, fmt.Sprintf("/transfers/%d", id), "transfer-send", "next-letter-no")
		w.adminA1.Form(fmt.Sprintf("/transfers/%d/send", id), map[string]string{})
		page(w.adminA1, fmt.Sprintf("/transfers/%d", id), "transfer-letter")
		page(w.adminB1, fmt.Sprintf("/transfers/%d", id), "transfer-receive", "transfer-return")
		page(w.adminB1, fmt.Sprintf("/transfers/%d/letter", id), fmt.Sprintf("letter-%d", id))
		if st := w.adminB1.Form(fmt.Sprintf("/transfers/%d/return", id), map[string]string{}); st != 400 {
			t.Fatalf("return without a reason: %d", st)
		}
		if st := w.adminA2.Form(fmt.Sprintf("/transfers/%d/receive", id), map[string]string{}); st != 404 {
			t.Fatalf("another branch confirms: %d", st)
		}
		page(w.adminRoot, "/transfers/stats", "transfer-totals", "transfer-stats")
	})
}

// An open development case moves with its member: once the receiving side
// confirms, the case's 待办 belong to the new organisation.
func TestDevelopmentCaseFollowsTransfer(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		w := newWorld(t, e)
		today := civil.Today(time.Now())
		// A 预备党员 whose case is entered after the fact: only transfers of members exist.
		p := member.Person{OrgID: w.a1, Name: "李四", IDNumber: idcard.WithCheckDigit("11010119950307002"), Status: "probationary",
			ApplyDate: today.AddDays(-700).String(), JoinDate: today.AddDays(-30).String()}
		if fe := member.Validate(&p, today); len(fe) > 0 {
			t.Fatal(fe)
		}
		var pid int64
		if err := e.DB.InTx(ctx, func(tx *db.Tx) (err error) { pid, err = member.Insert(ctx, tx, e.App.Keys, &p); return }); err != nil {
			t.Fatal(err)
		}
		w.adminA1.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": pid, "date": today.AddDays(-700).String()}, nil) // open case
		orgsOfTodos := func() map[int64]int {
			rows, err := e.DB.QueryContext(ctx, "SELECT org_id FROM todos WHERE person_id = ? AND done_at IS NULL AND source LIKE 'develop%'", pid)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[int64]int{}
			for rows.Next() {
				var o int64
				rows.Scan(&o)
				out[o]++
			}
			return out
		}
		if got := orgsOfTodos(); got[w.a1] == 0 {
			t.Fatalf("case deadlines before the transfer: %v", got)
		}
		var tr transfer.Transfer
		w.adminA1.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": pid, "to_org_id": w.b1, "reason": "工作调动"}, &tr)
		tr = act(t, w.adminA1, tr.ID, "review", map[string]any{"version": tr.Version}, 200)
		tr = act(t, w.adminA1, tr.ID, "send", map[string]any{"version": tr.Version}, 200)
		act(t, w.adminB1, tr.ID, "receive", map[string]any{"version": tr.Version}, 200)
		if got := orgsOfTodos(); got[w.a1] != 0 || got[w.b1] == 0 {
			t.Fatalf("case deadlines after the transfer: %v (a1=%d, b1=%d)", got, w.a1, w.b1)
		}
	})
}
