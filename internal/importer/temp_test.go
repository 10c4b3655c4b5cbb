package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hongdun/internal/org"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// A roster row that names a 临时党支部 is refused with the rule and its
// citation: nobody's 组织关系 is kept in a temporary organisation.
func TestRosterRowInATemporaryBranchIsRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		deps := testDeps(t, d)
		_, yanta := bureau(t, d, true)
		addOrg(t, d, yanta, "抗疫临时党支部", org.TempBranch)
		path := filepath.Join(t.TempDir(), "temp.csv")
		body := "姓名,公民身份号码,政治面貌,入党时间,转正时间,所在党支部,人员类别\n" +
			"王芳," + idcard.WithCheckDigit("11010119800307002") + ",中共党员,2005-07-01,2006-07-01,抗疫临时党支部,民警\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := Run(context.Background(), deps, path, Options{OrgID: yanta, Today: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.ErrorCount != 1 || !strings.Contains(rep.Problems[0].String(), "临时党组织") || !strings.Contains(rep.Problems[0].String(), "支部工作条例") {
			t.Fatalf("%d problems: %v", rep.ErrorCount, rep.Problems)
		}
		if n := count(t, d, "persons"); n != 0 {
			t.Fatalf("%d people written into a temporary branch", n)
		}
	})
}
