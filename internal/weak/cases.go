package weak

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/branchfacts"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

// Case states.
const (
	Rectifying = "rectifying" // 整顿中
	Submitted  = "submitted"  // 已申请验收
	Accepted   = "accepted"   // 验收销号
)

var stateLabels = map[string]string{Rectifying: "整顿中", Submitted: "已申请验收", Accepted: "已验收销号"}

// StateLabel names a case state.
func StateLabel(s string) string { return stateLabels[s] }

// Report kinds: the history of a case.
const (
	KindList     = "list"     // 列入整顿
	KindPlan     = "plan"     // 调整整顿方案
	KindProgress = "progress" // 整改进展
	KindSubmit   = "submit"   // 申请验收
	KindAccept   = "accept"   // 验收销号
	KindReturn   = "return"   // 验收未通过
)

var kindLabels = map[string]string{KindList: "列入整顿", KindPlan: "调整整顿方案", KindProgress: "整改进展", KindSubmit: "申请验收",
	KindAccept: "验收销号", KindReturn: "验收未通过，继续整顿"}

// Case is a branch's rectification in a year.
type Case struct {
	ID            int64    `json:"id"`
	OrgID         int64    `json:"org_id"`
	OrgName       string   `json:"org_name"`
	Year          int      `json:"year"`
	Triggers      []string `json:"triggers"`
	TriggerLabels []string `json:"trigger_labels"`
	Problems      string   `json:"problems"`
	Measures      string   `json:"measures"`
	Leader        string   `json:"leader"`
	Deadline      string   `json:"deadline"`
	State         string   `json:"state"`
	StateLabel    string   `json:"state_label"`
	ListedOn      string   `json:"listed_on"`
	AcceptedOn    string   `json:"accepted_on,omitempty"`
	Overdue       bool     `json:"overdue"`
	Earlier       []int    `json:"earlier,omitempty"` // other years the branch was listed
	Reports       []Report `json:"reports,omitempty"`
	CreatedBy     string   `json:"created_by"`
	Version       int      `json:"version"`
	parentID      int64
}

// Report is one entry of a case's history.
type Report struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	OnDate    string `json:"on_date"`
	Body      string `json:"body"`
	Actor     string `json:"actor"`
}

var caseCols = `c.id, c.org_id, o.name, COALESCE(o.parent_id, 0), c.year, c.triggers, c.problems, c.measures, c.leader, c.deadline, c.state,
	c.listed_on, COALESCE(c.accepted_on, ''), ` + auth.NameOf("c.created_by") + `, c.version`

const caseFrom = " FROM weak_cases c JOIN orgs o ON o.id = c.org_id"

func scanCase(s interface{ Scan(...any) error }, p Params, today civil.Date) (*Case, error) {
	var c Case
	var triggers string
	if err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.parentID, &c.Year, &triggers, &c.Problems, &c.Measures, &c.Leader, &c.Deadline, &c.State,
		&c.ListedOn, &c.AcceptedOn, &c.CreatedBy, &c.Version); err != nil {
		return nil, err
	}
	c.Triggers = strings.Split(triggers, ",")
	for _, code := range c.Triggers {
		t, _ := TriggerOf(code)
		c.TriggerLabels = append(c.TriggerLabels, t.LabelWith(p))
	}
	c.StateLabel = StateLabel(c.State)
	c.Overdue = c.State == Rectifying && c.Deadline < today.String()
	return &c, nil
}

