package develop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/rules"
	"hongdun/internal/wartime"
)

// Input is what a caller submits for a step or an event. Which fields
// matter depends on the step (see the form of each step).
type Input struct {
	Step           int         `json:"step,omitempty"`
	Date           string      `json:"date"`
	OrgID          int64       `json:"org_id,omitempty"`     // the organisation acting, for the upper 党委's steps
	PersonIDs      []int64     `json:"person_ids,omitempty"` // 培养联系人 or 入党介绍人
	Vote           *rules.Vote `json:"vote,omitempty"`
	ExpectedReason string      `json:"expected_reason,omitempty"` // why 应到 differs from the roster
	Recommendation string      `json:"recommendation,omitempty"`  // 党员推荐 or 群团推优
	VettingPassed  *bool       `json:"vetting_passed,omitempty"`
	TrainingDays   int         `json:"training_days,omitempty"`
	TrainingHours  int         `json:"training_hours,omitempty"`
	LeavingOn      string      `json:"leaving_on,omitempty"`
	Opinion        string      `json:"opinion,omitempty"`
	Publicity      string      `json:"publicity,omitempty"` // candidate or admission
	Months         int         `json:"months,omitempty"`
	Waives         []string    `json:"waives,omitempty"`
	DocNo          string      `json:"doc_no,omitempty"`
	ApprovedOn     string      `json:"approved_on,omitempty"`
	Performance    string      `json:"performance,omitempty"`
	// The response event and performance records a shortening or an
	// exception rests on (战时党建工作响应, internal/wartime).
	EventID   int64   `json:"event_id,omitempty"`
	RecordIDs []int64 `json:"record_ids,omitempty"`
}

// Result is the answer to a recorded action.
type Result struct {
	Case     *Case           `json:"case"`
	Record   *Record         `json:"record"`
	Warnings []rules.Finding `json:"warnings"`
	Waived   []rules.Finding `json:"waived"`
	// Replayed is true when the same submission had already been applied.
	Replayed bool `json:"replayed"`
	// Notice says what the system chose for the caller, e.g. which 党委
	// it credited when the request named no organisation.
	Notice string `json:"notice,omitempty"`
}

func dedupKey(kind string, in Input, d civil.Date) string {
	switch kind {
	case rules.ActStep:
		// A step that may be recorded again is keyed by its date too.
		if def, _ := rules.Step(in.Step); def.Repeat != "" {
			return fmt.Sprintf("step:%d:%s", in.Step, d)
		}
		return fmt.Sprintf("step:%d", in.Step)
	case rules.ActPublicity:
		return "publicity:" + in.Publicity + ":" + d.String()
	case rules.ActReview:
		return "review:" + d.String()
	case rules.ActExtend:
		return "extend:" + d.String()
	}
	return kind
}

func parseDate(field, s string, today civil.Date, required bool) (civil.Date, error) {
	if s == "" {
		if required {
			return civil.Date{}, fail.Malformed(field, "请填写日期")
		}
		return civil.Date{}, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return d, fail.Malformed(field, err.Error())
	}
	if field != "leaving_on" && d.After(today) {
		return d, fail.NotAllowed(field, "日期不能晚于今天（"+today.Chinese()+"）：只记录已经发生的事项")
	}
	return d, nil
}

// refusal turns a verdict's refusals into one 422 naming the first rule.
func refusal(v rules.Verdict) error {
	msgs := make([]string, len(v.Refusals))
	for i, f := range v.Refusals {
		msgs[i] = f.Message
	}
	first := v.Refusals[0]
	// The action is possible on a later date only if every refusal says so.
	for _, f := range v.Refusals {
		if f.Possible == "" {
			first.Possible = ""
			break
		}
		first.Possible = max(first.Possible, f.Possible)
	}
	return ruleError(first, strings.Join(msgs, "；"))
}

// ruleError is a rule's refusal with its Chinese name and computed dates.
func ruleError(f rules.Finding, msg string) error {
	return fail.Rule(f.Rule, f.Citation, msg).Titled(ruleTitle(f.Rule), f.Possible, f.Due)
}

