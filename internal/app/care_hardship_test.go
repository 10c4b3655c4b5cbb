package app_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/care"
)

func TestHardshipEnteredAndReviewed(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := careNewBureau(t, e)
		ctx := context.Background()
		in := map[string]any{"person_id": b.people["在职党员"], "cause": "illness", "level": "severe", "since": "2026-01-01",
			"until": "2026-12-31", "detail": "配偶重病住院，每月医疗支出过万"}
		var h care.HardshipEntry
		if st := b.admA.Do("POST", "/api/v1/care/hardship", in, &h); st != http.StatusCreated || h.State != "pending" {
			t.Fatalf("enter: %d %s", st, b.admA.Body())
		}
		same(t, "生活困难党员（待审核）", b.names(t, b.root, "kind=hardship"))
		if e.Count("SELECT COUNT(*) FROM todos WHERE source = 'care.hardship' AND org_id = ? AND done_at IS NULL", b.A) != 1 {
			t.Error("no review 待办 for the organisation above")
		}
		// The situation is sealed at rest.
		var raw []byte
		if err := e.DB.QueryRowContext(ctx, "SELECT detail_enc FROM care_hardship WHERE id = ?", h.ID).Scan(&raw); err != nil || bytes.Contains(raw, []byte("医疗支出")) {
			t.Errorf("detail stored in plain text (%v)", err)
		}

		// Refusals change nothing.
		bad := []struct {
			body  map[string]any
			field string
			want  int
		}{
			{map[string]any{"person_id": b.people["在职党员"], "cause": "illness", "level": "general", "since": "2026-01-01"}, "", 409},
			{map[string]any{"person_id": b.people["退休群众"], "cause": "illness", "level": "general", "since": "2026-01-01"}, "person_id", 422},
			{map[string]any{"person_id": b.people["老张"], "cause": "luck", "level": "general", "since": "2026-01-01"}, "cause", 400},
			{map[string]any{"person_id": b.people["老张"], "cause": "illness", "level": "general", "since": "2026-02-30"}, "since", 400},
			{map[string]any{"person_id": b.people["老张"], "cause": "illness", "level": "general", "since": "2026-04-01"}, "since", 422},
			{map[string]any{"person_id": b.people["老张"], "cause": "illness", "level": "general", "since": "2026-01-01", "until": "2025-12-31"}, "until", 422},
			{map[string]any{"person_id": b.people["老张"], "cause": "illness", "level": "general", "since": "2026-01-01", "detail": "a\u202eb"}, "detail", 400},
			{map[string]any{"person_id": b.people["乙老党员"], "cause": "illness", "level": "general", "since": "2026-01-01"}, "", 404},
		}
		for _, c := range bad {
			n := e.Count("SELECT COUNT(*) FROM care_hardship")
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := b.admA.Do("POST", "/api/v1/care/hardship", c.body, &out); st != c.want || out.Error.Field != c.field {
				t.Errorf("%v: %d field %q (%s), want %d %q", c.body, st, out.Error.Field, out.Error.Message, c.want, c.field)
			}
			if e.Count("SELECT COUNT(*) FROM care_hardship") != n {
				t.Errorf("%v changed the entries", c.body)
			}
		}

		// The one who entered it, and the branch's own level, do not review it.
		review := map[string]any{"decision": "approve", "note": "情况属实", "version": h.Version}
		if st := b.admA.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", review, nil); st != http.StatusForbidden {
			t.Errorf("self review: %d", st)
		}
		if st := b.admB.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", review, nil); st != http.StatusNotFound {
			t.Errorf("another 分局 reviews: %d", st)
		}
		if st := b.root.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", map[string]any{"decision": "return", "version": h.Version}, nil); st != http.StatusBadRequest {
			t.Errorf("return without a reason: %d", st)
		}
		if st := b.root.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", review, &h); st != http.StatusOK || h.State != "approved" {
			t.Fatalf("review: %d %s", st, b.root.Body())
		}
		if st := b.root.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", review, nil); st != http.StatusUnprocessableEntity || !strings.Contains(b.root.Body(), "不在待审核状态") {
			t.Errorf("the review submitted twice: %d %s", st, b.root.Body())
		}
		same(t, "生活困难党员", b.names(t, b.root, "kind=hardship"), "在职党员")
		if e.Count("SELECT COUNT(*) FROM todos WHERE source = 'care.hardship' AND done_at IS NULL") != 0 {
			t.Error("the review 待办 stayed open")
		}

		// Only a 党务管理员 reads the situation, and the read is audited.
		var seen care.HardshipEntry
		b.lead.Do("GET", "/api/v1/care/hardship/"+itoa(h.ID), nil, &seen)
		if seen.Detail != "" || !seen.HasDetail {
			t.Errorf("leader sees detail %q", seen.Detail)
		}
		reads := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'care.hardship.read'")
		b.admA.Do("GET", "/api/v1/care/hardship/"+itoa(h.ID), nil, &seen)
		if seen.Detail != in["detail"] || e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'care.hardship.read'") != reads+1 {
			t.Errorf("admin read: %q, audited reads %d→%d", seen.Detail, reads, e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'care.hardship.read'"))
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "%医疗支出%"); n != 0 {
			t.Errorf("the situation is in %d audit records", n)
		}

		// A change goes back to review; a change racing another is refused.
		in["level"], in["version"] = "general", seen.Version
		if st := b.admA.Do("PUT", "/api/v1/care/hardship/"+itoa(h.ID), in, &h); st != http.StatusOK || h.State != "pending" {
			t.Fatalf("change: %d %s", st, b.admA.Body())
		}
		if st := b.admA.Do("PUT", "/api/v1/care/hardship/"+itoa(h.ID), in, nil); st != http.StatusConflict {
			t.Errorf("stale change: %d", st)
		}
		same(t, "生活困难党员（修改后待审核）", b.names(t, b.root, "kind=hardship"))

		// Ending within 30 days: a reminder to review it.
		b.root.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", map[string]any{"decision": "approve", "version": h.Version}, nil)
		in["until"], in["version"] = "2026-04-10", h.Version+1
		b.admA.Do("PUT", "/api/v1/care/hardship/"+itoa(h.ID), in, &h)
		b.root.Do("POST", "/api/v1/care/hardship/"+itoa(h.ID)+"/review", map[string]any{"decision": "approve", "version": h.Version}, nil)
		var title string
		if err := e.DB.QueryRowContext(ctx, "SELECT title FROM todos WHERE source = 'care.hardship' AND org_id = ? AND done_at IS NULL", b.ABranch).Scan(&title); err != nil || !strings.Contains(title, "即将到期") {
			t.Errorf("expiry reminder: %q %v", title, err)
		}
	})
}