// load reads a case in s with its history; anything else is a 404.
func load(ctx context.Context, d *core.Deps, q db.Querier, s scope.Subtree, id int64) (*Case, error) {
	w, args := s.Where("o.path")
	var year int
	if err := q.QueryRowContext(ctx, "SELECT c.year"+caseFrom+" WHERE c.id = ? AND "+w, append([]any{id}, args...)...).Scan(&year); db.IsNoRows(err) {
		return nil, fail.NotFound()
	} else if err != nil {
		return nil, err
	}
	params, _, err := ParamsOf(ctx, q, bureauOf(s.Root()), year)
	if err != nil {
		return nil, err
	}
	c, err := scanCase(q.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ?", id), params, civil.Today(d.Now()))
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, kind, on_date, body, "+auth.NameOf("actor")+" FROM weak_reports WHERE case_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.Kind, &r.OnDate, &r.Body, &r.Actor); err != nil {
			return nil, err
		}
		r.KindLabel = kindLabels[r.Kind]
		c.Reports = append(c.Reports, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	earlier, err := yearsListed(ctx, q, []int64{c.OrgID})
	for _, y := range earlier[c.OrgID] {
		if y != c.Year {
			c.Earlier = append(c.Earlier, y)
		}
	}
	return c, err
}

// Get returns a case the caller may read.
func Get(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Case, error) {
	return load(ctx, d, d.DB, scope.Of(p), id)
}

// yearsListed returns, per organisation, the years it was listed.
func yearsListed(ctx context.Context, q db.Querier, orgs []int64) (map[int64][]int, error) {
	out := map[int64][]int{}
	if len(orgs) == 0 {
		return out, nil
	}
	in, args := db.In(orgs)
	rows, err := q.QueryContext(ctx, "SELECT org_id, year FROM weak_cases WHERE org_id IN ("+in+") ORDER BY year", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var y int
		if err := rows.Scan(&id, &y); err != nil {
			return nil, err
		}
		out[id] = append(out[id], y)
	}
	return out, rows.Err()
}

// listedIn maps the branches of sub listed in a year to their case.
func listedIn(ctx context.Context, d *core.Deps, sub scope.Subtree, year int) (map[int64]int64, error) {
	w, args := sub.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, "SELECT c.org_id, c.id"+caseFrom+" WHERE c.year = ? AND "+w, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var org, id int64
		if err := rows.Scan(&org, &id); err != nil {
			return nil, err
		}
		out[org] = id
	}
	return out, rows.Err()
}

// Input lists a branch for rectification.
type Input struct {
	OrgID    int64    `json:"org_id"`
	Year     int      `json:"year"`
	Triggers []string `json:"triggers"`
	Problems string   `json:"problems"`
	Measures string   `json:"measures"`
	Leader   string   `json:"leader"`
	Deadline string   `json:"deadline"`
}

const (
	ruleDeadline = "R-weak-deadline"
	citeWeak     = "整顿软弱涣散基层党组织的有关要求：整顿一般在一年内完成，由上级党组织验收销号"
	ruleUpper    = "R-weak-upper"
)

// upper says whether p acts for an organisation above the branch: only it
// lists a branch, changes the plan and accepts the rectification.
func upper(p *auth.Principal, orgID int64) bool { return p.Writes() && p.OrgID != orgID }

// checkPlan validates the parts of a plan (shared by listing and changes).
func checkPlan(in *Input, today civil.Date) error {
	var err error
	if in.Problems, err = plaintext.Text("problems", "存在的主要问题", in.Problems, true, 2000, true); err != nil {
		return err
	}
	if in.Measures, err = plaintext.Text("measures", "整顿措施", in.Measures, false, 2000, true); err != nil {
		return err
	}
	if in.Leader, err = plaintext.Text("leader", "包联领导（姓名和职务）", in.Leader, true, 50, false); err != nil {
		return err
	}
	due, err := civil.Parse(strings.TrimSpace(in.Deadline))
	if err != nil {
		return fail.Malformed("deadline", "请按“年-月-日”填写整顿期限，如 2026-12-31")
	}
	if due.Before(today) {
		return fail.NotAllowed("deadline", "整顿期限不能早于今天")
	}
	if today.AddYears(1).Before(due) {
		return fail.Rule(ruleDeadline, citeWeak, "整顿期限不能超过一年（最晚 "+today.AddYears(1).String()+"）")
	}
	in.Deadline = due.String()
	return nil
}

