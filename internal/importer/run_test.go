package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/roster"
)

var today = civil.MustParse("2026-11-29")

func testDeps(t testing.TB, d *db.DB) *core.Deps {
	k, err := crypto.NewKeys(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &core.Deps{DB: d, Keys: k, Audit: audit.New(k.Audit), Now: time.Now, DataDir: t.TempDir()}
}

// addOrg inserts an organisation under parent (0: a root).
func addOrg(t testing.TB, d *db.DB, parent int64, name, kind string) int64 {
	t.Helper()
	return dbtest.AddOrg(t, d, dbtest.Org{Parent: parent, Name: name, Kind: kind})
}

func itoa(i int64) string { b, _ := json.Marshal(i); return string(b) }

func count(t testing.TB, d *db.DB, table string) int {
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func testdata(dir, file string) string { return filepath.Join("../../testdata", dir, file) }

var formats = []string{"roster.xlsx", "roster.xls", "roster-gbk.csv"}

// bureau makes a 市局 with the 雁塔 分局 and, for CSV files that carry no
// 组织 sheet, its branches (read from the clean workbook's 组织 sheet).
func bureau(t *testing.T, d *db.DB, withBranches bool) (root, yanta int64) {
	root = addOrg(t, d, 0, "市公安局党委", "committee")
	yanta = addOrg(t, d, root, "雁塔区公安分局党委", "committee")
	if withBranches {
		b, err := roster.Open(testdata("roster-clean", "roster.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		_, ol, _ := roster.Locate(b)
		rows, _, _ := roster.ReadOrgs(b, ol)
		for _, r := range rows {
			if r.Parent != "" {
				addOrg(t, d, yanta, r.Name, "branch")
			}
		}
	}
	return root, yanta
}

func TestCleanRosterImportsAlikeFromEveryFormat(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var want string
		for _, f := range formats {
			t.Run(f, func(t *testing.T) {
				ctx := context.Background()
				if _, err := d.ExecContext(ctx, "DELETE FROM persons"); err != nil {
					t.Fatal(err)
				}
				deps := testDeps(t, d)
				root := addOrg(t, d, 0, "市公安局党委"+f, "committee")
				if f == "roster-gbk.csv" {
					y := addOrg(t, d, root, "雁塔区公安分局党委", "committee")
					for _, n := range []string{"机关第一", "机关第二", "刑侦大队", "治安大队", "交警大队", "城关派出所", "新华派出所", "离退休干部"} {
						addOrg(t, d, y, "雁塔区公安分局"+n+"党支部", "branch")
					}
				}
				var prog Progress
				rep, err := Run(ctx, deps, testdata("roster-clean", f), Options{OrgID: root, Today: today}, &prog)
				if err != nil {
					t.Fatal(err)
				}
				if rep.ErrorCount > 0 || rep.Inserted != 120 {
					t.Fatalf("inserted %d, problems %v", rep.Inserted, rep.Problems)
				}
				dbtest.OrgPathsAgree(t, d) // also through COPY on PostgreSQL, into organisations the import created
				if f != "roster-gbk.csv" && rep.OrgsCreated != 9 {
					t.Errorf("orgs created %d, want 9", rep.OrgsCreated)
				}
				if prog.Read.Load() != 120 || prog.Checked.Load() != 120 || prog.Percent() < 90 {
					t.Errorf("progress read %d checked %d %d%%", prog.Read.Load(), prog.Checked.Load(), prog.Percent())
				}
				got := dump(t, deps)
				if want == "" {
					want = got
				} else if got != want {
					t.Errorf("database differs from the .xlsx import")
				}
			})
		}
	})
}

// dump lists every person with the name of their organisation, so imports
// into different organisation ids compare alike.
func dump(t *testing.T, deps *core.Deps) string {
	rows, err := deps.DB.QueryContext(context.Background(), `SELECT p.id, o.name FROM persons p JOIN orgs o ON o.id = p.org_id ORDER BY p.name, p.birth_date`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id int64
		var org string
		rows.Scan(&id, &org)
		p, err := member.Get(context.Background(), deps.DB, deps.Keys, id)
		if err != nil {
			t.Fatal(err)
		}
		p.ID, p.OrgID, p.CreatedAt, p.UpdatedAt, p.OrgName = 0, 0, 0, 0, org
		j, _ := json.Marshal(p)
		b.Write(j)
		b.WriteString(p.IDNumber + p.Phone + "\n")
	}
	return b.String()
}

func TestBadRosterChangesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, f := range formats {
			t.Run(f, func(t *testing.T) {
				deps := testDeps(t, d)
				ctx := context.Background()
				d.ExecContext(ctx, "DELETE FROM persons")
				d.ExecContext(ctx, "DELETE FROM org_history")
				d.ExecContext(ctx, "UPDATE orgs SET parent_id = NULL")
				d.ExecContext(ctx, "DELETE FROM orgs")
				_, yanta := bureau(t, d, f == "roster-gbk.csv")
				orgs, audits := count(t, d, "orgs"), count(t, d, "audit_log")
				rep, err := Run(ctx, deps, testdata("roster-bad", f), Options{OrgID: yanta, Today: today}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Inserted != 0 || count(t, d, "persons") != 0 || count(t, d, "orgs") != orgs || count(t, d, "audit_log") != audits {
					t.Fatalf("a refused import wrote: %+v", rep)
				}
				kinds := map[string]string{"checksum": "校验位", "number-precision": "文本", "before-join": "早于入党",
					"under-18": "未满 18 周岁", "unknown-branch": "不存在", "duplicate": "重复", "bad-date": "不是有效日期", "empty": "姓名不能为空"}
				var exp struct {
					Errors []struct{ Why, Name string }
				}
				b, _ := os.ReadFile(testdata("roster-bad", "expected.json"))
				json.Unmarshal(b, &exp)
				for _, e := range exp.Errors {
					found := false
					for _, p := range rep.Problems {
						found = found || strings.Contains(p.Message, kinds[e.Why]) && p.Row > 0
					}
					if !found {
						t.Errorf("%s not reported: %v", e.Why, rep.Problems)
					}
				}
			})
		}
	})
}

