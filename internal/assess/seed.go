package assess

import (
	"context"
	"fmt"
	"hongdun/internal/demo"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// demoInnovations are the demo bureau's innovations and how each went.
var demoInnovations = []struct {
	title, problem, idea, expected, risks string
	outcome                               string // "" (waiting for review), or the state it reaches
	ruling                                string
}{
	{"“警格+网格”党建联建", "社区警务与街道网格各管一段，群众诉求流转慢", "派出所党支部与社区党委联建，警格与网格对应到人", "群众诉求当日流转、一周办结",
		"联建单位配合程度不一", Succeeded, Credit},
	{"党员先锋岗积分制", "党员先锋作用难以量化", "接处警、执法质量、为民服务按月积分并公示", "党员带头作用可见可比", "积分过细增加负担", Succeeded, Credit},
	{"夜间值守“党员轮岗”", "夜间警力紧张", "党员民警轮流承担夜间值守带班", "夜间警情处置时间缩短", "连续夜班影响休息", Failed, Exempt},
	{"“掌上党课”微视频", "基层党员集中学习难", "每周一期 5 分钟微党课在手机端推送", "学习覆盖率达到 95%", "内容把关压力大", Accepted, ""},
	{"党建带团建“青警沙龙”", "青年民警参与党建积极性不高", "每月一次青年民警沙龙，由支部书记主持", "青年民警入党申请增加", "活动流于形式", "", ""},
	{"窗口服务“党员承诺墙”", "窗口服务投诉较多", "窗口党员公开承诺、群众扫码评价", "投诉下降", "评价被恶意刷分", Refused, ""},
}

// SeedDemo gives the demo bureau this year's assessment of its branches
// (the standard set, published; the 融合 indicator scored for most
// branches; 述职 from every third branch, half of them reviewed) and
// innovations at every stage: accepted onto the 容错 list, one that failed
// and was ruled 容错免责, successes credited, one waiting for review and
// one refused. It does nothing when a set exists.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "assess_sets"); seeded || err != nil {
		return err
	}
	p, err := demo.RootAdmin(ctx, d.DB)
	if p == nil || err != nil {
		return err
	}
	today := civil.Today(d.Now())
	set, err := CreateSet(ctx, d, p, SetInput{OrgID: p.OrgID, Year: today.Year(), Kind: Branches, Title: fmt.Sprintf("%d年度党支部党建工作绩效考评", today.Year()), Standard: true})
	if err != nil {
		return err
	}
	if set, err = Publish(ctx, d, p, set.ID, 0); err != nil {
		return err
	}
	t, err := targetsOf(ctx, d.DB, set.OrgID, set.orgPath, set.Kind)
	if err != nil || len(t.Orgs) == 0 {
		return err
	}
	for _, ind := range set.Indicators {
		if ind.Kind != Scored {
			continue
		}
		var sheet Scores
		for i, o := range t.Orgs {
			if i%5 != 4 {
				sheet.Scores = append(sheet.Scores, Score{OrgID: o.ID, Points: float64(ind.Weight) * float64(60+(i*13)%40) / 100,
					Evidence: "年度执法质量考评、群众满意度测评及为民服务项目台账"})
			}
		}
		for i := range sheet.Scores {
			sheet.Scores[i].Points = round1(sheet.Scores[i].Points)
		}
		if err := ScoreIndicator(ctx, d, p, set.ID, ind.ID, sheet); err != nil {
			return err
		}
	}
	grades := []string{"excellent", "good", "good", "fair"}
	secretaries, err := org.Secretaries(ctx, d.DB, t.Sub, today.String())
	if err != nil {
		return err
	}
	for i, o := range t.Orgs {
		if i%3 != 0 || secretaries[o.ID] == "" {
			continue
		}
		rp, err := SubmitReport(ctx, d, p, set.ID, ReportInput{OrgID: o.ID, Body: "一、履行第一责任人职责情况：……\n二、党建与业务融合的做法和成效：……\n三、存在的问题和下一步打算：……"})
		if err != nil {
			return err
		}
		if i%2 != 0 {
			continue
		}
		if _, err := ReviewReport(ctx, d, p, rp.ID, ReviewInput{Grade: grades[(i/6)%len(grades)], Review: "抓党建责任落实，述职内容具体。"}); err != nil {
			return err
		}
	}
	if err := seedInnovations(ctx, d, t, today); err != nil {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.demo_seed", ObjectType: "system", Detail: map[string]any{"set": set.ID}})
	})
}

// seedInnovations registers the demo innovations in branches spread over
// the bureau, on dates of this year's first half, and moves them along.
// The dates are written straight after each step (the steps themselves
// date them today), so that each was registered before it was tried.
func seedInnovations(ctx context.Context, d *core.Deps, t *Targets, today civil.Date) error {
	start := civil.New(today.Year(), 1, 5)
	if !start.Before(today) {
		return nil
	}
	for i, di := range demoInnovations {
		o := t.Orgs[(i*17)%len(t.Orgs)]
		upper := t.Index[o.ParentID]
		if upper == nil {
			continue
		}
		p := &auth.Principal{Username: demo.Recorder, DisplayName: upper.Name, Role: auth.OrgAdmin, OrgID: upper.ID, OrgPath: upper.Path}
		registered := minDate(start.AddDays(20*i), today)
		planned := minDate(registered.AddDays(10), today)
		in, err := Register(ctx, d, p, InnovationInput{OrgID: o.ID, Title: di.title, Problem: di.problem, Idea: di.idea, Expected: di.expected, Risks: di.risks,
			PlannedStart: today.String()})
		if err != nil {
			return err
		}
		if err := redate(ctx, d, in.ID, "registered_on = ?, planned_start = ?, year = ?", registered.String(), planned.String(), planned.Year()); err != nil {
			return err
		}
		switch di.outcome {
		case "":
			continue
		case Refused:
			if _, err := ReviewInnovation(ctx, d, p, in.ID, InnovationReview{Accept: false, Note: "涉及群众评价数据采集，须先完善信息安全措施"}); err != nil {
				return err
			}
			continue
		}
		if _, err := ReviewInnovation(ctx, d, p, in.ID, InnovationReview{Accept: true, Sound: true, Note: "政治方向正确，同意列入容错清单"}); err != nil {
			return err
		}
		if err := redate(ctx, d, in.ID, "reviewed_on = ?", minDate(registered.AddDays(3), today).String()); err != nil {
			return err
		}
		if di.outcome == Accepted {
			continue
		}
		tried := planned.String()
		in, err = ReportOutcome(ctx, d, p, in.ID, Outcome{Succeeded: di.outcome == Succeeded, TriedFrom: today.String(),
			Note: map[bool]string{true: "按计划实施，达到预期效果。", false: "实施中因警力调整未能持续，未达预期。"}[di.outcome == Succeeded]})
		if err != nil {
			return err
		}
		if err := redate(ctx, d, in.ID, "tried_from = ?", tried); err != nil {
			return err
		}
		ru := Ruling{Ruling: di.ruling, Credit: InnovationRules.CreditEach, Note: "创新成效明显，给予创新加分。"}
		if di.ruling == Exempt {
			ru.Note = "事前登记并列入容错清单，程序合规、出于公心，予以容错免责。"
		}
		if _, err := Rule(ctx, d, p, in.ID, ru); err != nil {
			return err
		}
	}
	return nil
}

func redate(ctx context.Context, d *core.Deps, id int64, set string, args ...any) error {
	_, err := d.DB.ExecContext(ctx, "UPDATE assess_innovations SET "+set+" WHERE id = ?", append(args, id)...)
	return err
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}
