package cases

import (
	"context"
	"fmt"
	"hongdun/internal/demo"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// demoCases are the library the demo bureau starts with.
var demoCases = []struct {
	in       Input
	featured bool
}{
	{Input{Title: "“枫桥式公安派出所”党建引领", Origin: "external", Source: "浙江省诸暨市公安局", Problem: "基层矛盾纠纷多、化解难",
		Practice: "派出所党支部牵头，党员民警包片联户，与村（社区）党组织共建调解室", Effect: "矛盾纠纷就地化解率明显提高，群众满意度上升"}, true},
	{Input{Title: "“党建+执法规范化”双提升", Origin: "external", Source: "江苏省南京市公安局", Problem: "执法质量与党建工作“两张皮”",
		Practice: "把执法质量考评结果纳入支部评星定级，党员民警亮身份办案", Effect: "执法问题数量下降，支部战斗力增强"}, true},
	{Input{Title: "“红色警营”阵地建设", Origin: "internal", Source: "雁塔分局", Problem: "党建阵地分散、利用率低",
		Practice: "统一建设党员活动室、荣誉墙和学习角，与警务工作区融合", Effect: "三会一课开展更规范，青年民警参与度提高"}, false},
}

// SeedDemo fills the demo bureau's 案例库 (cases from inside and from
// other regions, some featured, and the credited innovations), 观摩学习
// visits and 线上一对一 pairings: one running with sessions, one gone quiet
// (its 待办), one ended with its result. It does nothing when cases exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "practice_cases"); seeded || err != nil {
		return err
	}
	p, err := demo.RootAdmin(ctx, d.DB)
	if p == nil || err != nil {
		return err
	}
	today := civil.Today(d.Now())
	branches, err := db.IDs(ctx, d.DB, "SELECT id FROM orgs WHERE kind = 'branch' AND dissolved_on IS NULL ORDER BY id LIMIT 12")
	if err != nil || len(branches) < 4 {
		return err
	}
	var first int64
	for i, dc := range demoCases {
		in := dc.in
		in.OrgID = p.OrgID
		if in.Origin == "internal" {
			in.OrgID = branches[0]
		}
		c, err := Create(ctx, d, p, in)
		if err != nil {
			return err
		}
		if i == 0 {
			first = c.ID
		}
		if dc.featured {
			if _, err := Feature(ctx, d, p, c.ID, true, 0); err != nil {
				return err
			}
		}
	}
	if err := seedInnovationCases(ctx, d, p); err != nil {
		return err
	}
	for i, b := range branches[:4] {
		on := minDate(today.AddDays(-30-40*i), today)
		var seen int64 // the second visit saw the library's first case
		if i == 1 {
			seen = first
		}
		if _, err := RecordVisit(ctx, d, p, VisitInput{OrgID: b, Host: []string{"碑林分局文艺路派出所", "浙江省诸暨市公安局枫桥派出所", "市局机关第一党支部", "莲湖分局北关派出所"}[i],
			Topic: []string{"“红色警营”阵地建设", "“枫桥经验”党建引领", "支部规范化建设台账", "党员先锋岗设置"}[i], VisitedOn: on.String(),
			Participants: fmt.Sprintf("支部书记、支委等 %d 人", 4+i), Takeaways: "学习了对方的做法，准备结合本所实际在下季度试行。", CaseID: seen}); err != nil {
			return err
		}
	}
	for i, b := range branches[4:7] {
		started := minDate(today.AddDays(-200+30*i), today)
		pr, err := StartPairing(ctx, d, p, PairingInput{OrgID: b, Partner: []string{"北京市公安局朝阳分局某派出所党支部", "上海市公安局浦东分局某派出所党支部", "浙江省杭州市公安局某派出所党支部"}[i],
			Goal: "提升“三会一课”质量和党建与业务融合水平", StartedOn: started.String()})
		if err != nil {
			return err
		}
		if i == 1 {
			continue // gone quiet: no session since it started
		}
		for k := 0; k < 3; k++ {
			held := minDate(today.AddDays(-10-30*(2-k)), today) // the last one ten days ago
			if _, err := AddSession(ctx, d, p, pr.ID, SessionInput{HeldOn: held.String(), Topic: []string{"支部会议记录规范", "主题党日设计", "党建与业务融合考核"}[k],
				Result: "对方分享了模板和做法，本支部已对照整改。"}); err != nil {
				return err
			}
		}
		if i == 2 {
			if _, err := EndPairing(ctx, d, p, pr.ID, EndInput{EndedOn: today.String(), Result: "会议记录、主题党日规范化水平明显提升。"}); err != nil {
				return err
			}
		}
	}
	if err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.demo_seed", ObjectType: "system", Detail: map[string]any{"cases": len(demoCases)}})
	}); err != nil {
		return err
	}
	return Sync(ctx, d)
}

// seedInnovationCases takes the credited innovations of the demo bureau
// into the library as featured cases.
func seedInnovationCases(ctx context.Context, d *core.Deps, p *auth.Principal) error {
	rows, err := d.DB.QueryContext(ctx, `SELECT i.id, i.org_id, i.title, o.name, i.problem, i.idea, i.outcome_note FROM assess_innovations i JOIN orgs o ON o.id = i.org_id
		WHERE i.ruling = 'credit' AND i.case_id IS NULL ORDER BY i.id`)
	if err != nil {
		return err
	}
	type inv struct {
		id int64
		in Input
	}
	var invs []inv
	for rows.Next() {
		var v inv
		v.in.Origin = "internal"
		if err := rows.Scan(&v.id, &v.in.OrgID, &v.in.Title, &v.in.Source, &v.in.Problem, &v.in.Practice, &v.in.Effect); err != nil {
			rows.Close()
			return err
		}
		invs = append(invs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, v := range invs {
		err := d.DB.InTx(ctx, func(tx *db.Tx) error {
			id, err := CreateIn(ctx, tx, d, p, v.in, v.id, true)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "UPDATE assess_innovations SET case_id = ? WHERE id = ?", id, v.id)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}