// A job killed mid-way leaves the database as it was: the import runs in one
// transaction, and cancelling its context rolls it back.
func TestCancelledImportLeavesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		deps := testDeps(t, d)
		_, yanta := bureau(t, d, false)
		path := bigRoster(t, 3000)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var prog Progress
		var stopped atomic.Bool
		go func() {
			for prog.Checked.Load() < 2200 {
				time.Sleep(time.Millisecond)
			}
			stopped.Store(true)
			cancel()
		}()
		orgs := count(t, d, "orgs")
		_, err := Run(ctx, deps, path, Options{OrgID: yanta, Today: today}, &prog)
		if !errors.Is(err, context.Canceled) || !stopped.Load() {
			t.Fatalf("err %v after %d rows, want context.Canceled mid-way", err, prog.Checked.Load())
		}
		if n := count(t, d, "persons"); n != 0 || count(t, d, "orgs") != orgs {
			t.Fatalf("%d persons left behind", n)
		}
	})
}

// A branch written without the bureau's prefix resolves when it is unique.
func TestShortBranchNames(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	deps := testDeps(t, d)
	_, yanta := bureau(t, d, true)
	path := filepath.Join(t.TempDir(), "short.csv")
	os.WriteFile(path, []byte("姓名,公民身份号码,入党时间,所在党支部\n王芳,110101198003070025,2005-07-01,城关派出所党支部\n李强,110101198003070033,2005-07-01,党支部\n"), 0o600)
	rep, err := Run(context.Background(), deps, path, Options{OrgID: yanta, Today: today, DryRun: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ErrorCount != 1 || rep.Problems[0].Row != 3 || !strings.Contains(rep.Problems[0].Message, "无法确定") {
		t.Fatalf("problems %v", rep.Problems)
	}
}

// A large import's KeepStats, run once the report is out, leaves the
// planner statistics of what it wrote, not of the empty table before; the
// transaction announced its start to the dashboard as it committed, and
// KeepStats saves the dashboard's snapshot.
func TestLargeImportRefreshesPlannerStatistics(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		deps := testDeps(t, d)
		_, yanta := bureau(t, d, false)
		rep, err := Run(context.Background(), deps, bigRoster(t, analyzeAfter), Options{OrgID: yanta, Today: today}, nil)
		if err != nil || rep.Inserted != analyzeAfter {
			t.Fatalf("%v, %d inserted", err, rep.Inserted)
		}
		KeepStats(context.Background(), deps, rep)
		var rows int64
		if d.Dialect == db.SQLite {
			var stat string
			if err := d.R.QueryRow("SELECT stat FROM sqlite_stat1 WHERE tbl = 'persons' LIMIT 1").Scan(&stat); err != nil {
				t.Fatalf("no statistics for persons: %v", err)
			}
			rows, _ = strconv.ParseInt(strings.Fields(stat)[0], 10, 64)
		} else {
			// The index builds of the import set reltuples too; only
			// ANALYZE fills pg_stats.
			var columns int
			err := d.R.QueryRow(`SELECT (SELECT reltuples::BIGINT FROM pg_class WHERE oid = 'persons'::regclass),
				(SELECT COUNT(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'persons')`).Scan(&rows, &columns)
			if err != nil || columns == 0 {
				t.Fatalf("no statistics for persons: %v", err)
			}
		}
		if rows != analyzeAfter {
			t.Fatalf("statistics count %d persons", rows)
		}
		for _, table := range []string{"stats_snapshot", "stats_late_writes"} {
			var n int
			if err := d.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil || n == 0 {
				t.Fatalf("%s: %d rows, %v", table, n, err)
			}
		}
	})
}

