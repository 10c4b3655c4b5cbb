package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/honour"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/dbtest"
)

// BenchmarkEligible fills SQLite with HONGDUN_BENCH_MEMBERS people (default
// 200000) in 20 分局 of 20 branches, 4 % of them 正式党员 who turned full
// before 1977, and times the 纪念章 list's first page with its total for
// the whole bureau and for one 分局, reporting the 95th percentile. Run with
//
//	HONGDUN_BENCH_MEMBERS=1000000 go test ./internal/app -run '^$' -bench Eligible -benchtime 50x
func BenchmarkEligible(b *testing.B) {
	n := benchMembers(200000)
	d := dbtest.SQLite(b)
	ctx := context.Background()
	root, fenju, branches := benchBureau(b, d, "branch")
	const chunk = 500
	for lo := 0; lo < n; lo += chunk {
		var vals []string
		var args []any
		for i := lo; i < min(lo+chunk, n); i++ {
			full := fmt.Sprintf("%d-%02d-%02d", 1978+i%47, 1+i%12, 1+i%28)
			if i%25 == 0 { // 4 %: 转正 1955–1976
				full = fmt.Sprintf("%d-%02d-%02d", 1955+(i/25)%22, 1+i%12, 1+i%28)
			}
			vals = append(vals, "(?,?,?,?,'男','full',?,?,0,0)")
			args = append(args, branches[i%len(branches)], fmt.Sprint("人", i), fmt.Sprint("r", i), "r", full, full)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO persons (org_id, name, pinyin, initials, gender, status, join_date, full_date, created_at, updated_at) VALUES "+
			strings.Join(vals, ","), args...); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.W.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	deps := &core.Deps{DB: d, Now: time.Now}
	admin := &auth.Principal{Role: auth.OrgAdmin, OrgPath: fmt.Sprintf("/%d/", root)}
	for _, c := range []struct {
		name string
		org  int64
	}{{"bureau", 0}, {"fenju", fenju}} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			dbtest.P95(b, func() error {
				l, err := honour.EligibleList(ctx, deps, admin, honour.MedalFilter{Year: 2026, OrgID: c.org, Page: 1, PerPage: 50})
				if err == nil {
					total = l.Total
				}
				return err
			})
			b.ReportMetric(float64(total), "eligible")
		})
	}
}
