package develop_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/cellsafe"
)

// Names that start like formulas come out of the 纪实表 and the 台账 as text.
func TestSheetsNeutraliseFormulas(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c, r := b.fenjuAdmin, b.openApplication()
		c.Expect(201, "POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", r.Case.ID), map[string]any{"step": 2, "date": "2023-01-20"}, nil)
		for q, id := range map[string]int64{
			`UPDATE persons SET name = '=HYPERLINK("http://evil.example/","x")' WHERE id = ?`: b.applicant,
			"UPDATE orgs SET name = '-城关派出所党支部' WHERE id = ?":                                 b.branch,
		} {
			if _, err := e.DB.ExecContext(context.Background(), q, id); err != nil {
				t.Fatal(err)
			}
		}
		page := e.Anonymous()
		page.Token = c.Token
		for _, path := range []string{fmt.Sprintf("/development/cases/%d/record.xlsx", r.Case.ID), fmt.Sprintf("/development/ledger.xlsx?org=%d", b.fenju)} {
			page.Expect(200, "GET", path, nil, nil)
			if err := cellsafe.CheckXLSX(bytes.NewReader(page.Last)); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(page.Last))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(f.GetSheetName(0))
			f.Close()
			text := fmt.Sprint(rows)
			if !strings.Contains(text, "HYPERLINK") || !strings.Contains(text, "-城关派出所党支部") {
				t.Errorf("%s: injected names not exported: %s", path, text)
			}
		}
	})
}