// Apply records one action on a case in scope: it checks the rules,
// refuses with 422 and changes nothing, or writes the record, the person's
// status, the deadlines and the audit entry in one transaction. A repeated
// submission returns the first result with Replayed set.
func Apply(ctx context.Context, d *core.Deps, p *auth.Principal, caseID int64, kind string, in Input) (*Result, error) {
	today := civil.Today(d.Now())
	date, err := parseDate("date", in.Date, today, true)
	if err != nil {
		return nil, err
	}
	c, err := loadCase(ctx, d.DB, p, caseID)
	if err != nil {
		return nil, err
	}
	key := dedupKey(kind, in, date)
	for i := range c.Records {
		r := &c.Records[i]
		if dedupKey(r.Kind, Input{Step: r.Step, Publicity: r.Data.Publicity}, mustDate(r.Date)) == key {
			if r.Date == date.String() {
				if err := replayConflict(in, r.Date, r); err != nil {
					return nil, err
				}
				return &Result{Case: c, Record: r, Warnings: r.Warnings, Waived: r.Data.Waived, Replayed: true}, nil
			}
			return nil, fail.Conflict(fmt.Sprintf("该事项已于%s记录，不能重复记录", mustDate(r.Date).Chinese()))
		}
	}
	if !p.Writes() {
		return nil, fail.Forbidden()
	}
	e, err := engine(ctx, d.DB, c.RuleSet)
	if err != nil {
		return nil, err
	}
	f := c.facts()
	if kind == rules.ActStep && in.Step > 17 {
		if f.TransferredIn, err = transferredAfter(ctx, d.DB, c.PersonID, f.Done[17]); err != nil {
			return nil, err
		}
	}
	a, data, actor, err := buildAction(ctx, d.DB, p, c, kind, in, date)
	if err != nil {
		return nil, err
	}
	if kind == rules.ActStep && in.Step == 17 {
		if a.Quota, err = quotaFor(ctx, d.DB, actor.ID, date.Year()); err != nil {
			return nil, err
		}
	}
	v := e.Check(f, a)
	if !v.OK() {
		return nil, refusal(v)
	}
	data.Waived = v.Waived
	rec := &Record{Kind: kind, Step: in.Step, Date: date.String(), Data: *data, Warnings: v.Warnings, Actor: p.Username, CreatedAt: d.Now().UnixMilli()}
	if kind != rules.ActStep {
		rec.Step = 0
	}
	if actor != nil {
		rec.OrgID, rec.OrgName = actor.ID, actor.Name
	}
	if err := breaks(e, c, *rec, "记录"); err != nil {
		return nil, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		return write(ctx, d, tx, c, rec, key, today, e)
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("该事项刚刚已被记录，请刷新页面查看")
	}
	if err != nil {
		return nil, err
	}
	c, err = loadCase(ctx, d.DB, p, caseID)
	if err != nil {
		return nil, err
	}
	if rec.Warnings == nil {
		rec.Warnings = []rules.Finding{}
	}
	return &Result{Case: c, Record: rec, Warnings: rec.Warnings, Waived: v.Waived, Notice: data.notice}, nil
}

// breaks refuses a record that, entered between records already there,
// would make one of them break a rule (named), whatever the order of entry.
func breaks(e *rules.Engine, c *Case, rec Record, verb string) error {
	switch rec.Kind {
	case rules.ActStep, rules.ActPublicity, rules.ActExtend:
	default:
		return nil
	}
	all := append(slices.Clone(c.Records), rec)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Date < all[j].Date })
	if b := e.Recheck(factsOf(c, all), rec.Step); b != nil {
		return ruleError(b.Finding, fmt.Sprintf("%s后，已记录的%s将不符合规定：%s", verb, b.Name(), b.Finding.Message))
	}
	return nil
}

