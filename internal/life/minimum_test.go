package life_test

import (
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// TestFrequenciesKeepTheNationalMinimum: the bureau may hold a meeting
// more often than the 支部工作条例 asks, never less (R-life): a 支部党员大会
// once a year, a 支委会 or 主题党日 each quarter, no 组织生活会 at all are
// refused naming the rule, through the API and the page, and change
// nothing; a monthly 党员大会 and a yearly 党课 are accepted.
func TestFrequenciesKeepTheNationalMinimum(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := setup(t, e)
		e.At("2026-03-15")
		admin := e.Account(auth.OrgAdmin, b.root, 0)
		fp := dbtest.Fingerprint(t, e.DB)
		for kind, per := range map[string]string{"congress": "year", "committee": "quarter", "theme_day": "quarter", "life_meet": "none", "appraisal": "none"} {
			var out struct {
				Error struct {
					Rule, Citation, Message string
					RuleTitle               string `json:"rule_title"`
				} `json:"error"`
			}
			admin.Expect(422, "PUT", "/api/v1/meetings/frequencies", map[string]any{"year": 2026, "per": map[string]string{kind: per}}, &out)
			if out.Error.Rule != "R-life" || out.Error.Citation == "" || out.Error.RuleTitle == "" || !strings.Contains(out.Error.Message, "每年至少") {
				t.Fatalf("%s %s: %+v", kind, per, out.Error)
			}
		}
		if st := admin.Form("/life/frequencies", map[string]string{"year": "2026", "per_congress": "year"}); st != 422 || !strings.Contains(admin.Body(), "组织生活不得少于规定的频次") {
			t.Fatalf("the page takes a yearly 党员大会: %d", st)
		}
		if dbtest.Fingerprint(t, e.DB) != fp {
			t.Fatal("a refused frequency changed the database")
		}
		admin.Expect(200, "PUT", "/api/v1/meetings/frequencies", map[string]any{"year": 2026, "per": map[string]string{"congress": "month", "lecture": "year"}}, nil)
	})
}
