package assess

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/cases"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// States of an innovation.
const (
	Registered = "registered" // 已登记，待上级审核
	Accepted   = "accepted"   // 列入容错清单
	Refused    = "refused"    // 不予列入
	Succeeded  = "succeeded"  // 报告成功
	Failed     = "failed"     // 报告未达预期
)

// InnovationStates names the states.
var InnovationStates = choice.List{{Code: Registered, Label: "待审核"}, {Code: Accepted, Label: "已列入容错清单"}, {Code: Refused, Label: "不予列入"}, {Code: Succeeded, Label: "取得成效"}, {Code: Failed, Label: "未达预期"}}

// Rulings on an outcome.
const (
	Credit  = "credit"  // 创新加分
	Exempt  = "exempt"  // 容错免责
	Penalty = "penalty" // 不予免责
)

// RulingLabels names the rulings.
var RulingLabels = choice.List{{Code: Credit, Label: "给予创新加分"}, {Code: Exempt, Label: "容错免责"}, {Code: Penalty, Label: "不予免责"}}

// srcInnovation is the upper organisation's 待办 of an innovation.
const srcInnovation = "assess.innovation"

// Innovation is one registered innovation.
type Innovation struct {
	ID           int64   `json:"id"`
	OrgID        int64   `json:"org_id"`
	OrgName      string  `json:"org_name"`
	UpperID      int64   `json:"upper_org_id"`
	Year         int     `json:"year"`
	Title        string  `json:"title"`
	Problem      string  `json:"problem"`
	Idea         string  `json:"idea"`
	Expected     string  `json:"expected"`
	Risks        string  `json:"risks"`
	PlannedStart string  `json:"planned_start"`
	RegisteredOn string  `json:"registered_on"`
	State        string  `json:"state"`
	StateLabel   string  `json:"state_label"`
	Sound        bool    `json:"sound"` // the upper organisation confirmed it is politically sound
	ReviewNote   string  `json:"review_note"`
	ReviewedOn   string  `json:"reviewed_on"`
	TriedFrom    string  `json:"tried_from"`
	OutcomeNote  string  `json:"outcome_note"`
	ReportedOn   string  `json:"reported_on"`
	Ruling       string  `json:"ruling"`
	RulingLabel  string  `json:"ruling_label"`
	Credit       float64 `json:"credit"`
	RulingNote   string  `json:"ruling_note"`
	RuledOn      string  `json:"ruled_on"`
	CaseID       int64   `json:"case_id,omitempty"`
	Version      int     `json:"version"`
	orgPath      string
}

// Effect says what the innovation does to its organisation's assessment.
func (in *Innovation) Effect() string {
	switch {
	case in.State == Succeeded && in.Ruling == Credit:
		return fmt.Sprintf("创新加分 +%.1f", in.Credit)
	case in.State == Failed && in.Ruling == Exempt:
		return "容错免责，不扣分"
	case in.State == Failed:
		return fmt.Sprintf("扣 %.1f 分", InnovationRules.FailPenalty)
	}
	return ""
}

const innovationCols = `i.id, i.org_id, o.name, o.path, COALESCE(o.parent_id, o.id), i.year, i.title, i.problem, i.idea, i.expected, i.risks, i.planned_start,
	i.registered_on, i.state, i.sound, i.review_note, COALESCE(i.reviewed_on, ''), COALESCE(i.tried_from, ''), i.outcome_note, COALESCE(i.reported_on, ''),
	i.ruling, i.credit, i.ruling_note, COALESCE(i.ruled_on, ''), COALESCE(i.case_id, 0), i.version`

const innovationFrom = ` FROM assess_innovations i JOIN orgs o ON o.id = i.org_id`

func scanInnovation(sc listing.Scanner) (*Innovation, error) {
	var in Innovation
	err := sc.Scan(&in.ID, &in.OrgID, &in.OrgName, &in.orgPath, &in.UpperID, &in.Year, &in.Title, &in.Problem, &in.Idea, &in.Expected, &in.Risks,
		&in.PlannedStart, &in.RegisteredOn, &in.State, &in.Sound, &in.ReviewNote, &in.ReviewedOn, &in.TriedFrom, &in.OutcomeNote, &in.ReportedOn,
		&in.Ruling, &in.Credit, &in.RulingNote, &in.RuledOn, &in.CaseID, &in.Version)
	in.StateLabel, in.RulingLabel = InnovationStates.Label(in.State), RulingLabels.Label(in.Ruling)
	return &in, err
}

