package member

import (
	"context"
	"errors"
	"slices"
	"testing"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/scope"
)

// The person lookups other features share.
func TestSharedLookups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root, _ := addOrg(t, d, 0, "市局党委")
		a, aPath := addOrg(t, d, root, "A 支部")
		_, bPath := addOrg(t, d, root, "B 支部")
		p := validPerson()
		p.OrgID = a
		id := insertValid(t, d, p)

		if org, path, err := OrgOf(ctx, d, id); err != nil || org != a || path != aPath {
			t.Fatalf("OrgOf: %d %q %v", org, path, err)
		}
		if _, _, err := OrgOf(ctx, d, id+100); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("OrgOf of nobody: %v", err)
		}
		if got, err := GetIn(ctx, d, scope.Under(aPath), id); err != nil || got.Name != p.Name || got.IDNumber != "" {
			t.Fatalf("GetIn: %+v %v", got, err)
		}
		for _, s := range []scope.Subtree{scope.Under(bPath), {}} {
			if _, err := GetIn(ctx, d, s, id); !errors.Is(err, db.ErrNotFound) {
				t.Errorf("GetIn outside %q: %v", s.Root(), err)
			}
		}

		var hash string
		if err := d.QueryRowContext(ctx, "SELECT id_hash FROM persons WHERE id = ?", id).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		found, err := PlacedByIDHash(ctx, d, []string{hash, "unknown"})
		if err != nil || len(found) != 1 || found[hash].ID != id || found[hash].OrgPath != aPath {
			t.Fatalf("PlacedByIDHash: %+v %v", found, err)
		}

		if _, err := d.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, created_at) VALUES (?, ?, '书记', '2024-01-01', 0)", a, id); err != nil {
			t.Fatal(err)
		}
		cats, err := AudienceCategories(ctx, d, id)
		if err != nil || !slices.Contains(cats, "民警党员") || !slices.Contains(cats, "支部书记") || !slices.Contains(cats, "支委委员") || slices.Contains(cats, "党务工作者") {
			t.Fatalf("AudienceCategories: %v %v", cats, err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO corps_workers (person_id, org_id, post, duty, category, appointed_on, created_at, updated_at)
			VALUES (?, ?, 'secretary', 'part', '民警', '2024-01-01', 0, 0)`, id, a); err != nil {
			t.Fatal(err)
		}
		if cats, err = AudienceCategories(ctx, d, id); err != nil || !slices.Contains(cats, "党务工作者") {
			t.Fatalf("AudienceCategories on the party-worker roster: %v %v", cats, err)
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons p WHERE p.id = ? AND "+PartyMember("p.status"), id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("PartyMember: %d %v", n, err)
		}
	})
}
