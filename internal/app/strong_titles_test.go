package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/honour"
	"hongdun/internal/platform/auth"
	"hongdun/internal/strong"
)

// issuerID finds an issuer of the seeded mapping by name.
func issuerID(t *testing.T, e *apptest.Env, name string) int64 {
	var id int64
	if err := e.DB.QueryRowContext(t.Context(), "SELECT id FROM honour_issuers WHERE name = ?", name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A title is an honour of the branch: the titles page counts it by level
// and the honours sentence counts it too; removing it removes both.
func TestTitlesCountInTheHonourSentence(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := strongSetup(t, e)
		c := e.Account(auth.OrgAdmin, b.A, 0)
		city, province := issuerID(t, e, "中共西安市直属机关工作委员会"), issuerID(t, e, "中共陕西省公安厅委员会")
		title := func(org, issuer int64, name, on string) map[string]any {
			return map[string]any{"org_id": org, "issuer_id": issuer, "title": name, "awarded_on": on, "doc_no": "市直工委发〔2025〕40号"}
		}
		var out apiError
		for _, bad := range []struct {
			body   map[string]any
			status int
			field  string
		}{
			{title(b.A, city, "最强党支部", "2025-12-26"), 422, "org_id"},
			{title(b.ABranch, city, "最强党支部", "2025-13-01"), 400, "awarded_on"},
			{title(b.ABranch, city, "最强党支部", "2026-05-21"), 400, "awarded_on"},
			{title(b.ABranch, 0, "最强党支部", "2025-12-26"), 400, "issuer_id"},
		} {
			if st := c.Do("POST", "/api/v1/strong/titles", bad.body, &out); st != bad.status || out.Error.Field != bad.field {
				t.Errorf("%v: %d %+v", bad.body, st, out.Error)
			}
		}
		if st := c.Do("POST", "/api/v1/strong/titles", title(b.BBranch, city, "最强党支部", "2025-12-26"), nil); st != 404 {
			t.Fatalf("乙分局's branch from 甲分局: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM honours") + e.Count("SELECT COUNT(*) FROM strong_titles"); n != 0 {
			t.Fatalf("refused titles wrote %d rows", n)
		}
		var h honour.Honour
		for _, in := range []map[string]any{title(b.ABranch, city, "市直属机关最强党支部", "2025-12-26"), title(b.ABranch, city, "市直属机关最强党支部", "2024-12-20"),
			title(b.ABranch, province, "全省公安机关最强党支部", "2026-01-15"), title(b.A2, city, "市直属机关最强党支部", "2022-12-20")} {
			if st := c.Do("POST", "/api/v1/strong/titles", in, &h); st != 201 {
				t.Fatalf("title: %d %s", st, c.Body())
			}
		}
		if st := c.Do("POST", "/api/v1/strong/titles", title(b.ABranch, city, "市直属机关最强党支部", "2025-12-26"), nil); st != 409 {
			t.Fatalf("double submission: %d", st)
		}
		// Three years back from 2026-05-20: 城关 twice at 市级 (counted once)
		// and once at 省级; 第二支部's 2022 title is older.
		var ts strong.Titles
		if st := c.Do("GET", "/api/v1/strong/titles?years=3", nil, &ts); st != 200 {
			t.Fatalf("titles: %d", st)
		}
		if ts.Branches != 1 || len(ts.Items) != 3 || ts.Sentence != "三年以来，1 个党支部被评为最强党支部，其中省级 1 个、市级 1 个。" {
			t.Fatalf("titles: %d branches, %d items, %q", ts.Branches, len(ts.Items), ts.Sentence)
		}
		if st := c.Do("GET", "/api/v1/strong/titles?years=5", nil, &ts); st != 200 || ts.Branches != 2 {
			t.Fatalf("five years: %d %d", st, ts.Branches)
		}
		var sum honour.Summary
		if st := c.Do("GET", "/api/v1/honours/summary?years=3", nil, &sum); st != 200 {
			t.Fatal(st)
		}
		units := map[string]int{}
		for _, n := range sum.Counts {
			units[n.Level] = n.Units
		}
		if units["city"] != 1 || units["province"] != 1 {
			t.Fatalf("the honours sentence counts %v", units)
		}
		if st := e.Account(auth.OrgAdmin, b.B, 0).Do("DELETE", fmt.Sprintf("/api/v1/strong/titles/%d", h.ID), nil, nil); st != 404 {
			t.Fatalf("乙分局 removes 甲's title: %d", st)
		}
		if st := c.Do("DELETE", fmt.Sprintf("/api/v1/strong/titles/%d", h.ID), nil, nil); st != 204 {
			t.Fatalf("remove: %d %s", st, c.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM honours WHERE id = ?", h.ID) + e.Count("SELECT COUNT(*) FROM strong_titles WHERE honour_id = ?", h.ID); n != 0 {
			t.Fatalf("removed title left %d rows", n)
		}
	})
}