// GetInnovation loads an innovation of an organisation in scope.
func GetInnovation(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Innovation, error) {
	in, err := scanInnovation(q.QueryRowContext(ctx, "SELECT "+innovationCols+innovationFrom+" WHERE i.id = ?", id))
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(in.orgPath)) {
		return nil, fail.NotFound()
	}
	return in, err
}

// InnovationFilter selects innovations.
type InnovationFilter struct {
	OrgID   int64
	Year    int
	State   string
	Page    int
	PerPage int // 0: all (the export)
}

// Innovations pages the innovations of the caller's scope, the ones
// waiting for a decision first; f.PerPage 0 holds them all.
func Innovations(ctx context.Context, d *core.Deps, p *auth.Principal, f InnovationFilter) (*listing.List[Innovation], error) {
	if f.State != "" && InnovationStates.Label(f.State) == "" {
		return nil, fail.Malformed("state", "状态应为 registered、accepted、refused、succeeded 或 failed")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		return nil, fail.Malformed("year", "年度应为四位年份，如 2026")
	}
	sub, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := sub.Where("o.path")
	if f.Year != 0 {
		w, args = w+" AND i.year = ?", append(args, f.Year)
	}
	if f.State != "" {
		w, args = w+" AND i.state = ?", append(args, f.State)
	}
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, innovationCols, innovationFrom+" WHERE "+w,
		`CASE WHEN i.state = 'registered' OR (i.state IN ('succeeded', 'failed') AND i.ruling = '') THEN 0 ELSE 1 END, i.registered_on DESC, i.id DESC`, args, scanInnovation)
}

// InnovationInput registers an innovation before it is tried.
type InnovationInput struct {
	OrgID        int64  `json:"org_id"`
	Title        string `json:"title"`
	Problem      string `json:"problem"`  // 要解决的问题
	Idea         string `json:"idea"`     // 创新思路
	Expected     string `json:"expected"` // 预期效果
	Risks        string `json:"risks"`    // 可能的风险
	PlannedStart string `json:"planned_start"`
}

func innovationTodo(in *Innovation, title string) todo.Item {
	return todo.Item{Source: srcInnovation, Key: fmt.Sprintf("i%d", in.ID), OrgID: in.UpperID, Title: title + "：" + in.Title,
		Detail: in.OrgName, Link: fmt.Sprintf("/assess/innovations/%d", in.ID), Severity: "info"}
}

// Register records an innovation of an organisation the caller
// administers. It must be registered before it starts: the planned start
// is today or later.
func Register(ctx context.Context, d *core.Deps, p *auth.Principal, in InnovationInput) (*Innovation, error) {
	for _, f := range []*string{&in.Title, &in.Problem, &in.Idea, &in.Expected, &in.Risks} {
		*f = strings.TrimSpace(*f)
	}
	today := civil.Today(d.Now())
	var dateErr *fail.Error
	start, err := civil.Parse(in.PlannedStart)
	if err != nil {
		dateErr = fail.Malformed("planned_start", "计划实施日期应为有效日期（如 2026-01-31）")
	} else if start.After(today.AddYears(1)) {
		dateErr = fail.Malformed("planned_start", "计划实施日期应在一年以内")
	}
	if err := fail.Collect(plaintext.Check("title", "创新项目名称", in.Title, true, 60, false), plaintext.Check("problem", "要解决的问题", in.Problem, true, 2000, true),
		plaintext.Check("idea", "创新思路", in.Idea, true, 2000, true), plaintext.Check("expected", "预期效果", in.Expected, true, 2000, true),
		plaintext.Check("risks", "可能的风险", in.Risks, true, 2000, true), dateErr); err != nil {
		return nil, err
	}
	if start.Before(today) {
		return nil, fail.Rule(rulePrior, citePrior, fmt.Sprintf("计划实施日期 %s 已过：创新事项须在实施前登记，已经开始的不能补登", start))
	}
	var id int64
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		now := d.Now().UnixMilli()
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO assess_innovations (org_id, year, title, problem, idea, expected, risks, planned_start, registered_on, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, in.OrgID, start.Year(), in.Title, in.Problem, in.Idea, in.Expected, in.Risks, start.String(), today.String(), now, now)
		if err != nil {
			return err
		}
		got, err := GetInnovation(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := todo.Post(ctx, tx, innovationTodo(got, "审核创新事项")); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.innovation.register", ObjectType: "assess_innovation", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetInnovation(ctx, d.DB, p, id)
}

// step changes an innovation in one transaction: load it in scope, let
// check refuse or fill the new values, write them at the version read.
func step(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int, action string, upper bool,
	check func(in *Innovation) (set string, args []any, detail any, err error)) (*Innovation, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		in, err := GetInnovation(ctx, tx, p, id)
		if err != nil {
			return err
		}
		who := in.OrgID
		if upper {
			who = in.UpperID
		}
		if _, err := org.WritablePath(ctx, tx, p, who); err != nil {
			return err
		}
		if version != 0 && version != in.Version {
			return fail.Conflict("这项创新已被他人修改，请刷新后重试")
		}
		set, args, detail, err := check(in)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE assess_innovations SET "+set+", updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			append(args, d.Now().UnixMilli(), id, in.Version)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这项创新已被他人修改，请刷新后重试")
		}
		after, err := GetInnovation(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := syncInnovationTodo(ctx, tx, after); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "assess_innovation", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"state": in.State, "ruling": in.Ruling}, After: detail}})
	})
	if err != nil {
		return nil, err
	}
	return GetInnovation(ctx, d.DB, p, id)
}

