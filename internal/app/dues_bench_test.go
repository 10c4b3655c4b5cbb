package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// BenchmarkLedger is a month's ledger of one 分局 of 1,000 members (20
// branches of 50) in a bureau of 10 such 分局, each member with a base and
// a year of payments (120,000 rows), on SQLite: the first page with the
// totals of the whole 分局 (the page), every row (the export), and the
// year's publication of the 分局 (the report).
func BenchmarkLedger(b *testing.B) {
	e := apptest.Start(b, dbtest.SQLite(b))
	ctx := context.Background()
	e.App.Deps.Now = func() time.Time { return time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC) }
	root := dbtest.AddOrg(b, e.DB, dbtest.Org{Name: "市公安局党委", Kind: "committee", CanApprove: true})
	var bureau0 int64
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		for d := 0; d < 10; d++ {
			bureau := dbtest.AddOrg(b, tx, dbtest.Org{Parent: root, Name: fmt.Sprintf("第%d分局党委", d+1), Kind: "committee", CanApprove: true})
			if d == 0 {
				bureau0 = bureau
			}
			for br := 0; br < 20; br++ {
				branch := dbtest.AddOrg(b, tx, dbtest.Org{Parent: bureau, Name: fmt.Sprintf("第%d分局第%d支部", d+1, br+1), Kind: "branch"})
				var bases, pays [][]any
				for i := 0; i < 50; i++ {
					id := dbtest.AddPerson(b, tx, dbtest.Person{Org: branch, Name: fmt.Sprintf("党员%d", i), JoinDate: "2010-01-01", FullDate: "2011-01-01"})
					bases = append(bases, []any{id, 2026, "service", 450000, 4500, 4500, 0, 0})
					for m := 1; m <= 12; m++ {
						if (i+m)%9 != 0 {
							pays = append(pays, []any{id, branch, 2026, m, 4500, fmt.Sprintf("2026-%02d-05", m), 0, "", 0})
						}
					}
				}
				if err := db.InsertRows(ctx, tx, "dues_bases (person_id, year, kind, base_fen, standard_fen, amount_fen, created_at, updated_at)", bases); err != nil {
					return err
				}
				for len(pays) > 0 {
					n := min(len(pays), 200)
					if err := db.InsertRows(ctx, tx, "dues_payments (person_id, org_id, year, month, amount_fen, paid_on, proxy, note, created_at)", pays[:n]); err != nil {
						return err
					}
					pays = pays[n:]
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	p := &auth.Principal{Role: auth.OrgAdmin, OrgID: root, OrgPath: fmt.Sprintf("/%d/", root)}
	f := dues.Filter{OrgID: bureau0, Year: 2026, Month: 11}
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"page", func() error {
			rows, t, err := dues.Ledger(ctx, e.App.Deps, p, f)
			if err == nil && (t.Members != 1000 || len(rows) != 50) {
				err = fmt.Errorf("%d members, %d rows", t.Members, len(rows))
			}
			return err
		}},
		{"export", func() error {
			rows, err := dues.LedgerAll(ctx, e.App.Deps, p, f)
			if err == nil && len(rows) != 1000 {
				err = fmt.Errorf("%d rows", len(rows))
			}
			return err
		}},
		{"report", func() error {
			rep, err := dues.YearReport(ctx, e.App.Deps, p, bureau0, 2026)
			if err == nil && rep.Members != 1000 {
				err = fmt.Errorf("%d members", rep.Members)
			}
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) { dbtest.P95(b, c.run) })
	}
}
