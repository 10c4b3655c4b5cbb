package app_test

import (
	"bytes"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/exam"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
)

// A question whose text starts like a formula is exported as text, and the
// export imports again unchanged.
func TestBankExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		stem := `=HYPERLINK("http://evil.example/","点此领取")`
		q := map[string]any{"org_id": w.root, "kind": "single", "stem": stem, "options": []string{"+1", "-1", "@SUM(1)"},
			"answer": "A", "tag": "党章", "difficulty": 1, "explanation": "-2+3"}
		city.Expect(201, "POST", "/api/v1/exams/bank/questions", q, nil)
		city.Expect(200, "GET", "/api/v1/exams/bank/export", nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(city.Last)); err != nil {
			t.Fatalf("question bank export: %v", err)
		}
		qs, _, err := exam.ParseSheet(bytes.NewReader(city.Last), w.root)
		if err != nil || len(qs) != 1 {
			t.Fatalf("re-import: %v %v", qs, err)
		}
		if qs[0].Stem != stem || qs[0].Options[0] != "+1" || qs[0].Options[2] != "@SUM(1)" || qs[0].Explanation != "-2+3" {
			t.Fatalf("re-imported question changed: %+v", qs[0])
		}
	})
}

// The import template is written through the same helper.
func TestBankTemplateIsSafe(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := exam.Template(&b); err != nil {
		t.Fatal(err)
	}
	if err := cellsafe.CheckXLSX(&b); err != nil {
		t.Fatal(err)
	}
}
