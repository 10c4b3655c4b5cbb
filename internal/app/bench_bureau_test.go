package app_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// benchMembers is the number of people a benchmark generates:
// HONGDUN_BENCH_MEMBERS, or def when it is unset or not a positive number.
func benchMembers(def int) int {
	if v, err := strconv.Atoi(os.Getenv("HONGDUN_BENCH_MEMBERS")); err == nil && v > 0 {
		return v
	}
	return def
}

// benchBureau adds a 市局党委 over 20 分局党委 of 20 branches each, the
// 市局 and 分局 of kind upper, and returns the root, the first 分局 and the
// 400 branches.
func benchBureau(b testing.TB, d *db.DB, upper string) (root, fenju int64, branches []int64) {
	org := func(parent int64, name, kind string) int64 {
		return dbtest.AddOrg(b, d, dbtest.Org{Parent: parent, Name: name, Kind: kind})
	}
	root = org(0, "市局党委", upper)
	for i := range 20 {
		fj := org(root, fmt.Sprintf("第%d分局党委", i+1), upper)
		if i == 0 {
			fenju = fj
		}
		for j := range 20 {
			branches = append(branches, org(fj, fmt.Sprintf("第%d分局第%d支部", i+1, j+1), "branch"))
		}
	}
	return root, fenju, branches
}
