package strong

import (
	"context"
	"fmt"
	"hongdun/internal/demo"

	"hongdun/internal/honour"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// quality is a demo branch's strength in [0.55, 1): the share of full
// marks it earns, spread so that a few lead, a few trail, most sit between.
func quality(i int) float64 { return 0.55 + 0.45*float64((i*37+11)%100)/100 }

// SeedDemo gives each demo bureau last year's round, published, and this
// year's under way: every branch has computed items from the platform's
// records, about half have assessed themselves, half of those are
// reviewed; the leading branches hold 市级 and 省级 最强党支部 titles. Last
// year's computed items are a history the demo database does not hold,
// so they are set from each branch's strength. It does nothing when a
// round exists.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "strong_rounds"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	for _, root := range orgs {
		if root.ParentID != 0 || root.Dissolved() {
			continue
		}
		p := &auth.Principal{Role: auth.OrgAdmin, OrgID: root.ID, OrgPath: root.Path, Username: demo.Recorder}
		last, err := seedRound(ctx, d, p, today.Year()-1, civil.New(today.Year()-1, 12, 15), today, true)
		if err != nil {
			return err
		}
		if _, err := seedRound(ctx, d, p, today.Year(), today.AddDays(30), today, false); err != nil {
			return err
		}
		if err := seedTitles(ctx, d, p, last, today); err != nil {
			return err
		}
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.demo_seed", ObjectType: "system"})
	})
}

// seedRound opens a year's round and walks its branches through it: all of
// them to review and publication for a past year, about half to their
// self-assessment and a quarter to review for this one. It returns the
// entries best first.
func seedRound(ctx context.Context, d *core.Deps, p *auth.Principal, year int, selfDue, today civil.Date, past bool) ([]Entry, error) {
	var r *Round
	err := d.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		if r, err = openRound(ctx, d, tx, bureauOf(scope.Of(p).Root()), year, selfDue, selfDue.AddDays(20), demo.Recorder); err != nil {
			return err
		}
		if err := Recompute(ctx, d, tx, r, today); err != nil {
			return err
		}
		if past {
			return pastRates(ctx, tx, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b, err := Entries(ctx, d, p, Filter{Year: year})
	if err != nil {
		return nil, err
	}
	for i, e := range b.Items {
		if !past && i%2 == 1 {
			continue
		}
		full, err := GetEntry(ctx, d, p, e.ID)
		if err != nil {
			return nil, err
		}
		self, review := SelfInput{Version: full.Version, Submit: true}, ReviewInput{Note: "材料齐全，同意"}
		for j, it := range full.System.Items() {
			if it.Computed() {
				continue
			}
			pts := float64(int(float64(it.Points)*quality(i+j)*10+.5)) / 10
			ev := fmt.Sprintf("%d 年度台账、会议记录和照片", year)
			if !past && i%10 == 4 && j == len(full.System.Items())-1 {
				ev = "" // a branch that forgot its evidence: the item counts nothing
			}
			self.Items = append(self.Items, SelfMark{ItemID: it.ID, Points: &pts, Evidence: ev})
			rv := pts
			if ev == "" {
				rv = 0
			}
			review.Items = append(review.Items, ReviewMark{ItemID: it.ID, Points: &rv})
		}
		got, err := SelfAssess(ctx, d, p, e.ID, self)
		if err != nil {
			return nil, err
		}
		if !past && i%4 == 2 {
			continue // submitted, waiting for review
		}
		review.Version = got.Version
		if _, err := Review(ctx, d, p, e.ID, review); err != nil {
			return nil, err
		}
	}
	if past {
		if _, err := CloseRound(ctx, d, p, year, r.Version); err != nil {
			return nil, err
		}
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error { return syncTodos(ctx, tx, today) })
	if err != nil {
		return nil, err
	}
	b, err = Entries(ctx, d, p, Filter{Year: year})
	if err != nil {
		return nil, err
	}
	return b.Items, nil
}

// pastRates sets last year's computed items from each branch's strength.
func pastRates(ctx context.Context, tx *db.Tx, r *Round) error {
	rows, err := tx.QueryContext(ctx, `SELECT m.entry_id, m.item_id FROM strong_marks m JOIN strong_entries e ON e.id = m.entry_id
		WHERE e.round_id = ? AND m.rate_x10000 IS NOT NULL ORDER BY m.entry_id, m.item_id`, r.ID)
	if err != nil {
		return err
	}
	type key struct{ entry, item int64 }
	var ks []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.entry, &k.item); err != nil {
			rows.Close()
			return err
		}
		ks = append(ks, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, k := range ks {
		rate := min(1, 0.35+0.55*quality(int(k.entry))+0.05*float64(i%3))
		if _, err := tx.ExecContext(ctx, "UPDATE strong_marks SET rate_x10000 = ?, basis = ? WHERE entry_id = ? AND item_id = ?",
			int(rate*10000), fmt.Sprintf("%d 年度记录：达成 %.0f%%", r.Year, rate*100), k.entry, k.item); err != nil {
			return err
		}
	}
	return nil
}

// seedTitles awards the two leading branches of last year a 市级 title
// and the first of them a 省级 one.
func seedTitles(ctx context.Context, d *core.Deps, p *auth.Principal, last []Entry, today civil.Date) error {
	issuers, err := honour.Issuers(ctx, d.DB)
	if err != nil {
		return err
	}
	byName := map[string]int64{}
	for _, i := range issuers {
		byName[i.Name] = i.ID
	}
	on := civil.New(today.Year()-1, 12, 26).String()
	for i, e := range last {
		if i >= 2 {
			break
		}
		in := []TitleInput{{OrgID: e.OrgID, Title: "市直属机关最强党支部", IssuerID: byName["中共西安市直属机关工作委员会"], AwardedOn: on,
			DocNo: fmt.Sprintf("市直工委发〔%d〕%d号", today.Year()-1, 40+i)}}
		if i == 0 {
			in = append(in, TitleInput{OrgID: e.OrgID, Title: "全省公安机关最强党支部", IssuerID: byName["中共陕西省公安厅委员会"], AwardedOn: on,
				DocNo: fmt.Sprintf("陕公党〔%d〕88号", today.Year()-1)})
		}
		for _, t := range in {
			if t.IssuerID == 0 {
				continue // the bureau renamed the issuer
			}
			if _, err := AddTitle(ctx, d, p, t); err != nil {
				return err
			}
		}
	}
	return nil
}