// An import that at least doubles persons writes its rows before their
// indexes (member.DeferIndexes), and persons is locked meanwhile: the
// people already registered are found from one read in the import's
// transaction, refused or updated as asked, and the indexes are those of
// the migrations afterwards.
func TestImportWithDeferredIndexes(t *testing.T) {
	from := member.DeferIndexesFrom
	t.Cleanup(func() { member.DeferIndexesFrom = from })
	member.DeferIndexesFrom = 1
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, deps := context.Background(), testDeps(t, d)
		root, _ := bureau(t, d, false)
		indexes := dbtest.Indexes(t, d, "persons")
		clean := testdata("roster-clean", "roster.xlsx")
		rep, err := Run(ctx, deps, clean, Options{OrgID: root, Today: today}, nil)
		if err != nil || rep.Inserted != 120 || rep.ErrorCount > 0 {
			t.Fatalf("%v: %d inserted, problems %v", err, rep.Inserted, rep.Problems)
		}
		dbtest.OrgPathsAgree(t, d)
		// The same 120 people again, as many as persons holds.
		rep, err = Run(ctx, deps, clean, Options{OrgID: root, Today: today}, nil)
		if err != nil || rep.Existing != 120 || rep.ErrorCount != 120 || rep.Inserted != 0 || !strings.Contains(rep.Problems[0].Message, "已登记在系统中") {
			t.Fatalf("%v: %+v", err, rep)
		}
		rep, err = Run(ctx, deps, clean, Options{OrgID: root, Today: today, UpdateExisting: true}, nil)
		if err != nil || rep.Updated != 120 || rep.ErrorCount > 0 {
			t.Fatalf("%v: %d updated, problems %v", err, rep.Updated, rep.Problems)
		}
		if n := count(t, d, "persons"); n != 120 {
			t.Fatalf("%d persons", n)
		}
		if got := dbtest.Indexes(t, d, "persons"); !slices.Equal(got, indexes) {
			t.Fatalf("indexes after the imports:\n%v\nwant\n%v", got, indexes)
		}
	})
}
