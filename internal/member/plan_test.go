package member

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// TestSearchPlansUseTheirIndexes fails when a search the member list makes
// stops reading by its index on either database (a dropped index, a
// rewritten condition the planner cannot use, a plan that flips with the
// statistics): at a million members a scan is hundreds of times slower.
// A scoped search must check its scope on the person's org_path inside the
// index it reads (every index named here carries the path), and a narrow
// subtree and the capped count must read the path-led index.
func TestSearchPlansUseTheirIndexes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		root, rootPath := addOrg(t, d, 0, "市局党委")
		var branches []int64
		var fenju int64
		var fenjuPath, branchPath string
		for i := range 10 {
			fj, path := addOrg(t, d, root, fmt.Sprintf("第%d分局党委", i+1))
			if i == 0 {
				fenju, fenjuPath = fj, path
			}
			for j := range 12 { // 131 organisations: a branch holds under 1/broadShare of them
				br, path := addOrg(t, d, fj, fmt.Sprintf("第%d分局第%d支部", i+1, j+1))
				branches = append(branches, br)
				if branchPath == "" {
					branchPath = path
				}
			}
		}
		const n = 30000
		err := d.InTx(ctx, func(tx *db.Tx) error {
			w := NewInserter(tx)
			defer w.Close()
			for i := range n {
				p := generated(i, branches[i%len(branches)])
				p.Status = []string{"full", "full", "full", "full", "full", "full", "probationary", "candidate", "activist", "applicant"}[i%10]
				if err := w.Add(ctx, NewRow(keys, &p)); err != nil {
					return err
				}
			}
			return w.Flush(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		// 初中及以下 becomes rare, as it is among police officers: 30 people.
		if _, err := d.W.ExecContext(ctx, "UPDATE persons SET education = '高中' WHERE education = '初中及以下' AND id % 100 <> 0"); err != nil {
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
		branchAdmin := &auth.Principal{Role: auth.OrgAdmin, OrgPath: branchPath}
		const pathLed = "persons_path_filters"
		for _, c := range []struct {
			name string
			p    *auth.Principal
			f    Filter
			want string // the plan reads persons by this index
			// the capped count reads this one ("" for the bureau: any index will do)
			count string
			exact bool // the count found at most TotalCap matches
		}{
			{"bureau first page", bureauAdmin, Filter{}, "persons_pinyin_path", "", false},
			{"bureau name prefix", bureauAdmin, Filter{Q: "张三"}, "persons_name_path", "", false},
			{"bureau surname", bureauAdmin, Filter{Q: "张"}, "persons_first_pinyin", "", false},
			{"bureau initials", bureauAdmin, Filter{Q: "zw"}, "persons_initials_path", "", false},
			{"bureau letter", bureauAdmin, Filter{Q: "z"}, "persons_pinyin_path", "", false},
			{"bureau ID tail", bureauAdmin, Filter{Q: "1234"}, "persons_rtail_path", "", false},
			{"bureau status category", bureauAdmin, Filter{Status: "full", Category: "辅警"}, "persons_pinyin_path", "persons_status_filters", false},
			{"bureau category", bureauAdmin, Filter{Category: "职工"}, "persons_pinyin_path", "persons_status_filters", false},
			{"fenju first page", fenjuAdmin, Filter{}, "persons_pinyin_path", pathLed, false},
			{"fenju subtree filter", bureauAdmin, Filter{OrgID: fenju}, "persons_pinyin_path", pathLed, false},
			{"fenju name prefix", fenjuAdmin, Filter{Q: "张三"}, "persons_name_path", "persons_name_path", false},
			{"fenju surname", fenjuAdmin, Filter{Q: "张"}, "persons_first_pinyin", "persons_first_path", false},
			{"fenju initials", fenjuAdmin, Filter{Q: "zw"}, "persons_initials_path", "persons_initials_path", false},
			{"fenju letter", fenjuAdmin, Filter{Q: "z"}, "persons_pinyin_path", "persons_pinyin_path", false},
			{"fenju ID tail", fenjuAdmin, Filter{Q: "1234"}, "persons_rtail_path", "persons_rtail_path", false},
			{"fenju status category", fenjuAdmin, Filter{Status: "full", Category: "辅警"}, "persons_pinyin_path", pathLed, false},
			{"branch first page", branchAdmin, Filter{}, pathLed, pathLed, false},
			{"branch letter", branchAdmin, Filter{Q: "z"}, pathLed, pathLed, false},
			{"branch surname", branchAdmin, Filter{Q: "张"}, "persons_first_path", "persons_first_path", false},
			{"branch status category", branchAdmin, Filter{Status: "full", Category: "辅警"}, pathLed, pathLed, false},
			// A rare filter's page is read as its count was, then sorted (on
			// SQLite; PostgreSQL plans both from its statistics).
			{"bureau rare filter", bureauAdmin, Filter{Status: "full", Education: "初中及以下"}, "persons_status_filters", "persons_status_filters", true},
			{"fenju rare filter", fenjuAdmin, Filter{Status: "full", Education: "初中及以下"}, pathLed, pathLed, true},
			// A surname's matches stand together in their index: walked,
			// however few.
			{"fenju surname, exact", fenjuAdmin, Filter{Q: "张"}, "persons_first_pinyin", "persons_first_path", true},
		} {
			if c.exact && c.f.Q == "" && d.Dialect == db.Postgres {
				continue
			}
			f := c.f
			if err := f.Normalize(); err != nil {
				t.Fatal(err)
			}
			w, err := searchWhere(ctx, d, keys, c.p, f, civil.Today(time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			// Each query as planned for its arguments and as the server plans
			// it once pgx has run its prepared statement five times.
			for _, plan := range []func(testing.TB, *db.DB, string, ...any) string{planOf, dbtest.PreparedPlan} {
				page, args := pageSQL(d.Dialect, w, f, c.exact)
				plans := map[string]string{c.want: plan(t, d, page, args...)}
				if c.count != "" {
					count, args := countSQL(d.Dialect, w)
					plan := plan(t, d, listing.CountSQL(count), args...)
					plans[c.count] += "\n" + plan
					// A count seeks its rows; a SQLite "SCAN … USING … INDEX" (a
					// PostgreSQL index scan without an Index Cond) reads every entry until the cap.
					if strings.Contains(plan, "SCAN p USING") || d.Dialect == db.Postgres && !strings.Contains(plan, "Index Cond") {
						t.Errorf("%s: the count walks a whole index:\n%s", c.name, plan)
					}
				}
				for ix, plan := range plans {
					if !strings.Contains(plan, ix) || strings.Contains(plan, "Seq Scan on persons") || strings.Contains(plan, "SCAN p\n") {
						t.Errorf("%s: the plan does not read persons by %s:\n%s", c.name, ix, plan)
					}
					// Both readings of letters are read once each, never hashed
					// or sorted to drop a person matched twice (PostgreSQL's
					// UNION: as long again as reading them).
					if w.either != nil && (strings.Contains(plan, "HashAggregate") || strings.Contains(plan, "Unique") || strings.Contains(plan, "SetOp")) {
						t.Errorf("%s: the plan removes duplicates:\n%s", c.name, plan)
					}
				}
			}
		}
		// FiguresIn (the statistics pages' 党员 figures) reads a branch's
		// people by organisation from persons_org_status, grouped in its order.
		for _, plan := range []func(testing.TB, *db.DB, string, ...any) string{planOf, dbtest.PreparedPlan} {
			q, args := figuresSQL(scope.Under(branchPath))
			if p := plan(t, d, q, args...); !strings.Contains(p, "persons_org_status") || strings.Contains(p, "Seq Scan on persons") {
				t.Errorf("the figures of a branch do not read persons by persons_org_status:\n%s", p)
			}
		}
	})
}

// planOf is dbtest.Plan on a database, beside dbtest.PreparedPlan.
func planOf(t testing.TB, d *db.DB, q string, args ...any) string {
	t.Helper()
	return dbtest.Plan(t, d, q, args...)
}