// Create lists a branch for rectification in a year: an organisation above
// it names the triggers, the problems, the measures, the 包联 leader and the
// deadline. A branch is listed once a year.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, in Input) (*Case, error) {
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择列入整顿的党支部")
	}
	if _, err := org.WritablePath(ctx, d.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, d.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !branchfacts.Branch(o.Kind) || o.Dissolved() {
		return nil, fail.NotAllowed("org_id", "列入整顿的应是未撤销的党支部（联合党支部）")
	}
	if !upper(p, o.ID) {
		return nil, fail.Rule(ruleUpper, citeWeak, "软弱涣散党支部由上级党组织确定并列入整顿，不能由本支部自行列入")
	}
	today := civil.Today(d.Now())
	if in.Year < 2000 || in.Year > today.Year() {
		return nil, fail.NotAllowed("year", "年度应为 2000 年至今年之间的四位年份")
	}
	if len(in.Triggers) == 0 {
		return nil, fail.Malformed("triggers", "请选择软弱涣散的情形（至少一项）")
	}
	seen := map[string]bool{}
	for _, code := range in.Triggers {
		if _, ok := TriggerOf(code); !ok {
			return nil, fail.NotAllowed("triggers", "未知的软弱涣散情形："+code)
		}
		if seen[code] {
			return nil, fail.NotAllowed("triggers", "同一情形选择了两次")
		}
		seen[code] = true
	}
	if err := checkPlan(&in, today); err != nil {
		return nil, err
	}
	var id int64
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO weak_cases (org_id, year, triggers, problems, measures, leader, deadline, state, listed_on, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, in.OrgID, in.Year, strings.Join(in.Triggers, ","), in.Problems, in.Measures, in.Leader, in.Deadline,
			Rectifying, today.String(), p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("%s 已列入 %d 年度软弱涣散整顿，无需重复列入", o.Name, in.Year))
		}
		if err != nil {
			return err
		}
		if err := addReport(ctx, d, tx, id, KindList, today, in.Problems, p.Username); err != nil {
			return err
		}
		c, err := load(ctx, d, tx, scope.Of(p), id)
		if err != nil {
			return err
		}
		if err := postTodos(ctx, tx, c, today); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "weak.case.create", ObjectType: "weak_case", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}

func addReport(ctx context.Context, d *core.Deps, tx *db.Tx, caseID int64, kind string, on civil.Date, body, actor string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO weak_reports (case_id, kind, on_date, body, actor, created_at) VALUES (?,?,?,?,?,?)",
		caseID, kind, on.String(), body, actor, d.Now().UnixMilli())
	return err
}

// writable loads a case for a write in tx: administered by p, at the
// version the caller read.
func writable(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, id int64, version int) (*Case, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	c, err := load(ctx, d, tx, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	switch {
	case version <= 0:
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	case version != c.Version:
		return nil, fail.Conflict("该整顿记录已被他人修改，请刷新后重新填写")
	case c.State == Accepted:
		return nil, fail.Refused("accepted", fmt.Sprintf("该支部已于 %s 验收销号，整顿记录不再变动", c.AcceptedOn))
	}
	return c, nil
}

// bump moves the case's version and state.
func bump(ctx context.Context, d *core.Deps, tx *db.Tx, c *Case, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, "UPDATE weak_cases SET "+set+", updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		append(args, d.Now().UnixMilli(), c.ID, c.Version)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail.Conflict("该整顿记录已被他人修改，请刷新后重新填写")
	}
	c.Version++
	return nil
}

// Plan changes a case's problems, measures, leader and deadline (the
// organisation above).
type Plan struct {
	Version  int    `json:"version"`
	Problems string `json:"problems"`
	Measures string `json:"measures"`
	Leader   string `json:"leader"`
	Deadline string `json:"deadline"`
}

