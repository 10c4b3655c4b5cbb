package honour

import (
	"context"
	"fmt"

	"hongdun/internal/demo"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// demoTitles are the honours each level gives, for units and for people.
var demoTitles = map[string][2][]string{
	"national": {{"全国公安系统先进集体", "全国先进基层党组织"}, {"全国优秀共产党员", "全国公安系统二级英雄模范"}},
	"ministry": {{"全国公安机关优秀基层党组织", "全国公安系统集体一等功"}, {"全国公安机关优秀共产党员", "全国优秀人民警察"}},
	"province": {{"全省先进基层党组织", "全省公安机关“最强党支部”"}, {"全省优秀共产党员", "全省公安机关优秀党务工作者"}},
	"city":     {{"全市先进基层党组织", "市直机关“五星级党支部”"}, {"全市优秀共产党员", "全市优秀党务工作者"}},
	"bureau":   {{"市局先进基层党组织", "市局“最强党支部”"}, {"市局优秀共产党员", "市局优秀党务工作者"}},
}

// demoCounts is how many units and people each level honours a year.
var demoCounts = map[string][2]int{"national": {0, 1}, "ministry": {1, 2}, "province": {2, 4}, "city": {3, 6}, "bureau": {5, 10}}

// SeedDemo gives the demo bureau three years of honours at every level
// (around each 七一) and this year's 纪念章 list, part applied for, approved
// and issued. It does nothing when honours exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "honours"); seeded || err != nil {
		return err
	}
	today := civil.Today(d.Now())
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		branches, err := db.IDs(ctx, tx, "SELECT id FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL ORDER BY id")
		if err != nil {
			return err
		}
		people, err := db.IDs(ctx, tx, "SELECT id FROM persons WHERE status = 'full' ORDER BY id")
		if err != nil || len(branches) == 0 || len(people) == 0 {
			return err
		}
		issuers := map[string][]int64{}
		is, err := Issuers(ctx, tx)
		if err != nil {
			return err
		}
		for _, i := range is {
			issuers[i.Level] = append(issuers[i.Level], i.ID)
		}
		now := d.Now().UnixMilli()
		k, honours := 0, 0
		for y := today.Year() - 2; y <= today.Year(); y++ {
			on := civil.New(y, 6, 28)
			if on.After(today) {
				on = today
			}
			for li, l := range Levels {
				for kind, count := range demoCounts[l.Code] {
					for c := 0; c < count; c++ {
						k++
						titles := demoTitles[l.Code][kind]
						title := titles[(c+y)%len(titles)]
						iss := issuers[l.Code][(c+li)%len(issuers[l.Code])]
						var orgID, person any
						var subj string
						if kind == 0 {
							o := branches[(k*37)%len(branches)]
							orgID, subj = o, fmt.Sprintf("o%d", o)
						} else {
							pid := people[(k*7919)%len(people)]
							if err := tx.QueryRowContext(ctx, "SELECT org_id FROM persons WHERE id = ?", pid).Scan(&orgID); err != nil {
								return err
							}
							person, subj = pid, fmt.Sprintf("p%d", pid)
						}
						doc := fmt.Sprintf("%s〔%d〕%d号", docPrefix[l.Code], y, 10+k%40)
						res, err := tx.ExecContext(ctx, `INSERT INTO honours (kind, org_id, person_id, subject, title, issuer_id, awarded_on, doc_no, created_at, updated_at)
							VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`, []string{Unit, Person}[kind], orgID, person, subj, title, iss, on.String(), doc, now, now)
						if err != nil {
							return err
						}
						if r, _ := res.RowsAffected(); r > 0 {
							honours++
						}
					}
				}
			}
		}
		medals, err := seedMedals(ctx, tx, today, now)
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "honour.demo_seed", ObjectType: "system", Detail: map[string]int{"honours": honours, "medals": medals}})
	})
}

var docPrefix = map[string]string{"national": "中组发", "ministry": "公党", "province": "陕公党", "city": "市委发", "bureau": "市公党"}

// seedMedals applies for two thirds of this year's list; of those, two
// thirds are approved and half of the approved are handed over.
func seedMedals(ctx context.Context, tx *db.Tx, today civil.Date, now int64) (int, error) {
	year := today.Year()
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.org_id FROM persons p WHERE p.status = 'full' AND p.full_date <= ? ORDER BY p.full_date, p.id`,
		Cutoff(AsOf(year), MedalYears).String())
	if err != nil {
		return 0, err
	}
	type pick struct{ id, org int64 }
	var ps []pick
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.id, &p.org); err != nil {
			rows.Close()
			return 0, err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	applied := civil.New(year, 4, 15)
	if applied.After(today) {
		applied = today
	}
	approved, issued := applied.AddDays(30), AsOf(year)
	if approved.After(today) {
		approved = today
	}
	if issued.After(today) {
		issued = today
	}
	n := 0
	for i, p := range ps {
		if i%3 == 2 {
			continue
		}
		state, approvedOn, doc, issuedOn, by := "applied", any(nil), "", any(nil), ""
		if i%9 < 6 {
			state, approvedOn, doc = "approved", approved.String(), fmt.Sprintf("市公党〔%d〕21号", year)
		}
		if i%9 < 3 {
			state, issuedOn, by = "issued", issued.String(), []string{"党委书记", "党委副书记"}[i%3]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO medals (year, person_id, org_id, state, applied_on, approved_on, approval_doc, issued_on, issued_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, year, p.id, p.org, state, applied.String(), approvedOn, doc, issuedOn, by, now, now); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
