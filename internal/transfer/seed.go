package transfer

import (
	"context"
	"fmt"
	"hongdun/internal/demo"
	"strings"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

// demoStep is an action taken some days ago.
type demoStep struct {
	action string
	ago    int
	note   string
}

// demoTransfer is a transfer of the demo bureau and the steps it went
// through. from and to name 分局 (for "in", to only); toBranch picks the
// receiving branch by name.
type demoTransfer struct {
	kind, from, to, toBranch string
	outside, letter, reason  string
	applied                  int // days ago
	steps                    []demoStep
	// A person coming from outside.
	name, area, birth, join, full string
	male                          bool
}

var demoTransfers = []demoTransfer{
	{kind: Inside, from: "碑林", to: "雁塔", toBranch: "小寨路派出所", reason: "工作调动：调任雁塔分局小寨路派出所社区民警", applied: 40,
		steps: []demoStep{{"review", 39, ""}, {"send", 37, ""}, {"receive", 31, ""}}},
	{kind: Inside, from: "新城", to: "未央", reason: "工作调动：交流至未央分局任职", applied: 12,
		steps: []demoStep{{"review", 11, ""}, {"send", 9, ""}}},
	{kind: Inside, from: "莲湖", to: "长安", reason: "工作调动：调入长安分局刑警大队", applied: 48,
		steps: []demoStep{{"review", 46, ""}, {"send", 44, ""}}},
	{kind: Inside, from: "灞桥", to: "雁塔", reason: "工作调动：调入雁塔分局交警大队", applied: 2},
	{kind: Inside, from: "雁塔", to: "碑林", reason: "工作调动：调入碑林分局机关", applied: 6,
		steps: []demoStep{{"review", 4, ""}}},
	{kind: Inside, from: "未央", to: "临潼", reason: "工作调动：调入临潼分局治安巡警大队", applied: 30,
		steps: []demoStep{{"review", 29, ""}, {"send", 27, ""}, {"return", 22, "介绍信所载党费交纳情况与实际不符，请核实后重新开具"}}},
	{kind: Inside, from: "长安", to: "新城", reason: "工作调动：拟调入新城分局", applied: 25,
		steps: []demoStep{{"withdraw", 23, "本人工作调动取消，申请撤回"}}},
	{kind: Out, from: "临潼", outside: "中共咸阳市公安局秦都分局委员会", reason: "工作调动：调往咸阳市公安局秦都分局", applied: 70,
		steps: []demoStep{{"review", 68, ""}, {"send", 66, ""}, {"receive", 50, "已收到接收党组织回执"}}},
	{kind: Out, from: "阎良", outside: "中共宝鸡市公安局渭滨分局委员会", reason: "夫妻两地分居，调往宝鸡市公安局渭滨分局", applied: 15,
		steps: []demoStep{{"review", 14, ""}, {"send", 12, ""}}},
	{kind: Out, from: "高陵", outside: "中共陕西省公安厅机关委员会", reason: "工作调动：调入陕西省公安厅", applied: 7,
		steps: []demoStep{{"review", 5, ""}}},
	{kind: Out, from: "新城", outside: "中共铜川市公安局委员会", reason: "工作调动：拟调往铜川市公安局", applied: 20,
		steps: []demoStep{{"withdraw", 19, "调动手续暂缓办理，申请撤回"}}},
	{kind: In, to: "雁塔", outside: "中共咸阳市公安局渭城分局委员会", letter: "咸公渭党转〔%d〕8号", reason: "公务员遴选调入雁塔分局", applied: 35,
		name: "赵卫国", male: true, area: "610404", birth: "19880512", join: "2012-06-28", full: "2013-06-28",
		steps: []demoStep{{"review", 33, ""}, {"receive", 30, ""}}},
	{kind: In, to: "未央", outside: "中共延安市公安局宝塔分局委员会", letter: "延公宝党转〔%d〕15号", reason: "工作调动：调入未央分局", applied: 3,
		name: "李婧", area: "610602", birth: "19920306", join: "2016-11-20", full: "2017-11-20"},
	{kind: In, to: "长安", outside: "中共汉中市公安局汉台分局委员会", letter: "汉公汉党转〔%d〕21号", reason: "夫妻团聚，调入长安分局", applied: 10,
		name: "王振华", male: true, area: "610702", birth: "19850918", join: "2009-07-01", full: "2010-07-01",
		steps: []demoStep{{"review", 8, ""}}},
	{kind: In, to: "灞桥", outside: "中共榆林市公安局榆阳分局委员会", letter: "榆公榆党转〔%d〕6号", reason: "工作调动：调入灞桥分局", applied: 18,
		name: "刘思雨", area: "610802", birth: "19950721", join: "2019-05-30", full: "2020-05-30",
		steps: []demoStep{{"return", 15, "介绍信已超过有效期，请原党组织重新开具后再办理"}}},
}

// SeedDemo gives the demo bureau 组织关系转接 in every state: between its
// 分局, out to other cities and in from them, one of them overdue (in
// both sides' 待办). Each goes through Create and Act on the day it
// happened, so the members move as the app moves them. It needs the 市局's
// 党务管理员 account (the creator) and does nothing when transfers exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "transfers"); seeded || err != nil {
		return err
	}
	p := &auth.Principal{Username: demo.Recorder, Role: auth.OrgAdmin}
	err := d.DB.QueryRowContext(ctx, `SELECT o.id, o.path, a.id FROM orgs o JOIN accounts a ON a.org_id = o.id AND a.role = ?
		WHERE o.parent_id IS NULL ORDER BY a.id LIMIT 1`, string(auth.OrgAdmin)).Scan(&p.OrgID, &p.OrgPath, &p.AccountID)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{ID: p.AccountID, Name: demo.Recorder})
	today := civil.Today(d.Now())
	used := map[int64]bool{}
	for i, dt := range demoTransfers {
		on := func(ago int) *core.Deps {
			dd := *d
			t := time.Date(today.Year(), today.Month(), today.Day()-ago, 10, 0, 0, 0, web.Shanghai)
			dd.Now = func() time.Time { return t }
			return &dd
		}
		nt := NewTransfer{Kind: dt.kind, OutsideOrg: dt.outside, Reason: dt.reason, AppliedOn: today.AddDays(-dt.applied).String(),
			DuesPaidTo: today.AddDays(-dt.applied).AddMonths(-1).String()[:7]}
		if dt.from != "" {
			person, err := demoPerson(ctx, d.DB, dt.from, i, used)
			if err != nil {
				return err
			}
			if person == 0 {
				continue // no such 分局 in this bureau
			}
			nt.PersonID = person
		}
		if dt.to != "" {
			org, err := demoBranch(ctx, d.DB, dt.to, dt.toBranch, i)
			if err != nil {
				return err
			}
			if org == 0 {
				continue
			}
			nt.ToOrgID = org
		}
		if dt.kind == In {
			nt.Name, nt.Status, nt.JoinDate, nt.FullDate = dt.name, "full", dt.join, dt.full
			nt.Education, nt.Category = "大学本科", "民警"
			nt.IDNumber = idcard.WithCheckDigit(dt.area + dt.birth + map[bool]string{true: "913", false: "924"}[dt.male])
			nt.LetterNo = fmt.Sprintf(dt.letter, today.AddDays(-dt.applied).Year())
		}
		t, err := Create(ctx, on(dt.applied), p, nt)
		if err != nil {
			return fmt.Errorf("转接 %d（%s）: %w", i+1, dt.reason, err)
		}
		if dt.from != "" {
			if err := seedLetterPrefix(ctx, d, p, t, dt.from); err != nil {
				return err
			}
		}
		for _, st := range dt.steps {
			if _, err := Act(ctx, on(st.ago), p, t.ID, st.action, ActRequest{Note: st.note}); err != nil {
				return fmt.Errorf("转接 %d（%s）%s: %w", i+1, dt.reason, st.action, err)
			}
		}
	}
	// The steps posted the 待办 as of their own days; today's are what count.
	return Sync(ctx, d)
}

