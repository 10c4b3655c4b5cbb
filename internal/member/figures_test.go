package member

import (
	"context"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// TestFiguresInCountsTheSubtree checks FiguresIn's two-level grouping
// against the people written, on a subtree and on one organisation of it.
func TestFiguresInCountsTheSubtree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		root, _ := addOrg(t, d, 0, "市局党委")
		a, aPath := addOrg(t, d, root, "第一支部")
		b, bPath := addOrg(t, d, a, "第一支部第一党小组")
		other, _ := addOrg(t, d, root, "第二支部")
		statuses := []string{"full", "full", "probationary", "candidate", "activist", "applicant", Masses}
		want := map[string]map[string]int{aPath: {}, bPath: {}}
		for i := range 40 {
			orgID := []int64{a, b, other}[i%3]
			p := generated(i, orgID)
			p.Status = statuses[i%len(statuses)]
			if err := d.InTx(ctx, func(tx *db.Tx) error { _, err := Insert(ctx, tx, keys, &p); return err }); err != nil {
				t.Fatal(err)
			}
			if orgID != other {
				want[aPath][p.Status]++
			}
			if orgID == b {
				want[bPath][p.Status]++
			}
		}
		for _, path := range []string{aPath, bPath} {
			got, err := FiguresIn(ctx, d, scope.Under(path))
			if err != nil {
				t.Fatal(err)
			}
			if exp := FiguresOf(func(s string) int { return want[path][s] }); got != exp {
				t.Errorf("%s: FiguresIn %+v, want %+v", path, got, exp)
			}
		}
	})
}
