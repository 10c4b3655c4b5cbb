package develop_test

import (
	"context"
	"strconv"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/develop"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
)

type deadlineList struct {
	Items []struct {
		CaseID  int64  `json:"case_id"`
		OrgID   int64  `json:"org_id"`
		OrgName string `json:"org_name"`
		Rule    string `json:"rule"`
	} `json:"items"`
	Total int `json:"total"`
}

// TestDeadlinesFollowTransfer moves a person with an open case to another
// 分局: the deadline view shows the case to the new organisation at once,
// and FollowTransfer moves the 待办.
func TestDeadlinesFollowTransfer(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		b := newBureau(t, e)
		r := b.openApplication()
		var before deadlineList
		b.fenjuAdmin.Do("GET", "/api/v1/development/deadlines", nil, &before)
		if before.Total != 1 || before.Items[0].OrgID != b.branch {
			t.Fatalf("before the transfer: %+v", before)
		}
		// The transfer workflow changes the person's organisation.
		if _, err := e.DB.ExecContext(ctx, "UPDATE persons SET org_id = ? WHERE id = ?", b.otherBranch, b.applicant); err != nil {
			t.Fatal(err)
		}
		var old, moved deadlineList
		b.fenjuAdmin.Do("GET", "/api/v1/development/deadlines", nil, &old)
		b.outsid.Do("GET", "/api/v1/development/deadlines", nil, &moved)
		if old.Total != 0 || moved.Total != 1 || moved.Items[0].OrgID != b.otherBranch || moved.Items[0].OrgName != "乙分局城关派出所党支部" {
			t.Fatalf("after the transfer: old %+v, new %+v", old, moved)
		}
		b.outsid.Expect(200, "GET", "/api/v1/development/cases/"+itoa(r.Case.ID), nil, nil)     // the new 分局 cannot read the case
		b.fenjuAdmin.Expect(404, "GET", "/api/v1/development/cases/"+itoa(r.Case.ID), nil, nil) // the old 分局 still reads the case
		err := e.DB.InTx(ctx, func(tx *db.Tx) error {
			return develop.FollowTransfer(ctx, tx, b.applicant, civil.MustParse(e.App.Today()), 1)
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'develop.deadline' AND done_at IS NULL AND org_id = ?", b.otherBranch); n != 1 {
			t.Fatalf("%d open 待办 at the new branch", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'develop.deadline' AND done_at IS NULL AND org_id = ?", b.branch); n != 0 {
			t.Fatalf("%d open 待办 left at the old branch", n)
		}
	})
}

// TestLedgerSortsCasesWithoutDeadlineLast holds on both databases.
func TestLedgerSortsCasesWithoutDeadlineLast(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		second := addPerson(t, e, b.branch, "李申请", "applicant", "1996-06-06")
		var talked, waiting caseReply
		b.fenjuAdmin.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10"}, &talked)
		b.fenjuAdmin.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": second, "date": "2023-02-10"}, &waiting)
		b.fenjuAdmin.Expect(201, "POST", "/api/v1/development/cases/"+itoa(talked.Case.ID)+"/steps", map[string]any{"step": 2, "date": "2023-01-20"}, nil)
		var ledger struct {
			Items []struct {
				ID      int64  `json:"id"`
				NextDue string `json:"next_due"`
			} `json:"items"`
		}
		b.fenjuAdmin.Do("GET", "/api/v1/development/cases", nil, &ledger)
		if len(ledger.Items) != 2 || ledger.Items[0].ID != waiting.Case.ID || ledger.Items[1].NextDue != "" {
			t.Fatalf("ledger order: %+v", ledger.Items)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