// buildAction resolves the people, organisation, roster count and vote of
// an input into a rules.Action.
func buildAction(ctx context.Context, q db.Querier, p *auth.Principal, c *Case, kind string, in Input, date civil.Date) (rules.Action, *Data, *org.Org, error) {
	if f, msg := plaintext.First(plaintext.Field{Name: "opinion", Label: "意见", Value: in.Opinion, Multiline: true},
		plaintext.Field{Name: "expected_reason", Label: "应到人数说明", Value: in.ExpectedReason, Multiline: true},
		plaintext.Field{Name: "recommendation", Label: "推荐方式", Value: in.Recommendation},
		plaintext.Field{Name: "doc_no", Label: "文号", Value: in.DocNo},
		plaintext.Field{Name: "performance", Label: "现实表现", Value: in.Performance, Multiline: true}); msg != "" {
		return rules.Action{}, nil, nil, fail.Malformed(f, msg)
	}
	a := rules.Action{Kind: kind, Step: in.Step, Date: date, Publicity: in.Publicity, Months: in.Months, Recommendation: in.Recommendation, Vote: in.Vote,
		TrainingDays: in.TrainingDays, TrainingHours: in.TrainingHours}
	data := &Data{Vote: in.Vote, Recommendation: in.Recommendation, VettingPassed: in.VettingPassed, TrainingDays: in.TrainingDays,
		TrainingHours: in.TrainingHours, Publicity: in.Publicity, Months: in.Months, Opinion: strings.TrimSpace(in.Opinion),
		ExpectedReason: strings.TrimSpace(in.ExpectedReason), LeavingOn: in.LeavingOn}
	var err error
	if a.LeavingOn, err = parseDate("leaving_on", in.LeavingOn, date, false); err != nil {
		return a, nil, nil, err
	}
	if in.VettingPassed != nil {
		a.VettingPassed = *in.VettingPassed
	}
	def, _ := rules.Def(kind, in.Step)
	if kind == rules.ActStep && def.Has(rules.FieldVetting) && in.VettingPassed == nil {
		return a, nil, nil, fail.Malformed("vetting_passed", "请填写政治审查结论（合格或不合格）")
	}
	if kind == rules.ActStep && def.Has(rules.FieldPeople) {
		if a.People, err = people(ctx, q, p, in.PersonIDs, c.PersonID, date); err != nil {
			return a, nil, nil, err
		}
		data.People = a.People
	}
	actor, notice, err := actingOrg(ctx, q, c, kind, in)
	if err != nil {
		return a, nil, nil, err
	}
	data.notice = notice
	if actor != nil {
		a.Org = ruleOrg(actor)
		if err := decidedAbove(p, c, def, actor); err != nil {
			return a, nil, nil, err
		}
	}
	if def.Has(rules.FieldVote) {
		if a.BranchFull, err = fullMembersOn(ctx, q, c.OrgID, date.String()); err != nil {
			return a, nil, nil, err
		}
		data.BranchFull = a.BranchFull
		if in.Vote != nil && in.Vote.Expected != a.BranchFull && data.ExpectedReason == "" {
			return a, nil, nil, fail.Malformed("expected_reason", fmt.Sprintf("应到人数（%d）与会议当日支部正式党员名册（%d人）不一致，请填写更正理由", in.Vote.Expected, a.BranchFull))
		}
	}
	if kind == rules.ActExtendMeeting || kind == rules.ActCancelMeeting {
		if data.Opinion == "" {
			return a, nil, nil, fail.Malformed("opinion", "请填写理由")
		}
	}
	if kind == rules.ActExtend {
		// The 党委 approves the months the 支部大会 voted.
		a.Months, data.Months = 0, 0
		for _, r := range c.Records {
			if r.Kind == rules.ActExtendMeeting {
				a.Months, data.Months = r.Data.Months, r.Data.Months
			}
		}
	}
	if kind == rules.ActException {
		on, err := parseDate("approved_on", in.ApprovedOn, date, true)
		if err != nil {
			return a, nil, nil, err
		}
		x := &rules.Exception{Reason: data.Opinion, Waives: in.Waives, DocNo: strings.TrimSpace(in.DocNo), ApprovedOn: on}
		if actor != nil {
			x.ApprovedBy = ruleOrg(actor)
		}
		a.Exception, data.Exception, data.ApprovedOn, data.Performance = x, x, on.String(), strings.TrimSpace(in.Performance)
		if in.EventID != 0 || len(in.RecordIDs) > 0 {
			if data.Evidence, err = wartime.EvidenceOf(ctx, q, c.PersonID, in.EventID, in.RecordIDs); err != nil {
				return a, nil, nil, err
			}
		}
	}
	if kind == rules.ActShorten {
		if err := shortening(ctx, q, c, in, date, actor, &a, data); err != nil {
			return a, nil, nil, err
		}
	}
	return a, data, actor, nil
}

