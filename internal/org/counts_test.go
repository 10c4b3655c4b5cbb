package org

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// plantTree writes a bureau with the given number of 分局, each with
// branches, and perBranch persons in every branch (a third of them
// probationary), straight into the tables. It returns the organisations'
// paths by id.
func plantTree(tb testing.TB, d *db.DB, bureaus, branches, perBranch int) map[int64]string {
	tb.Helper()
	ctx := context.Background()
	paths := map[int64]string{}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		add := func(parent int64, name, kind string) (int64, error) {
			var p any
			base := "/"
			if parent != 0 {
				p, base = parent, paths[parent]
			}
			id, err := db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, path, created_at, updated_at) VALUES (?,?,?,'',0,0)", p, name, kind)
			if err != nil {
				return 0, err
			}
			paths[id] = fmt.Sprintf("%s%d/", base, id)
			_, err = tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", paths[id], id)
			return id, err
		}
		root, err := add(0, "市公安局党委", Committee)
		if err != nil {
			return err
		}
		n := 0
		for i := range bureaus {
			fj, err := add(root, fmt.Sprintf("第%d分局党委", i+1), Committee)
			if err != nil {
				return err
			}
			for j := range branches {
				br, err := add(fj, fmt.Sprintf("第%d分局第%d支部", i+1, j+1), Branch)
				if err != nil {
					return err
				}
				for range perBranch {
					status := "full"
					if n%3 == 0 {
						status = "probationary"
					}
					n++
					if _, err := tx.ExecContext(ctx, `INSERT INTO persons (org_id, org_path, name, pinyin, initials, gender, status, created_at, updated_at)
						VALUES (?, ?, '张三', 'zhangsan', 'zs', '男', ?, 0, 0)`, br, paths[br], status); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return paths
}

func TestCountsAddUpSubtrees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// 2 分局 × 3 branches × 6 persons (2 probationary each), plus people
		// registered with the second 分局 itself and a transferred one.
		paths := plantTree(t, d, 2, 3, 6)
		root, bureau2, branch := int64(1), int64(6), int64(7)
		if paths[bureau2] != "/1/6/" || paths[branch] != "/1/6/7/" {
			t.Fatalf("paths %v", paths)
		}
		for _, status := range []string{"full", "transferred"} {
			if _, err := d.ExecContext(ctx, `INSERT INTO persons (org_id, org_path, name, pinyin, initials, gender, status, created_at, updated_at)
				VALUES (?, ?, '李四', 'lisi', 'ls', '男', ?, 0, 0)`, bureau2, paths[bureau2], status); err != nil {
				t.Fatal(err)
			}
		}
		all, err := CountsIn(ctx, d, nil, scope.All())
		if err != nil {
			t.Fatal(err)
		}
		want := func(c MemberCounts, full, prob, transferred int) {
			t.Helper()
			if c.Full != full || c.Probationary != prob || c.Members != full+prob || c.ByStatus["transferred"] != transferred {
				t.Fatalf("counts %+v, want %d full, %d probationary, %d transferred", c, full, prob, transferred)
			}
		}
		want(all[root], 25, 12, 1)
		want(all[bureau2], 13, 6, 1)
		want(all[branch], 4, 2, 0)
		sub, err := CountsIn(ctx, d, nil, scope.Under(paths[bureau2]))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := sub[root]; ok || len(sub) != 4 {
			t.Fatalf("a subtree counts its own organisations only: %v", sub)
		}
		want(sub[bureau2], 13, 6, 1)
		want(sub[branch], 4, 2, 0)
		if none, err := CountsIn(ctx, d, nil, scope.Subtree{}); err != nil || len(none) != 0 {
			t.Fatalf("no scope: %v %v", none, err)
		}
	})
}

// TestCountsOfLargeSubtrees counts a 分局 of 250 branches by its range of
// paths and the whole tree: they must agree.
func TestCountsOfLargeSubtrees(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	const branches = 250
	paths := plantTree(t, d, 3, branches, 1)
	all, err := CountsIn(ctx, d, nil, scope.All())
	if err != nil {
		t.Fatal(err)
	}
	bureau := int64(2)
	sub, err := CountsIn(ctx, d, nil, scope.Under(paths[bureau]))
	if err != nil {
		t.Fatal(err)
	}
	if n := 3 * branches; all[1].ByStatus["full"]+all[1].Probationary != n || len(all) != 1+3+n {
		t.Fatalf("whole tree: %+v over %d organisations", all[1], len(all))
	}
	if sub[bureau].Members != branches || all[bureau].Members != sub[bureau].Members || len(sub) != 1+branches {
		t.Fatalf("分局 %+v, in the whole tree %+v", sub[bureau], all[bureau])
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkCounts times Counts, the whole tree and the warning sync on
// SQLite with HONGDUN_BENCH_ORGS organisations (default 19,000, what
// `hongdun demo --members 1000000` makes) and HONGDUN_BENCH_MEMBERS
// persons (default 200,000):
//
//	go test ./internal/org -run '^$' -bench Counts -benchtime 5x
func BenchmarkCounts(b *testing.B) {
	orgs, members := envInt("HONGDUN_BENCH_ORGS", 19000), envInt("HONGDUN_BENCH_MEMBERS", 200000)
	bureaus := 40
	branches := max(1, (orgs-1-bureaus)/bureaus)
	d := dbtest.SQLite(b)
	start := time.Now()
	paths := plantTree(b, d, bureaus, branches, max(1, members/(bureaus*branches)))
	if _, err := d.W.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("planted %d organisations in %v", len(paths), time.Since(start).Round(time.Millisecond))
	ctx, today := context.Background(), civil.Today(time.Now())
	for _, c := range []struct {
		name string
		root scope.Subtree
	}{{"whole-tree", scope.All()}, {"bureau", scope.Under(paths[2])}, {"branch", scope.Under(paths[3])}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := CountsIn(ctx, d, nil, c.root); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("tree", func(b *testing.B) {
		for b.Loop() {
			if _, err := BuildTree(ctx, d, nil, scope.All(), today, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sync-warnings", func(b *testing.B) {
		for b.Loop() {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return syncWarnings(ctx, tx, today, scope.All()) }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
