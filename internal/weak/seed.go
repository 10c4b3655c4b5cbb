package weak

import (
	"context"
	"fmt"
	"hongdun/internal/demo"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// SeedDemo lists, in each demo bureau, the first branches the checks flag
// this year: one still rectifying with a progress report, one waiting for
// acceptance, one accepted; the one still rectifying was listed last year
// too, and accepted then. It does nothing when cases exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "weak_cases"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	listed := 0
	for _, root := range orgs {
		if root.ParentID != 0 || root.Dissolved() {
			continue
		}
		p := &auth.Principal{Role: auth.OrgAdmin, OrgID: root.ID, OrgPath: root.Path, Username: demo.Recorder}
		cs, err := Check(ctx, d, p, today.Year(), 0)
		if err != nil {
			return err
		}
		for i, c := range cs {
			if i == 3 {
				break
			}
			var codes, problems []string
			for _, h := range c.Hits {
				codes = append(codes, h.Code)
				problems = append(problems, h.Label+"："+h.Detail)
			}
			got, err := Create(ctx, d, p, Input{OrgID: c.OrgID, Year: today.Year(), Triggers: codes, Problems: strings.Join(problems, "\n"),
				Measures: "上级党委班子成员包联指导；一个月内配齐配强支部班子；建立三会一课台账，按月检查", Leader: "上级党委分管副书记", Deadline: today.AddMonths(4 - i).String()})
			if err != nil {
				return err
			}
			listed++
			steps := [][2]string{{KindProgress, "已召开支部党员大会补选支委，三会一课按计划恢复"}}
			if i >= 1 {
				steps = append(steps, [2]string{KindSubmit, "整改任务全部完成，申请验收"})
			}
			if i == 2 {
				steps = append(steps, [2]string{KindAccept, "经实地验收，整改到位，同意销号"})
			}
			for _, st := range steps {
				if got, err = Act(ctx, d, p, got.ID, Action{Kind: st[0], Version: got.Version, Body: st[1]}); err != nil {
					return err
				}
			}
			if i == 0 {
				if err := seedLastYear(ctx, d, c.OrgID, today); err != nil {
					return err
				}
			}
		}
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "weak.demo_seed", ObjectType: "system", Detail: map[string]int{"cases": listed}})
	})
}

// seedLastYear records that a branch was listed last year and accepted
// (history a demo database does not hold otherwise).
func seedLastYear(ctx context.Context, d *core.Deps, orgID int64, today civil.Date) error {
	y := today.Year() - 1
	listed, accepted := civil.New(y, 3, 15), civil.New(y, 10, 20)
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		now := d.Now().UnixMilli()
		id, err := db.InsertID(ctx, tx, `INSERT INTO weak_cases (org_id, year, triggers, problems, measures, leader, deadline, state, listed_on, accepted_on, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, orgID, y, "life_not_held", "三会一课不经常，组织生活流于形式", "制定组织生活计划，分局党委每月检查",
			"上级党委书记", civil.New(y, 9, 30).String(), Accepted, listed.String(), accepted.String(), demo.Recorder, now, now)
		if err != nil {
			return err
		}
		for _, r := range []struct {
			kind string
			on   civil.Date
			body string
		}{{KindList, listed, "三会一课不经常，组织生活流于形式"}, {KindSubmit, civil.New(y, 9, 25), "组织生活按月开展，申请验收"},
			{KindAccept, accepted, fmt.Sprintf("%d 年度整顿验收合格，同意销号", y)}} {
			if err := addReport(ctx, d, tx, id, r.kind, r.on, r.body, demo.Recorder); err != nil {
				return err
			}
		}
		return nil
	})
}
