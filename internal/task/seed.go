package task

import (
	"context"
	"errors"
	"fmt"
	"hongdun/internal/demo"
	"slices"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// demoItems is the bureau's yearly list, published in January.
var demoItems = []struct {
	in     Input
	dueMD  string // month and day of a one-off deadline
	target string
}{
	{Input{Title: "书记讲授专题党课", Purpose: "落实“三会一课”，书记带头讲党课。", Guidance: "支部书记结合公安工作讲一次专题党课，不少于 1 小时。",
		Evidence: "党课讲稿、照片、参加人员签到表", Line: "team", Recurrence: Once, Weight: 10}, "06-30", ToBranches},
	{Input{Title: "每季度开展一次集中学习", Purpose: "常态化学习贯彻党的创新理论。", Guidance: "在“政治轮训”中登记学习活动或培训场次，系统自动核验。",
		Evidence: "平台中的学习活动或培训记录", Line: "team", Recurrence: Quarterly, Weight: 5, Verifier: "training.held"}, "", ToBranches},
	{Input{Title: "开展“党建+执法规范化”主题实践", Purpose: "党建工作与执法办案有机结合。", Guidance: "各分局党委制定方案，分解到所属支部，年底前报送总结。",
		Evidence: "实施方案、阶段总结、典型案例", Line: "law", Recurrence: Once, Weight: 8}, "11-30", ToCommittees},
	{Input{Title: "“我为群众办实事”为民服务项目", Purpose: "以党建引领为民服务。", Guidance: "每个支部确定并完成一件为民服务实事。",
		Evidence: "项目清单、群众评价", Line: "service", Recurrence: Once, Weight: 6}, "09-30", ToBranches},
}

// SeedDemo publishes the demo bureau's yearly task list in January,
// dispatches it (the 分局 pass the practice task down to their branches)
// and leaves the receivers at every stage: done on time or late, submitted,
// returned, open and overdue. It does nothing when tasks exist.
// demoPoints are the business points of the 市局's 工作要点 the demo
// party items serve.
var demoPoints = []PointInput{
	{Line: "law", Title: "深化执法规范化建设", Detail: "落实执法办案“一站式”管理，案件质量考评优良率达到 95% 以上"},
	{Line: "service", Title: "推进“放管服”改革和户政便民服务", Detail: "户籍、出入境等高频事项“一网通办”，群众满意度保持在 98% 以上"},
	{Line: "security", Title: "做好重大活动安保和社会面治安防控", Detail: "完善街面巡逻防控网，重大节点安保零失误"},
	{Line: "team", Title: "全面从严管党治警", Detail: "开展政治轮训和实战大练兵，锻造忠诚干净担当的公安铁军"},
}

func SeedDemo(ctx context.Context, d *core.Deps) error {
	var n int
	var root int64
	var rootPath string
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM task_items").Scan(&n); err != nil || n > 0 {
		return err
	}
	err := d.DB.QueryRowContext(ctx, "SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").Scan(&root, &rootPath)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	today := civil.Today(d.Now())
	year := today.Year()
	for _, di := range demoItems {
		in := di.in
		in.OrgID, in.Year = root, year
		if di.dueMD != "" {
			in.DueOn = fmt.Sprintf("%d-%s", year, di.dueMD)
		}
		it := &Item{OrgID: root, Year: year, Title: in.Title, DueOn: in.DueOn, Recurrence: in.Recurrence, Weight: in.Weight}
		err := d.DB.InTx(ctx, func(tx *db.Tx) error {
			jan := civil.New(year, 1, 8)
			at := d.Now().UnixMilli()
			if jan.Before(today) {
				at = dayStart(jan.String())
			}
			var err error
			it.ID, err = db.InsertID(ctx, tx, `INSERT INTO task_items (org_id, year, title, purpose, guidance, evidence, line, due_on, recurrence, weight, verifier, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, root, year, in.Title, in.Purpose, in.Guidance, in.Evidence, in.Line, in.DueOn,
				in.Recurrence, in.Weight, in.Verifier, at, at)
			return err
		})
		if err != nil {
			return err
		}
		if _, err := dispatch(ctx, d, source{item: it, orgID: root, orgPath: rootPath, periods: it.Periods()}, Dispatch{Target: di.target, Confirm: true}); err != nil {
			return err
		}
		if di.target == ToCommittees {
			if err := seedPassDown(ctx, d, it); err != nil {
				return err
			}
		}
	}
	if err := seedStages(ctx, d, today); err != nil {
		return err
	}
	if err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		rows := make([][]any, len(demoPoints))
		for i, pt := range demoPoints {
			rows[i] = []any{root, year, pt.Line, pt.Title, pt.Detail, d.Now().UnixMilli()}
		}
		if err := db.InsertRows(ctx, tx, "task_plan_points (org_id, year, line, title, detail, created_at)", rows); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.demo_seed", ObjectType: "system", Detail: map[string]any{"items": len(demoItems), "plan_points": len(demoPoints)}})
	}); err != nil {
		return err
	}
	if err := Sync(ctx, d); err != nil {
		return err
	}
	return seedRounds(ctx, d, &auth.Principal{Username: demo.Recorder, DisplayName: "演示评委甲", AccountID: -1, Role: auth.OrgAdmin, OrgID: root, OrgPath: rootPath}, today)
}

// seedRounds gives every quarter of the year that has ended its 擂台比武
// round among the bureau's branches: the first on the tasks alone, the
// later ones judged by two reviewers; all published (each compared with
// the one before) but the last, still open, whose marks miss a few 书记.
func seedRounds(ctx context.Context, d *core.Deps, p *auth.Principal, today civil.Date) error {
	var ended []string
	for q := 1; q <= 4; q++ {
		if _, to, _ := periodSpan(today.Year(), fmt.Sprintf("Q%d", q)); to.Before(today) {
			ended = append(ended, fmt.Sprintf("Q%d", q))
		}
	}
	for i, period := range ended {
		last := i == len(ended)-1 && len(ended) > 1
		in := RoundInput{OrgID: p.OrgID, Kind: ToBranches, Year: today.Year(), Period: period, Judged: i > 0, JudgeWeight: 40}
		r, err := CreateRound(ctx, d, p, in)
		if err != nil {
			return err
		}
		ids, err := contestantIDs(ctx, d.DB, r.ID)
		if err != nil {
			return err
		}
		sorted := make([]int64, 0, len(ids))
		for id := range ids {
			sorted = append(sorted, id)
		}
		slices.Sort(sorted)
		unmarked := 0
		if last {
			unmarked = min(3, len(sorted))
		}
		for j, judge := range []string{"演示评委甲", "演示评委乙"} {
			jp := *p
			jp.AccountID, jp.DisplayName = int64(-1-j), judge
			var ms []Mark
			for k, id := range sorted[unmarked:] {
				ms = append(ms, Mark{OrgID: id, Score: float64(70 + (k*7+j*11+i*5)%29)})
			}
			if len(ms) == 0 || !in.Judged {
				continue
			}
			if _, err := Judge(ctx, d, &jp, r.ID, Marks{Marks: ms}); err != nil {
				return err
			}
		}
		if !last {
			if _, err := CloseRound(ctx, d, p, r.ID, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedPassDown has every other 党委 pass its copy down to its branches.
func seedPassDown(ctx context.Context, d *core.Deps, it *Item) error {
	rows, err := d.DB.QueryContext(ctx, `SELECT c.id, c.org_id, o.path, c.period, c.starts_on, c.due_on FROM task_copies c, orgs o
		WHERE o.id = c.org_id AND c.item_id = ? ORDER BY c.id`, it.ID)
	if err != nil {
		return err
	}
	var srcs []source
	for i := 0; rows.Next(); i++ {
		s := source{item: it}
		var pd Period
		if err := rows.Scan(&s.parentID, &s.orgID, &s.orgPath, &pd.Code, &pd.Starts, &pd.Due); err != nil {
			rows.Close()
			return err
		}
		s.periods = []Period{pd}
		if i%2 == 0 {
			srcs = append(srcs, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range srcs {
		if _, err := dispatch(ctx, d, s, Dispatch{Target: ToBranches, Confirm: true}); err != nil && !isNoReceiver(err) {
			return err
		}
	}
	return nil
}

// isNoReceiver is the refusal of a dispatch below an organisation
// without branches.
func isNoReceiver(err error) bool {
	var fe *fail.Error
	return errors.As(err, &fe) && fe.Field == "org_ids"
}

// seedStages moves the copies through their states, spread by id: most
// copies already due are done (some late, one in five overdue, some
// returned or waiting for review); of the rest, some are done early.
func seedStages(ctx context.Context, d *core.Deps, today civil.Date) error {
	rows, err := d.DB.QueryContext(ctx, "SELECT id, starts_on, due_on FROM task_copies c WHERE NOT EXISTS (SELECT 1 FROM task_items i WHERE i.id = c.item_id AND i.verifier <> '') ORDER BY id")
	if err != nil {
		return err
	}
	type cp struct {
		id          int64
		starts, due string
	}
	var cs []cp
	for rows.Next() {
		var c cp
		if err := rows.Scan(&c.id, &c.starts, &c.due); err != nil {
			rows.Close()
			return err
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := d.Now().UnixMilli()
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		for i, c := range cs {
			due := civil.MustParse(c.due)
			if civil.MustParse(c.starts).After(today) {
				continue
			}
			past := due.Before(today)
			var status, on, note, evidence string
			switch k := i % 7; {
			case past && k == 0:
				continue // overdue
			case k == 1:
				status, on, note = Returned, minDate(due.AddDays(-10), today).String(), "佐证材料不全，请补充照片和签到表"
			case k == 2:
				status, on = Submitted, minDate(due.AddDays(-3), today).String()
			case past && k == 3:
				status, on = Done, due.AddDays(6).String()
			case past || k == 4:
				status, on = Done, minDate(due.AddDays(-12), today).String()
			default:
				continue // in progress
			}
			evidence = "已按要求完成，材料已上传。"
			if status == Returned {
				evidence = "已召开，见附件。"
			}
			var doneOn any
			if status == Done {
				doneOn = on
			}
			if _, err := tx.ExecContext(ctx, `UPDATE task_copies SET status = ?, evidence = ?, submitted_on = ?, done_on = ?, review_note = ?, updated_at = ?
				WHERE id = ?`, status, evidence, on, doneOn, note, now, c.id); err != nil {
				return err
			}
		}
		return nil
	})
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}
