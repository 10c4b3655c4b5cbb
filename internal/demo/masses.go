package demo

import (
	"context"
	"fmt"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// SeedMasses adds the people of the demo bureau who are not party members
// (群众): in every third working branch two 辅警 and one 退休职工, for the
// care ledgers, wartime teams and performance records. It does nothing when
// any 群众 is registered. It is separate from Seed so that the bureau's
// members stay the same for a given seed.
func SeedMasses(ctx context.Context, d *core.Deps) error {
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons WHERE status = ?", member.Masses).Scan(&n); err != nil || n > 0 {
		return err
	}
	today := civil.Today(d.Now())
	g := newGen(2, today)
	ctx = audit.WithActor(ctx, audit.Actor{Name: Recorder})
	rows, err := d.DB.QueryContext(ctx, "SELECT id FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL ORDER BY id")
	if err != nil {
		return err
	}
	var branches []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		branches = append(branches, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var ps []member.Person
	for i, org := range branches {
		if i%3 != 0 {
			continue
		}
		for _, cat := range []string{"辅警", "辅警", member.RetiredStaff} {
			ages := [2]int{22, 45}
			if cat == member.RetiredStaff {
				ages = [2]int{62, 82}
			}
			male := g.chance(0.7)
			birth := g.birth(ages[0], ages[1])
			gender := "女"
			if male {
				gender = "男"
			}
			p := member.Person{OrgID: org, Name: g.name(male), Gender: gender, Ethnicity: g.ethnicity(), BirthDate: birth.String(),
				IDNumber: g.idNumber("610113", birth, male), Phone: g.phone(), Education: g.education("职工"), Category: cat, Status: member.Masses}
			if errs := member.Validate(&p, today); len(errs) > 0 {
				return fmt.Errorf("demo: generated 群众 %s is invalid: %v", p.Name, errs)
			}
			ps = append(ps, p)
		}
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := member.InsertMany(ctx, tx, d.Keys, ps); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "demo.masses", ObjectType: "system", Detail: map[string]int{"people": len(ps)}})
	})
}