// shortening builds an approved shorter 培养期 (适当缩短成为发展对象时间):
// the months, the approving 党委 and its document, and the response event
// and performance records of the person it rests on. The rules engine
// judges the rest (R-shorten).
func shortening(ctx context.Context, q db.Querier, c *Case, in Input, date civil.Date, actor *org.Org, a *rules.Action, data *Data) error {
	if in.Months <= 0 {
		return fail.Malformed("months", "请填写缩短后的培养期（月）")
	}
	ev, err := wartime.EvidenceOf(ctx, q, c.PersonID, in.EventID, in.RecordIDs)
	if err != nil {
		return err
	}
	if ev.Standout && date.String() < ev.StandoutOn {
		return fail.NotAllowed("date", "批准日期不能早于认定表现突出的日期（"+ev.StandoutOn+"）")
	}
	x := &rules.Shortening{Months: in.Months, DocNo: strings.TrimSpace(in.DocNo), Event: ev.EventTitle, Records: len(ev.Records), Standout: ev.Standout}
	if actor != nil {
		x.ApprovedBy = ruleOrg(actor)
	}
	a.Shortening, data.Shortening, data.Evidence, data.Months = x, x, ev, 0
	return nil
}

// actingOrg is the organisation acting: an ancestor of the case's
// organisation (or itself); by default the branch for its own steps and the
// nearest 党委 with 审批权限 for the upper steps, said in the notice. A
// 临时党组织 named is returned for the rules to refuse (R-approver).
func actingOrg(ctx context.Context, q db.Querier, c *Case, kind string, in Input) (o *org.Org, notice string, err error) {
	def, isDef := rules.Def(kind, in.Step)
	if in.OrgID != 0 {
		o, err := getOrg(ctx, q, in.OrgID)
		approves := isDef && def.Acting == rules.ByApprover
		if err == nil && (ruleOrg(o).Temporary() || approves && !ruleOrg(o).CanApprove) {
			return o, "", nil // the rules refuse it by name (R-approver)
		}
		if err != nil || !scope.Under(o.Path).Contains(c.OrgPath) {
			return nil, "", fail.Malformed("org_id", "办理组织须为本档案所在党组织或其上级党组织")
		}
		return o, "", nil
	}
	upper := kind == rules.ActException || kind == rules.ActShorten || isDef && def.Upper()
	if !upper {
		o, err := getOrg(ctx, q, c.OrgID)
		return o, "", err
	}
	if o, err = org.Approver(ctx, q, c.OrgPath); err != nil {
		return nil, "", err
	}
	if o == nil {
		return nil, "", ruleRefusal(c, "R-approver", "本档案所在党组织之上没有具有审批权限的党委，请指定办理的党委")
	}
	if kind == rules.ActStep && def.Acting == rules.ByAbove && o.ParentID != 0 {
		if o, err = getOrg(ctx, q, o.ParentID); err != nil {
			return nil, "", err
		}
	}
	return o, fmt.Sprintf("未指定办理组织，已记为「%s」办理（本档案所在党组织之上最近的具有审批权限的党委%s）；如由其他党委办理，请更正该记录",
		o.Name, map[bool]string{true: "的上一级", false: ""}[def.Acting == rules.ByAbove && kind == rules.ActStep]), nil
}