// seedLetterPrefix gives the 分局 党委 that issues t's letter the 字号 an
// office would set (西公雁党转 for 雁塔分局), once.
func seedLetterPrefix(ctx context.Context, d *core.Deps, p *auth.Principal, t *Transfer, district string) error {
	o, err := issuer(ctx, d.DB, t.fromPath)
	if err != nil || o == nil {
		return err
	}
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM transfer_letter_settings WHERE org_id = ?", o.ID).Scan(&n); err != nil || n > 0 {
		return err
	}
	return SetLetterSettings(ctx, d, p, o.ID, "西公"+string([]rune(district)[:1])+"党转", "30")
}

// districtWhere is the condition on o.path for the subtrees of the 分局
// (organisations right under the root) whose name holds district.
func districtWhere(ctx context.Context, q db.Querier, district string) (string, []any, error) {
	rows, err := q.QueryContext(ctx, `SELECT path FROM orgs WHERE parent_id = (SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1)
		AND name LIKE ?`, "%"+district+"分局%")
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	conds, args := []string{"1 = 0"}, []any{}
	for rows.Next() {
		var path string
		if err := rows.Scan(&path); err != nil {
			return "", nil, err
		}
		w, a := scope.Under(path).Where("o.path")
		conds, args = append(conds, w), append(args, a...)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args, rows.Err()
}

// demoPerson picks a 正式党员 of a 分局 for the i-th transfer: one without
// an account, an open transfer, or a flag, in a different branch each time.
func demoPerson(ctx context.Context, q db.Querier, district string, i int, used map[int64]bool) (int64, error) {
	in, args, err := districtWhere(ctx, q, district)
	if err != nil {
		return 0, err
	}
	rows, err := q.QueryContext(ctx, `SELECT pe.id FROM persons pe JOIN orgs o ON o.id = pe.org_id
		WHERE `+in+` AND o.kind = 'branch' AND pe.status = 'full' AND pe.mobile = 0 AND pe.lost_contact = 0
			AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = pe.id)
			AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.person_id = pe.id)
		ORDER BY o.id, pe.id`, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		if !used[id] {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	id := ids[(i*97)%len(ids)]
	used[id] = true
	return id, nil
}

// demoBranch picks the receiving branch of a 分局: the one named, or one
// that varies with i.
func demoBranch(ctx context.Context, q db.Querier, district, name string, i int) (int64, error) {
	in, args, err := districtWhere(ctx, q, district)
	if err != nil {
		return 0, err
	}
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name FROM orgs o WHERE `+in+` AND o.kind = 'branch' AND o.dissolved_on IS NULL
		ORDER BY o.id`, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return 0, err
		}
		if name != "" && strings.Contains(n, name) {
			return id, nil
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[i%len(ids)], nil
}
