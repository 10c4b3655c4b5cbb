package member_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/web"
)

// TestSuspendNeedsItsGrounds: 停止党籍 is for a member out of contact for
// 6 months or more, or settled abroad (R-suspend): without either on the
// record, or before the 6 months are out, it is refused naming the rule,
// its citation and the first day it is possible, and nothing changes;
// with either it is recorded. The person page says the same.
func TestSuspendNeedsItsGrounds(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.App.Now = func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, web.Shanghai) }
		b := newBureau(t, e)
		lost := b.create(t, zhang(b.aBranch))
		abroad := b.create(t, with(zhang(b.aBranch), "name", "李四", "id_number", liID, "join_date", "2015-07-01", "full_date", "2016-07-01"))
		event := func(id int64, body map[string]any, want int) (out struct {
			Status string `json:"status"`
			Error  struct {
				Rule, Citation, Message string
				RuleTitle               string `json:"rule_title"`
				PossibleOn              string `json:"possible_on"`
			} `json:"error"`
		}) {
			t.Helper()
			if st := b.admin.Do("POST", fmt.Sprintf("/api/v1/members/%d/events", id), body, &out); st != want {
				t.Fatalf("%v: %d, want %d: %s", body, st, want, b.admin.Body())
			}
			return out
		}
		suspend := map[string]any{"kind": "suspend", "on_date": "2026-03-01", "note": "经支部大会讨论"}
		fp := dbtest.Fingerprint(t, e.DB)
		for _, id := range []int64{lost.ID, abroad.ID} {
			out := event(id, suspend, 422)
			if out.Error.Rule != "R-suspend" || !strings.Contains(out.Error.Citation, "第二十四条") || out.Error.RuleTitle == "" ||
				!strings.Contains(out.Error.Message, "出国（境）定居") {
				t.Fatalf("停止党籍 without grounds: %+v", out.Error)
			}
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused 停止党籍 changed the database")
		}
		event(lost.ID, map[string]any{"kind": "lost", "on_date": "2025-09-02"}, 201)
		out := event(lost.ID, suspend, 422)
		if out.Error.Rule != "R-suspend" || out.Error.PossibleOn != "2026-03-02" {
			t.Fatalf("停止党籍 within 6 months of losing contact: %+v", out.Error)
		}
		if out := event(lost.ID, with(suspend, "on_date", "2026-03-02"), 201); out.Status != "suspended" {
			t.Fatalf("停止党籍 after 6 months out of contact: %+v", out)
		}
		event(abroad.ID, map[string]any{"kind": "abroad", "on_date": "2026-02-20", "note": "加拿大"}, 201)
		if out := event(abroad.ID, suspend, 201); out.Status != "suspended" {
			t.Fatalf("停止党籍 of a member settled abroad: %+v", out)
		}
		// The page's form shows the refusal in words, the rule by its title.
		third := b.create(t, with(zhang(b.aBranch), "name", "王五", "id_number", idcard.WithCheckDigit("11010519850307123")))
		form := url.Values{"kind": {"suspend"}, "on_date": {"2026-03-01"}}
		b.admin.PostForm(fmt.Sprintf("/members/%d/events", third.ID), form)
		if body := b.admin.Body(); !strings.Contains(body, "失去联系6个月以上或出国（境）定居的党员予以停止党籍") || !strings.Contains(body, "《中国共产党党员教育管理工作条例》第二十四条") {
			t.Errorf("the person page does not name the rule of a refused 停止党籍")
		}
	})
}