// decidedAbove refuses a decision of a 党委 with 审批权限 (预审, talk,
// approval, the approval of a cancellation: R-approver) recorded by an
// account whose scope does not hold that 党委, e.g. a branch recording its
// own admission. An organisation that cannot approve is left to the
// rules, which refuse it by name.
func decidedAbove(p *auth.Principal, c *Case, def rules.StepDef, actor *org.Org) error {
	if def.Acting != rules.ByApprover || !ruleOrg(actor).CanApprove || ruleOrg(actor).Temporary() || scope.Of(p).Contains(actor.Path) {
		return nil
	}
	return ruleRefusal(c, "R-approver", decidedAboveMessage(def, actor))
}

// decidedAboveMessage says who records the decision def of the 党委 actor.
func decidedAboveMessage(def rules.StepDef, actor *org.Org) string {
	return fmt.Sprintf("「%s」由「%s」办理，须由该党委或其上级党组织的党务管理员记录，本账号不能代为记录", def.Name, actor.Name)
}

// ruleRefusal is a refusal under a rule of the case's set, with its title.
func ruleRefusal(c *Case, id, msg string) error {
	set, _ := rules.Get(c.RuleSet)
	if set == nil {
		set, _ = rules.Get(rules.DefaultSet)
	}
	r := set.Rule(id)
	return fail.Rule(r.ID, r.Citation, msg).Titled(r.Title, "", "")
}

// people resolves 培养联系人 or 入党介绍人: persons in the caller's scope,
// under 留党察看 on the date when one began by then and is not ended.
func people(ctx context.Context, q db.Querier, p *auth.Principal, ids []int64, self int64, on civil.Date) ([]rules.Person, error) {
	out := []rules.Person{}
	for _, id := range ids {
		if id == self {
			return nil, fail.NotAllowed("person_ids", "不能指定本人")
		}
		pr, err := member.GetIn(ctx, q, scope.Of(p), id)
		if errors.Is(err, db.ErrNotFound) {
			return nil, fail.NotAllowed("person_ids", fmt.Sprintf("人员 %d 不存在或不在管辖范围内", id))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rules.Person{ID: pr.ID, Name: pr.Name, Status: pr.Status, Disciplined: observedOn(pr.ObservedSince, on)})
	}
	return out, nil
}

// observedOn reports a 留党察看 begun on since (""：none) as in force on a date.
func observedOn(since string, on civil.Date) bool { return since != "" && since <= on.String() }

// transferredAfter reports a 组织关系转入 after the admission.
func transferredAfter(ctx context.Context, q db.Querier, personID int64, admitted civil.Date) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM person_events WHERE person_id = ? AND kind = 'transfer_in' AND on_date > ?", personID, admitted.String()).Scan(&n)
	return n > 0, err
}

// write stores a checked record and its consequences in tx.
func write(ctx context.Context, d *core.Deps, tx *db.Tx, c *Case, rec *Record, key string, today civil.Date, e *rules.Engine) error {
	data, _ := json.Marshal(rec.Data)
	warn, _ := json.Marshal(rec.Warnings)
	var org any
	if rec.OrgID != 0 {
		org = rec.OrgID
	}
	id, err := db.InsertID(ctx, tx, "INSERT INTO dev_records (case_id, kind, step, on_date, org_id, data, warnings, dedup, actor, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
		c.ID, rec.Kind, rec.Step, rec.Date, org, string(data), string(warn), key, rec.Actor, rec.CreatedAt)
	if err != nil {
		return err
	}
	rec.ID = id
	c.Records = append(c.Records, *rec)
	f := c.facts()
	if err := personEvent(ctx, tx, c, rec, f, e, today); err != nil {
		return err
	}
	status := c.Status
	switch {
	case rec.Kind == rules.ActCancel:
		status = "cancelled"
	case rec.Kind == rules.ActStep && rec.Step == 24:
		status = "converted"
	}
	fasttrack := f.Exception != nil
	lastStep, lastDate := c.LastStep, c.LastDate
	if rec.Kind == rules.ActStep && rec.Step >= lastStep {
		lastStep, lastDate = rec.Step, rec.Date
	}
	res, err := tx.ExecContext(ctx, "UPDATE dev_cases SET org_id = ?, status = ?, last_step = ?, last_date = ?, fasttrack = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		c.OrgID, status, lastStep, lastDate, db.Int(fasttrack), rec.CreatedAt, c.ID, c.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fail.Conflict("该档案已被他人修改，请刷新页面后重试")
	}
	c.Status = status
	if err := syncDeadlines(ctx, tx, c, f, e, today, rec.CreatedAt); err != nil {
		return err
	}
	return d.Audit.Write(ctx, tx, audit.Event{Action: "develop." + rec.Kind, ObjectType: "dev_case", ObjectID: fmt.Sprint(c.ID),
		Detail: audit.Change{After: map[string]any{"person_id": c.PersonID, "kind": rec.Kind, "step": rec.Step, "date": rec.Date, "org_id": rec.OrgID,
			"data": rec.Data, "warnings": rec.Warnings, "status": status}}})
}