// ChangePlan records a new plan.
func ChangePlan(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, pl Plan) (*Case, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := writable(ctx, d, tx, p, id, pl.Version)
		if err != nil {
			return err
		}
		if !upper(p, c.OrgID) {
			return fail.Rule(ruleUpper, citeWeak, "整顿方案由上级党组织确定，本支部可报告整改进展")
		}
		today := civil.Today(d.Now())
		in := Input{Problems: pl.Problems, Measures: pl.Measures, Leader: pl.Leader, Deadline: pl.Deadline}
		if err := checkPlan(&in, today); err != nil {
			return err
		}
		before := map[string]any{"problems": c.Problems, "measures": c.Measures, "leader": c.Leader, "deadline": c.Deadline}
		if err := bump(ctx, d, tx, c, "problems = ?, measures = ?, leader = ?, deadline = ?", in.Problems, in.Measures, in.Leader, in.Deadline); err != nil {
			return err
		}
		c.Problems, c.Measures, c.Leader, c.Deadline = in.Problems, in.Measures, in.Leader, in.Deadline
		body := fmt.Sprintf("包联领导：%s；整顿期限：%s。%s", in.Leader, in.Deadline, in.Measures)
		if err := addReport(ctx, d, tx, c.ID, KindPlan, today, body, p.Username); err != nil {
			return err
		}
		if err := postTodos(ctx, tx, c, today); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "weak.case.plan", ObjectType: "weak_case", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{Before: before, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}

// Action is a step of a case: progress (整改进展), submit (申请验收),
// accept (验收销号) or return (验收未通过, with a new deadline when given).
type Action struct {
	Kind     string `json:"kind"`
	Version  int    `json:"version"`
	Body     string `json:"body"`
	OnDate   string `json:"on_date"`
	Deadline string `json:"deadline,omitempty"`
}

// Act records a step of a case and moves its state.
func Act(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, a Action) (*Case, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := writable(ctx, d, tx, p, id, a.Version)
		if err != nil {
			return err
		}
		today := civil.Today(d.Now())
		on := today
		if s := strings.TrimSpace(a.OnDate); s != "" {
			if on, err = civil.Parse(s); err != nil {
				return fail.Malformed("on_date", "请按“年-月-日”填写日期")
			}
			if today.Before(on) || on.String() < c.ListedOn {
				return fail.NotAllowed("on_date", "日期应在列入整顿之日（"+c.ListedOn+"）与今天之间")
			}
		}
		label := map[string]string{KindProgress: "整改进展情况", KindSubmit: "整改完成情况", KindAccept: "验收意见", KindReturn: "验收未通过的原因"}[a.Kind]
		if label == "" {
			return fail.Malformed("kind", "办理事项只能是 progress（整改进展）、submit（申请验收）、accept（验收销号）或 return（验收未通过）")
		}
		body, err := plaintext.Text("body", label, a.Body, true, 2000, true)
		if err != nil {
			return err
		}
		before := c.State
		switch a.Kind {
		case KindProgress:
			if c.State != Rectifying {
				return fail.Refused("submitted", "已申请验收，待上级党组织验收")
			}
			err = bump(ctx, d, tx, c, "state = ?", Rectifying)
		case KindSubmit:
			if c.State != Rectifying {
				return fail.Conflict("已申请验收，无需重复申请")
			}
			c.State = Submitted
			err = bump(ctx, d, tx, c, "state = ?", Submitted)
		case KindAccept, KindReturn:
			if !upper(p, c.OrgID) {
				return fail.Rule(ruleUpper, citeWeak, "整顿由上级党组织验收销号，本支部不能自行验收")
			}
			if c.State != Submitted {
				return fail.Refused("not_submitted", "支部尚未申请验收")
			}
			if a.Kind == KindAccept {
				c.State, c.AcceptedOn = Accepted, on.String()
				err = bump(ctx, d, tx, c, "state = ?, accepted_on = ?", Accepted, on.String())
				break
			}
			c.State = Rectifying
			if s := strings.TrimSpace(a.Deadline); s != "" {
				in := Input{Problems: c.Problems, Leader: c.Leader, Measures: c.Measures, Deadline: s}
				if err := checkPlan(&in, today); err != nil {
					return err
				}
				c.Deadline = in.Deadline
				body += "（整顿期限延至 " + in.Deadline + "）"
			}
			err = bump(ctx, d, tx, c, "state = ?, deadline = ?", Rectifying, c.Deadline)
		}
		if err != nil {
			return err
		}
		if err := addReport(ctx, d, tx, c.ID, a.Kind, on, body, p.Username); err != nil {
			return err
		}
		if err := postTodos(ctx, tx, c, today); err != nil {
			return err
		}
		action := "weak.case.progress"
		switch a.Kind {
		case KindSubmit:
			action = "weak.case.submit"
		case KindAccept:
			action = "weak.case.accept"
		case KindReturn:
			action = "weak.case.return"
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "weak_case", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{Before: map[string]any{"state": before}, After: map[string]any{"state": c.State, "on": on.String(), "body": body, "deadline": c.Deadline}}})
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, p, id)
}