// syncInnovationTodo keeps the upper organisation's 待办: a review while
// registered, a ruling once an outcome is reported, nothing after.
func syncInnovationTodo(ctx context.Context, tx *db.Tx, in *Innovation) error {
	switch {
	case in.State == Registered:
		return todo.Post(ctx, tx, innovationTodo(in, "审核创新事项"))
	case (in.State == Succeeded || in.State == Failed) && in.Ruling == "":
		return todo.Post(ctx, tx, innovationTodo(in, map[bool]string{true: "评定创新成效", false: "认定容错免责"}[in.State == Succeeded]))
	}
	return todo.Close(ctx, tx, srcInnovation, fmt.Sprintf("i%d", in.ID))
}

// InnovationReview is the upper organisation's check: accept into the 容错
// list (only once it is confirmed politically sound) or refuse.
type InnovationReview struct {
	Accept  bool   `json:"accept"`
	Sound   bool   `json:"sound"` // 政治方向正确 confirmed
	Note    string `json:"note"`
	Version int    `json:"version"`
}

// ReviewInnovation accepts or refuses a registered innovation.
func ReviewInnovation(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, rv InnovationReview) (*Innovation, error) {
	rv.Note = strings.TrimSpace(rv.Note)
	if err := fail.Collect(plaintext.Check("note", "审核意见", rv.Note, !rv.Accept, 1000, true)); err != nil {
		return nil, err
	}
	if rv.Accept && !rv.Sound {
		return nil, fail.Rule(ruleSound, citeSound, "列入容错清单前须确认该创新事项政治方向正确")
	}
	today := civil.Today(d.Now()).String()
	return step(ctx, d, p, id, rv.Version, "assess.innovation.review", true, func(in *Innovation) (string, []any, any, error) {
		if in.State != Registered {
			return "", nil, nil, fail.Conflict("这项创新已审核（" + in.StateLabel + "），不能重复审核")
		}
		state := Refused
		if rv.Accept {
			state = Accepted
		}
		return "state = ?, sound = ?, review_note = ?, reviewed_on = ?", []any{state, db.Int(rv.Sound), rv.Note, today}, rv, nil
	})
}

// Outcome is the organisation's report of how the innovation went.
type Outcome struct {
	Succeeded bool   `json:"succeeded"`
	TriedFrom string `json:"tried_from"` // when it actually started
	Note      string `json:"note"`
	Version   int    `json:"version"`
}

// ReportOutcome records success or failure of an innovation on the 容错
// list. It cannot have started before it was registered.
func ReportOutcome(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, oc Outcome) (*Innovation, error) {
	oc.Note = strings.TrimSpace(oc.Note)
	today := civil.Today(d.Now())
	var dateErr *fail.Error
	from, err := civil.Parse(oc.TriedFrom)
	if err != nil {
		dateErr = fail.Malformed("tried_from", "实际实施日期应为有效日期（如 2026-01-31）")
	} else if from.After(today) {
		dateErr = fail.Malformed("tried_from", "实际实施日期不能晚于今天")
	}
	if err := fail.Collect(dateErr, plaintext.Check("note", "实施情况", oc.Note, true, 4000, true)); err != nil {
		return nil, err
	}
	return step(ctx, d, p, id, oc.Version, "assess.innovation.outcome", false, func(in *Innovation) (string, []any, any, error) {
		if in.State != Accepted {
			return "", nil, nil, fail.Conflict("只有列入容错清单的创新事项才报告实施结果（当前：" + in.StateLabel + "）")
		}
		if from.String() < in.RegisteredOn {
			return "", nil, nil, fail.Rule(rulePrior, citePrior, fmt.Sprintf("实际实施日期 %s 早于登记日期 %s：创新事项须在实施前登记", from, in.RegisteredOn))
		}
		state := Failed
		if oc.Succeeded {
			state = Succeeded
		}
		return "state = ?, tried_from = ?, outcome_note = ?, reported_on = ?", []any{state, from.String(), oc.Note, today.String()}, oc, nil
	})
}

