package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/care"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/dbtest"
)

// BenchmarkElderLedger fills SQLite with HONGDUN_BENCH_MEMBERS people
// (default 200000) in 20 分局 of 20 branches — 60 % 正式党员, one in ten
// retired (born 1936–1965), the others born 1966–2003 — and times the 老党员 ledger's first page with
// its total (党龄 ≥ 50 or age ≥ 80, with this year's 纪念章 list) for the
// whole bureau and for one 分局, and the three ledgers' counts the page's
// tabs show, reporting the 95th percentile. Run with
//
//	HONGDUN_BENCH_MEMBERS=1000000 go test ./internal/app -run '^$' -bench ElderLedger -benchtime 30x
func BenchmarkElderLedger(b *testing.B) {
	n := benchMembers(200000)
	d := dbtest.SQLite(b)
	ctx := context.Background()
	root, fenju, branches := benchBureau(b, d, "committee")
	// One in ten retired (born 1936–1965), the others in service (born
	// 1966–2003); members turn full at 25–34.
	statuses := []string{"full", "full", "full", "full", "full", "probationary", "applicant", "activist", "full", "transferred"}
	const chunk = 500
	for lo := 0; lo < n; lo += chunk {
		var vals []string
		var args []any
		for i := lo; i < min(lo+chunk, n); i++ {
			cat, born := "民警", 1966+i%38
			if i%10 == 0 {
				cat, born = "离退休", 1936+(i/10)%30
			}
			birth := fmt.Sprintf("%d-%02d-%02d", born, 1+i%12, 1+i%28)
			var full any
			if st := statuses[i%len(statuses)]; st == "full" || st == "transferred" {
				full = fmt.Sprintf("%d-%02d-%02d", born+25+(i/7)%10, 1+(i/3)%12, 1+(i/5)%28)
			}
			vals = append(vals, "(?,?,?,'r','男',?,?,?,?,?,0,0)")
			args = append(args, branches[i%len(branches)], fmt.Sprint("人", i), fmt.Sprint("r", i), statuses[i%len(statuses)], cat, birth, full, full)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO persons (org_id, name, pinyin, initials, gender, status, category, birth_date, join_date, full_date, created_at, updated_at) VALUES "+
			strings.Join(vals, ","), args...); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.W.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	admin := &auth.Principal{Role: auth.OrgAdmin, OrgID: root, OrgPath: fmt.Sprintf("/%d/", root)}
	today := civil.Today(time.Now())
	for _, c := range []struct {
		name string
		org  int64
	}{{"bureau", 0}, {"fenju", fenju}} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			dbtest.P95(b, func() error {
				l, err := care.Ledger(ctx, d, admin, today, care.LedgerFilter{Kind: care.Elder, OrgID: c.org, Paging: care.Paging{Page: 1, PerPage: 50}})
				if err == nil {
					total = l.Total
				}
				return err
			})
			b.ReportMetric(float64(total), "elders")
		})
	}
	// The ledger page also counts each ledger for its tabs.
	b.Run("counts", func(b *testing.B) {
		var n map[string]int
		dbtest.P95(b, func() (err error) {
			n, err = care.Counts(ctx, d, admin, today)
			return err
		})
		b.ReportMetric(float64(n[care.Retired]), "retired")
	})
}
