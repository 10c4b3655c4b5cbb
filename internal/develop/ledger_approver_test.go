package develop_test

import (
	"slices"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/idcard"
)

// TestLedgerImportKnowsWhoImports: the 台账 import judges R-approver as the
// case form does. A branch's 党务管理员, whose scope does not hold the 党委
// with 审批权限, imports its own steps (an open case through step 12) but
// no row dated with that 党委's 预审, talk or approvals: each such step is
// a problem of its row, named by the rule's title and citation, and
// nothing is imported. The 分局's 党务管理员 imports the same file.
func TestLedgerImportKnowsWhoImports(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		branchName := "甲分局城关派出所党支部"
		li := idcard.WithCheckDigit("11010119950505001")
		file := ledgerBook(t, ledgerHead, fullRow("张申请", "", branchName, 12), fullRow("李新", li, branchName, 25))
		branch := e.Account(auth.OrgAdmin, b.branch, 0)
		j := importLedger(t, branch, file)
		var steps []string
		for _, p := range j.Errors {
			if p.Rule != "R-approver" || p.Row != 4 || p.Citation == "" || p.RuleTitle == "" || !strings.Contains(p.Message, "甲分局党委") {
				t.Fatalf("the branch's import: %+v", j.Errors)
			}
			steps = append(steps, p.Column)
		}
		want := []string{"上级党委预审日期", "上级党委派人谈话日期", "上级党委审批日期", "上级党委审批（转正）日期"}
		if j.State != importer.Failed || !slices.Equal(steps, want) {
			t.Fatalf("the branch's import: %s, problems in %v, want %v", j.State, steps, want)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_cases"); n != 0 {
			t.Fatalf("a refused import wrote %d cases", n)
		}
		if j := importLedger(t, b.fenjuAdmin, file); j.State != importer.Done || j.Counts.Inserted != 2 {
			t.Fatalf("the 分局's import: %+v", j)
		}
	})
}