// Ruling is the upper organisation's decision on an outcome: a credit for
// a success; 容错免责 or a penalty for a failure.
type Ruling struct {
	Ruling  string  `json:"ruling"`
	Credit  float64 `json:"credit"` // for a credit: 0 < credit ≤ InnovationRules.CreditEach
	Note    string  `json:"note"`
	Version int     `json:"version"`
}

// Rule decides an outcome. 容错免责 needs the innovation to have been on
// the 容错 list before it was tried.
func Rule(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, ru Ruling) (*Innovation, error) {
	ru.Note = strings.TrimSpace(ru.Note)
	var rErr *fail.Error
	if RulingLabels.Label(ru.Ruling) == "" {
		rErr = fail.Malformed("ruling", "请选择给予创新加分、容错免责或不予免责")
	}
	if err := fail.Collect(rErr, plaintext.Check("note", "认定意见", ru.Note, true, 2000, true)); err != nil {
		return nil, err
	}
	today := civil.Today(d.Now()).String()
	return step(ctx, d, p, id, ru.Version, "assess.innovation.rule", true, func(in *Innovation) (string, []any, any, error) {
		if in.Ruling != "" {
			return "", nil, nil, fail.Conflict("这项创新已认定为“" + in.RulingLabel + "”，不能重复认定")
		}
		switch {
		case in.State != Succeeded && in.State != Failed:
			return "", nil, nil, fail.Conflict("尚未报告实施结果，不能认定（当前：" + in.StateLabel + "）")
		case ru.Ruling == Credit && in.State != Succeeded:
			return "", nil, nil, fail.NotAllowed("ruling", "未达预期的创新事项不能给予创新加分")
		case ru.Ruling != Credit && in.State == Succeeded:
			return "", nil, nil, fail.NotAllowed("ruling", "取得成效的创新事项应给予创新加分")
		case ru.Ruling == Credit && (ru.Credit <= 0 || ru.Credit > InnovationRules.CreditEach || ru.Credit != round1(ru.Credit)):
			return "", nil, nil, fail.Rule(ruleCredit, citeCredit, fmt.Sprintf("创新加分应大于 0、不超过 %.1f 分，至多一位小数", InnovationRules.CreditEach))
		case ru.Ruling == Exempt && in.TriedFrom < in.ReviewedOn:
			return "", nil, nil, fail.Rule(ruleExempt, citeExempt, fmt.Sprintf("该事项 %s 开始实施，%s 才列入容错清单，不符合容错免责条件", in.TriedFrom, in.ReviewedOn))
		}
		if ru.Ruling != Credit {
			ru.Credit = 0
		}
		return "ruling = ?, credit = ?, ruling_note = ?, ruled_on = ?", []any{ru.Ruling, ru.Credit, ru.Note, today}, ru, nil
	})
}

// ToLibrary puts a credited innovation into the case library as a
// featured case of its organisation (the upper organisation decides), once.
func ToLibrary(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int) (*Innovation, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		in, err := GetInnovation(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, in.UpperID); err != nil {
			return err
		}
		switch {
		case in.CaseID != 0:
			return fail.Conflict("这项创新已收入案例库")
		case in.State != Succeeded || in.Ruling != Credit:
			return fail.NotAllowed("id", "取得成效并给予创新加分的创新事项才能收入案例库")
		case version != 0 && version != in.Version:
			return fail.Conflict("这项创新已被他人修改，请刷新后重试")
		}
		caseID, err := cases.CreateIn(ctx, tx, d, p, cases.Input{OrgID: in.OrgID, Title: in.Title, Origin: "internal", Source: in.OrgName,
			Problem: in.Problem, Practice: in.Idea, Effect: in.OutcomeNote}, in.ID, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE assess_innovations SET case_id = ?, updated_at = ?, version = version + 1 WHERE id = ?", caseID, d.Now().UnixMilli(), id); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.innovation.case", ObjectType: "assess_innovation", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"case_id": caseID}})
	})
	if err != nil {
		return nil, err
	}
	return GetInnovation(ctx, d.DB, p, id)
}
