package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hongdun/internal/member"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// A roster with a 政治面貌 column imports 群众 rows as 群众 (no party dates,
// category 退休职工 allowed); a 群众 row with an 入党时间, an unknown
// 政治面貌 and a 退休职工 who is a party member are refused by row.
func TestMassesRowsImportAsMasses(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		deps := testDeps(t, d)
		_, yanta := bureau(t, d, true)
		write := func(name, body string) string {
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
		id := func(s17 string) string { return idcard.WithCheckDigit(s17) }
		const head = "姓名,公民身份号码,政治面貌,入党时间,转正时间,所在党支部,人员类别\n"
		bad := write("bad.csv", head+
			"王芳,"+id("11010119800307002")+",群众,2005-07-01,,城关派出所党支部,辅警\n"+
			"李强,"+id("11010119800307003")+",共青团员,,,城关派出所党支部,辅警\n"+
			"赵刚,"+id("11010119500307001")+",中共党员,1975-07-01,1976-07-01,城关派出所党支部,退休职工\n")
		rep, err := Run(context.Background(), deps, bad, Options{OrgID: yanta, Today: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range rep.Problems {
			got = append(got, p.String())
		}
		if all := strings.Join(got, "\n"); !strings.Contains(all, "第 2 行 入党时间：政治面貌为群众") ||
			!strings.Contains(all, "第 3 行 政治面貌：政治面貌“共青团员”无法识别") || !strings.Contains(all, "第 4 行 人员类别：人员类别“退休职工”用于不是党员") {
			t.Fatalf("%d problems:\n%s", rep.ErrorCount, all)
		}
		if n := count(t, d, "persons"); n != 0 {
			t.Fatalf("%d people written from a file with problems", n)
		}
		good := write("good.csv", head+
			"王芳,"+id("11010119800307002")+",群众,,,城关派出所党支部,辅警\n"+
			"李强,"+id("11010119500307003")+",群众,,,城关派出所党支部,退休职工\n"+
			"赵刚,"+id("11010119800307001")+",中共党员,2005-07-01,2006-07-01,城关派出所党支部,民警\n"+
			"孙丽,"+id("11010119900307002")+",中共预备党员,2026-05-01,,城关派出所党支部,民警\n")
		if rep, err = Run(context.Background(), deps, good, Options{OrgID: yanta, Today: today}, nil); err != nil || rep.ErrorCount != 0 {
			t.Fatalf("%v %v", err, rep.Problems)
		}
		statuses := map[string]string{}
		rows, err := d.QueryContext(context.Background(), "SELECT name, status FROM persons")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name, status string
			if err := rows.Scan(&name, &status); err != nil {
				t.Fatal(err)
			}
			statuses[name] = status
		}
		if statuses["王芳"] != member.Masses || statuses["李强"] != member.Masses || statuses["赵刚"] != "full" || statuses["孙丽"] != "probationary" {
			t.Fatalf("statuses %v", statuses)
		}
	})
}
