package transfer_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/transfer"
)

// sent starts, reviews and sends an inside transfer of person to b1.
func sent(t *testing.T, w *world, person int64) transfer.Transfer {
	t.Helper()
	var tr transfer.Transfer
	w.adminA1.Expect(201, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": person, "to_org_id": w.b1, "dues_paid_to": "2026-10"}, &tr)
	act(t, w.adminA1, tr.ID, "review", nil, 200)
	return act(t, w.adminA1, tr.ID, "send", nil, 200)
}

// Letter numbers come from the issuing 党委's 字号 and a yearly sequence;
// the page prints each number as it is, never wrapped in a second 字第…号.
func TestLetterNumbersFollowThePrefixAndSequence(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		year := time.Now().Year()
		adminA := e.Account(auth.OrgAdmin, w.a, 0)
		// The 分局 sets its 字号; a bad one is refused naming the field and changes nothing.
		for _, bad := range []map[string]any{{"org_id": w.a, "prefix": "甲公党转字〔2026〕"}, {"org_id": w.a, "prefix": ""}, {"org_id": w.a, "prefix": "甲公党转", "valid_days": 500}} {
			var out struct {
				Error struct{ Field, Message string }
			}
			fp := dbtest.Fingerprint(t, e.DB)
			if st := adminA.Do("POST", "/api/v1/transfers/letter-settings", bad, &out); st < 400 || st >= 500 || out.Error.Field == "" || out.Error.Message == "" {
				t.Fatalf("%v: %d %+v", bad, st, out)
			}
			if dbtest.Fingerprint(t, e.DB) != fp {
				t.Fatalf("%v changed the database", bad)
			}
		}
		w.adminA1.Expect(404, "POST", "/api/v1/transfers/letter-settings", map[string]any{"org_id": w.a, "prefix": "甲公党转"}, nil) // a branch sets its 分局's 字号
		adminA.Expect(200, "POST", "/api/v1/transfers/letter-settings", map[string]any{"org_id": w.a, "prefix": "甲公党转", "valid_days": 60}, nil)
		first := sent(t, w, w.person)
		second := sent(t, w, addPerson(t, e, w.a1, "李四", "11010119900307002"))
		for i, tr := range []transfer.Transfer{first, second} {
			if want := fmt.Sprintf("甲公党转字〔%d〕第%03d号", year, i+1); tr.LetterNo != want || tr.ValidDays != 60 {
				t.Fatalf("letter %d: %q, %d days; want %q, 60", i+1, tr.LetterNo, tr.ValidDays, want)
			}
		}
		// Another issuer keeps its own sequence.
		bPerson := addPerson(t, e, w.b1, "王五", "11010119900307003")
		var tr transfer.Transfer
		w.adminB1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "out", "person_id": bPerson, "outside_org": "外省某党委"}, &tr)
		act(t, w.adminB1, tr.ID, "review", nil, 200)
		if tr = act(t, w.adminB1, tr.ID, "send", nil, 200); tr.LetterNo != fmt.Sprintf("市公安局党委党转字〔%d〕第001号", year) || tr.ValidDays != 30 {
			t.Fatalf("default issuer: %q %d", tr.LetterNo, tr.ValidDays)
		}
		// The printed sheet: 存根, 介绍信 and 回执 carry the number once each, undoubled.
		w.adminA1.Expect(200, "GET", fmt.Sprintf("/transfers/%d/letter", first.ID), nil, nil)
		body := w.adminA1.Body()
		for _, want := range []string{"（存根）", "（回执）", "有效期60天", "该同志党费已交到", "甲分局党委（盖章）", fmt.Sprintf("%d年", year)} {
			if !strings.Contains(body, want) {
				t.Errorf("letter lacks %q", want)
			}
		}
		if n := strings.Count(body, first.LetterNo); n != 4 { // data attribute + three parts
			t.Errorf("letter number printed %d times", n)
		}
		if strings.Contains(body, "字第 ") || strings.Contains(body, "号 号") || strings.Contains(body, first.SentOn) {
			t.Error("doubled number or an ISO date on the letter")
		}
		var issuers struct{ Items []transfer.LetterSettings }
		adminA.Do("GET", "/api/v1/transfers/letter-settings", nil, &issuers)
		if len(issuers.Items) != 1 || issuers.Items[0].Issued != 2 || issuers.Items[0].NextNo != fmt.Sprintf("甲公党转字〔%d〕第003号", year) {
			t.Fatalf("settings %+v", issuers.Items)
		}
	})
}

// The full 公民身份号码 is printed only for the issuing side's 党务管理员,
// and the reveal is audited; a leader and the receiving side get 403.
func TestLetterRevealAndBatchPrint(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		leader := e.Account(auth.Leader, w.root, 0)
		first := sent(t, w, w.person)
		full := idcard.WithCheckDigit("11010119900307001")
		second := sent(t, w, addPerson(t, e, w.a1, "李四", "11010119900307002"))
		reveals := func() int {
			return e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.reveal' AND result = 'ok'")
		}

		path := fmt.Sprintf("/transfers/letters?id=%d&id=%d", first.ID, second.ID)
		if st := w.adminRoot.Do("GET", path, nil, nil); st != 200 || strings.Contains(w.adminRoot.Body(), full) ||
			!strings.Contains(w.adminRoot.Body(), fmt.Sprintf(`id="letter-%d"`, second.ID)) || !strings.Contains(w.adminRoot.Body(), "letter-reveal") {
			t.Fatalf("batch print: %d", st)
		}
		if st := w.adminRoot.Do("GET", path+"&reveal=1", nil, nil); st != 200 || !strings.Contains(w.adminRoot.Body(), full) || reveals() != 1 {
			t.Fatalf("reveal: %d, %d audited", st, reveals())
		}
		for _, c := range []*apptest.Client{leader, w.adminB1} {
			if st := c.Do("GET", fmt.Sprintf("/transfers/%d/letter?reveal=1", first.ID), nil, nil); st != 403 || strings.Contains(c.Body(), full) {
				t.Fatalf("%s reveals: %d", c.Username(), st)
			}
			if st := c.Do("GET", fmt.Sprintf("/transfers/%d/letter", first.ID), nil, nil); st != 200 || strings.Contains(c.Body(), "letter-reveal") {
				t.Fatalf("%s reads the masked letter: %d", c.Username(), st)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.reveal' AND result = 'denied'"); n != 2 || reveals() != 1 {
			t.Fatalf("refused reveals audited %d, revealed %d", n, reveals())
		}
		// One letter the caller cannot see fails the batch with 404; one not yet issued with 409.
		w.adminA2.Expect(404, "GET", path, nil, nil) // a sibling prints the batch
		var open transfer.Transfer
		w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "out", "person_id": addPerson(t, e, w.a1, "赵六", "11010119900307004"), "outside_org": "外省"}, &open)
		w.adminA1.Expect(409, "GET", fmt.Sprintf("/transfers/letters?id=%d&id=%d", first.ID, open.ID), nil, nil) // an unissued letter in the batch
		w.adminA1.Expect(400, "GET", "/transfers/letters?id=x", nil, nil)                                        // malformed id
	})
}