// personEvent updates the person's status and dates for the steps that
// change them, through the member registry in the same transaction.
func personEvent(ctx context.Context, tx *db.Tx, c *Case, rec *Record, f rules.Facts, e *rules.Engine, today civil.Date) error {
	var kind, on, from, to string
	switch rec.Kind {
	case rules.ActStep:
		se, _ := rules.Step(rec.Step)
		if se.Event == "" {
			return nil
		}
		kind, from, to, on = se.Event, se.From, se.To, eventDate(se, mustDate(rec.Date), f, e)
	default:
		// A decision's approval takes effect in the registry.
		def, _ := rules.Def(rec.Kind, 0)
		if def.Event == "" {
			return nil
		}
		kind, from, to, on = def.Event, def.From, def.To, rec.Date
	}
	var status string
	if err := tx.QueryRowContext(ctx, "SELECT status FROM persons WHERE id = ?", c.PersonID).Scan(&status); err != nil {
		return err
	}
	if kind == "apply" && status == member.Masses {
		from = status // a 群众 who hands in an application becomes 申请人
	}
	if status != from && kind != "extend" && kind != "cancel" && devStage[status] >= devStage[to] {
		return nil // the registry already holds the status (a case entered after the fact)
	}
	if status != from {
		r := e.Set.Rule("R-sequence")
		return fail.Rule(r.ID, r.Citation, fmt.Sprintf("%s当前身份为「%s」，不能办理此步骤", c.PersonName, member.StatusLabel(status))).Titled(r.Title, "", "")
	}
	_, err := member.RecordEvent(ctx, tx, c.PersonID, member.Event{Kind: kind, OnDate: on, Note: "发展党员：" + stepLabel(rec)}, today)
	return err
}

// devStage orders the statuses on the path to membership.
var devStage = map[string]int{"applicant": 1, "activist": 2, "candidate": 3, "probationary": 4, "full": 5}

func stepLabel(r *Record) string {
	if r.Kind == rules.ActStep {
		s, _ := rules.Step(r.Step)
		return s.Name
	}
	return kindLabels[r.Kind]
}

// Title names a record for people: "第3步 推荐和确定入党积极分子", "公示（确定发展对象前）".
func (r Record) Title() string {
	switch r.Kind {
	case rules.ActStep:
		return fmt.Sprintf("第%d步 %s", r.Step, stepLabel(&r))
	case rules.ActPublicity:
		if r.Data.Publicity == "candidate" {
			return "公示（确定发展对象前）"
		}
		return "公示（接收预备党员前）"
	}
	return kindLabels[r.Kind]
}

// WaiveTitles names the rules an exception waives, in Chinese.
func (r Record) WaiveTitles() []string {
	if r.Data.Exception == nil {
		return nil
	}
	out := make([]string, len(r.Data.Exception.Waives))
	for i, id := range r.Data.Exception.Waives {
		out[i] = ruleTitle(id)
	}
	return out
}

var kindLabels = map[string]string{rules.ActPublicity: "公示", rules.ActReview: "培养考察",
	rules.ActExtendMeeting: rules.ExtendMeeting.Name, rules.ActExtend: rules.ExtendApproval.Name,
	rules.ActCancelMeeting: rules.CancelMeeting.Name, rules.ActCancel: rules.CancelApproval.Name, rules.ActException: "优先发展例外", rules.ActShorten: "缩短培养期"}
