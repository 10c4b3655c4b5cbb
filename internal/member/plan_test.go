package member

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// TestSearchPlansUseTheirIndexes fails when a search the member list makes
// stops reading by its index on either database (a dropped index, a
// rewritten condition the planner cannot use, a plan that flips with the
// statistics): at a million members a scan is hundreds of times slower.
func TestSearchPlansUseTheirIndexes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		root, rootPath := addOrg(t, d, 0, "市局党委")
		var branches []int64
		var fenju int64
		var fenjuPath string
		for i := range 10 {
			fj, path := addOrg(t, d, root, fmt.Sprintf("第%d分局党委", i+1))
			if i == 0 {
				fenju, fenjuPath = fj, path
			}
			for j := range 5 {
				br, _ := addOrg(t, d, fj, fmt.Sprintf("第%d分局第%d支部", i+1, j+1))
				branches = append(branches, br)
			}
		}
		const n = 30000
		err := d.InTx(ctx, func(tx *db.Tx) error {
			w := NewInserter(tx)
			defer w.Close()
			for i := range n {
				p := generated(i, branches[i%len(branches)])
				if err := w.Add(ctx, NewRow(keys, &p, 0)); err != nil {
					return err
				}
			}
			return w.Flush(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := RefreshStats(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.ExecContext(ctx, "ANALYZE orgs"); err != nil {
			t.Fatal(err)
		}
		bureauAdmin := &auth.Principal{Role: auth.OrgAdmin, OrgPath: rootPath}
		fenjuAdmin := &auth.Principal{Role: auth.OrgAdmin, OrgPath: fenjuPath}
		for _, c := range []struct {
			name string
			p    *auth.Principal
			f    Filter
			want []string // the plan reads persons by one of these
		}{
			{"bureau first page", bureauAdmin, Filter{}, []string{"persons_pinyin"}},
			{"bureau name prefix", bureauAdmin, Filter{Q: "张"}, []string{"persons_name_pinyin"}},
			{"bureau initials", bureauAdmin, Filter{Q: "zw"}, []string{"persons_initials_pinyin"}},
			{"bureau ID tail", bureauAdmin, Filter{Q: "1234"}, []string{"persons_id_rtail"}},
			{"fenju first page", fenjuAdmin, Filter{}, []string{"persons_org_pinyin", "persons_pinyin"}},
			{"fenju subtree filter", bureauAdmin, Filter{OrgID: fenju}, []string{"persons_org_pinyin", "persons_pinyin"}},
			{"fenju name prefix", fenjuAdmin, Filter{Q: "张"}, []string{"persons_name_pinyin"}},
			{"fenju initials", fenjuAdmin, Filter{Q: "zw"}, []string{"persons_initials_pinyin"}},
			{"fenju ID tail", fenjuAdmin, Filter{Q: "1234"}, []string{"persons_id_rtail"}},
			{"fenju status category", fenjuAdmin, Filter{Status: "full", Category: "辅警"}, []string{"persons_category_cover", "persons_pinyin"}},
		} {
			f := c.f
			if err := f.Normalize(); err != nil {
				t.Fatal(err)
			}
			w, err := searchWhere(ctx, d, keys, c.p, f, civil.Today(time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, d, pageSQL(w, f), w.args)
			used := slices.ContainsFunc(c.want, func(ix string) bool { return strings.Contains(plan, ix) })
			if !used || strings.Contains(plan, "Seq Scan on persons") || strings.Contains(plan, "SCAN p\n") {
				t.Errorf("%s: the plan reads persons by none of %v:\n%s", c.name, c.want, plan)
			}
		}
	})
}

// explain is the plan of q, one line per step.
func explain(t *testing.T, d *db.DB, q string, args []any) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if d.Dialect == db.Postgres {
		prefix = "EXPLAIN "
	}
	rows, err := d.R.QueryContext(context.Background(), d.Rebind(prefix+q), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
