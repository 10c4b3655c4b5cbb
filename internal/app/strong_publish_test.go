package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/life"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/strong"
)

// A returned self-assessment goes back to the branch with the reason; the
// round is published once every branch is reviewed and then never changes;
// next year's 扩面 compares with it.
func TestReturnPublishAndExtent(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		root := e.Account(auth.OrgAdmin, b.Root, 0)
		reviewer := map[int64]*apptest.Client{b.ABranch: e.Account(auth.OrgAdmin, b.A, 0), b.A2: e.Account(auth.OrgAdmin, b.A, 0), b.BBranch: e.Account(auth.OrgAdmin, b.B, 0)}
		// 城关 held every meeting of 2025.
		for _, k := range life.Kinds {
			for _, p := range life.Periods(2025, k.Per) {
				if _, err := e.DB.ExecContext(t.Context(), "INSERT INTO life_meetings (org_id, kind, held_on, topic, counts, created_at, updated_at) VALUES (?,?,?,'会议',1,0,0)",
					b.ABranch, k.Key, p.From.AddDays(3).String()); err != nil {
					t.Fatal(err)
				}
			}
		}
		openRound(t, root, 2025, "2026-05-31", "2026-06-15")
		var bd strong.Board
		if st := root.Do("GET", "/api/v1/strong/entries?year=2025", nil, &bd); st != 200 || bd.Total != 3 {
			t.Fatalf("2025: %d %d", st, bd.Total)
		}
		// full gives every scored item its full marks: a self-assessment with
		// evidence, or a review (evidence "").
		full := func(id int64, evidence string) map[string]any {
			var en strong.Entry
			root.Do("GET", fmt.Sprintf("/api/v1/strong/entries/%d", id), nil, &en)
			var ms []map[string]any
			for _, is := range en.Result.Items {
				if !is.Computed() {
					m := map[string]any{"item_id": is.ID, "points": float64(is.Points), "evidence": evidence}
					if evidence == "" {
						m = map[string]any{"item_id": is.ID, "points": float64(is.Points), "note": "属实"}
					}
					ms = append(ms, m)
				}
			}
			if evidence == "" {
				return map[string]any{"version": en.Version, "items": ms}
			}
			return map[string]any{"version": en.Version, "items": ms, "submit": true}
		}
		for _, en := range bd.Items {
			if st := root.Do("PUT", fmt.Sprintf("/api/v1/strong/entries/%d/self", en.ID), full(en.ID, "台账"), nil); st != 200 {
				t.Fatalf("self %s: %d %s", en.OrgName, st, root.Body())
			}
		}
		own := entryOf(t, bd, b.ABranch)
		path := fmt.Sprintf("/api/v1/strong/entries/%d", own.ID)
		var en strong.Entry
		root.Do("GET", path, nil, &en)
		if st := reviewer[b.ABranch].Do("POST", path+"/return", map[string]any{"version": en.Version, "note": " "}, nil); st != 400 {
			t.Fatalf("return without a reason: %d", st)
		}
		if st := reviewer[b.ABranch].Do("POST", path+"/return", map[string]any{"version": en.Version, "note": "请补充阵地照片"}, &en); st != 200 || en.State != strong.Draft {
			t.Fatalf("return: %d %s", st, en.State)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'strong.self' AND org_id = ? AND done_at IS NULL AND detail LIKE ?", b.ABranch, "%请补充阵地照片%"); n != 1 {
			t.Fatalf("returned 待办: %d", n)
		}
		if st := root.Do("PUT", path+"/self", full(own.ID, "台账、照片"), nil); st != 200 {
			t.Fatalf("resubmit: %d %s", st, root.Body())
		}
		for _, x := range bd.Items {
			if st := reviewer[x.OrgID].Do("PUT", fmt.Sprintf("/api/v1/strong/entries/%d/review", x.ID), full(x.ID, ""), &en); st != 200 {
				t.Fatalf("review %s: %d %s", x.OrgName, st, reviewer[x.OrgID].Body())
			}
		}
		// 2025, judged on its last day: 城关 computes 10 + 6 + 6 + 0 + 0 + 6 + 10
		// = 38 and scores the full 48 → 86, 达标; the others 16 + 48 = 64.
		if en := entryOf(t, board2025(t, root), b.ABranch); en.Score != 86 || en.Level != "达标" {
			t.Fatalf("城关: %v %s", en.Score, en.Level)
		}
		req, _ := http.NewRequest("GET", "/strong/export?year=2025", nil)
		if st := root.Send(req, nil); st != 200 {
			t.Fatalf("export: %d", st)
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(root.Last)); err != nil {
			t.Fatal(err)
		}
		var r strong.Round
		if st := root.Do("POST", "/api/v1/strong/rounds/2025/close", map[string]int{"version": 1}, &r); st != 200 || r.State != strong.Closed {
			t.Fatalf("close: %d %s", st, root.Body())
		}
		if st := root.Do("POST", "/api/v1/strong/rounds/2025/close", map[string]int{"version": r.Version}, nil); st != 409 {
			t.Fatalf("closed twice: %d", st)
		}
		if st := root.Do("POST", path+"/return", map[string]any{"version": en.Version, "note": "x"}, nil); st != 422 {
			t.Fatalf("a published result changed: %d", st)
		}
		if st := root.Do("POST", "/api/v1/strong/rounds/2025/recompute", nil, nil); st != 422 {
			t.Fatalf("recompute a published round: %d", st)
		}
		// 2026: nobody reviewed yet; 城关 reaches nothing above 未达标
		// (35.14) against 1 of 3 at 达标 in 2025.
		openRound(t, root, 2026, "2026-06-30", "2026-07-15")
		var ex strong.Extent
		if st := root.Do("GET", "/api/v1/strong/extent?year=2026", nil, &ex); st != 200 || ex.Previous != 3 || ex.Published {
			t.Fatalf("extent: %d %+v", st, ex)
		}
		if l := ex.Levels[1]; l.Level != "达标" || l.AtLeast != 0 || l.Previous == nil || l.Previous.AtLeast != 33.3 || l.Change != -33.3 {
			t.Fatalf("达标: %+v %+v", l, l.Previous)
		}
	})
}

func board2025(t *testing.T, c *apptest.Client) strong.Board {
	var b strong.Board
	if st := c.Do("GET", "/api/v1/strong/entries?year=2025", nil, &b); st != 200 {
		t.Fatalf("entries: %d", st)
	}
	return b
}
