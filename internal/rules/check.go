package rules

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"hongdun/internal/platform/calendar"
	"hongdun/internal/platform/civil"
)

// Engine judges actions with one rule set, its local overrides and the
// working-day calendar.
type Engine struct {
	Set       *Set
	Overrides []Override
	Calendar  *calendar.Calendar
	// params caches Params by date (and the number of overrides, which
	// are only ever added to): an import judges hundreds of thousands of
	// steps on a few hundred dates.
	params sync.Map
}

type paramsKey struct {
	on        civil.Date
	overrides int
}

// Params are the parameters in force on a date (Set.Resolve), shared:
// callers never change them.
func (e *Engine) Params(on civil.Date) Params {
	k := paramsKey{on, len(e.Overrides)}
	if p, ok := e.params.Load(k); ok {
		return p.(Params)
	}
	p := e.Set.Resolve(e.Overrides, on)
	e.params.Store(k, p)
	return p
}

// NewEngine returns an engine on the default set without overrides.
func NewEngine() *Engine {
	s, _ := Get(DefaultSet)
	return &Engine{Set: s, Calendar: calendar.New(nil)}
}

// judge collects findings for one check.
type judge struct {
	e *Engine
	p Params
	f Facts
	v Verdict
}

func (j *judge) add(kind Kind, rule string, possible civil.Date, format string, args ...any) {
	r := j.e.Set.Rule(rule)
	fd := Finding{Rule: rule, Citation: r.Citation, Message: fmt.Sprintf(format, args...), PossibleOn: possible}
	if !possible.IsZero() {
		fd.Possible = possible.String()
	}
	switch {
	case kind == Refuse && j.f.Exception.waives(rule):
		fd.Message += "（已依优先发展例外记录豁免）"
		j.v.Waived = append(j.v.Waived, fd)
	case kind == Refuse:
		j.v.Refusals = append(j.v.Refusals, fd)
	default:
		j.v.Warnings = append(j.v.Warnings, fd)
	}
}

// addDue adds a finding about a time limit that ended on due.
func (j *judge) addDue(kind Kind, rule string, due civil.Date, format string, args ...any) {
	j.add(kind, rule, civil.Date{}, format, args...)
	fs := &j.v.Warnings
	switch {
	case kind == Refuse && j.f.Exception.waives(rule):
		fs = &j.v.Waived
	case kind == Refuse:
		fs = &j.v.Refusals
	}
	(*fs)[len(*fs)-1].Due = due.String()
}

func (j *judge) refuse(rule, format string, args ...any) {
	j.add(Refuse, rule, civil.Date{}, format, args...)
}

func (j *judge) warn(rule, format string, args ...any) {
	j.add(Warn, rule, civil.Date{}, format, args...)
}

// PublicityEnd is the last day of a 公示 that starts on start.
func (e *Engine) PublicityEnd(p Params, start civil.Date) civil.Date {
	return e.Calendar.WorkingDays(start, p.Get("R-publicity", "working_days"))
}

// ProbationEnd is the day the 预备期 ends (the 转正 date), counting
// extensions; zero before the 支部大会 has passed the person.
func ProbationEnd(p Params, f Facts) civil.Date {
	d, ok := f.Done[15]
	if !ok {
		return civil.Date{}
	}
	months := p.Get("R-probation", "months")
	for _, m := range f.Extensions {
		months += m
	}
	return d.AddMonths(months)
}

// Check judges an action against the facts of a case.
func (e *Engine) Check(f Facts, a Action) Verdict {
	j := &judge{e: e, p: e.Params(a.Date), f: f}
	if a.Date.IsZero() {
		j.refuse("R-sequence", "须填写日期")
		return j.v
	}
	if f.Cancelled {
		j.refuse("R-sequence", "已取消预备党员资格，本档案不能再办理后续事项")
		return j.v
	}
	if a.Org.Temporary() {
		j.refuse("R-approver", "临时党组织「%s」不能办理发展党员的任何事项（接收、转正均不由临时党组织办理）", a.Org.Name)
		return j.v
	}
	switch a.Kind {
	case ActStep:
		j.step(a)
	case ActPublicity:
		j.publicity(a)
	case ActReview:
		j.need(3, "记录考察")
		j.notYet(7, "记录半年考察")
	case ActExtendMeeting, ActExtend, ActCancelMeeting, ActCancel:
		j.decision(a)
	case ActException:
		j.exception(a)
	case ActShorten:
		j.shorten(a)
	default:
		j.refuse("R-sequence", "未知的操作类型 %q", a.Kind)
	}
	return j.v
}

func stepName(n int) string { s, _ := Step(n); return fmt.Sprintf("第%d步「%s」", n, s.Name) }

// need refuses unless step n is recorded.
func (j *judge) need(n int, what string) bool {
	if _, ok := j.f.Done[n]; !ok {
		j.refuse("R-sequence", "须先完成%s，才能%s", stepName(n), what)
		return false
	}
	return true
}

// notYet refuses once step n is recorded.
func (j *judge) notYet(n int, what string) {
	if _, ok := j.f.Done[n]; ok {
		j.refuse("R-sequence", "%s已完成，不能再%s", stepName(n), what)
	}
}

func (j *judge) step(a Action) {
	def, ok := Step(a.Step)
	if !ok {
		j.refuse("R-sequence", "步骤编号 %d 无效，应为 1–25", a.Step)
		return
	}
	if !j.again(def, a.Date) {
		return
	}
	// While a decision the 支部大会 voted awaits the 党委, no 转正 step.
	for _, d := range Decisions {
		if met := j.f.Awaiting(d); !met.IsZero() && def.No >= 22 {
			j.refuse(d.Rule, "支部大会已于%s讨论%s，上级党委审批前不能办理%s", met.Chinese(), d.Subject, stepName(def.No))
			return
		}
	}
	for _, n := range def.Needs {
		if !j.need(n, "记录"+stepName(def.No)) {
			return
		}
	}
	if !j.order(def, a.Date) {
		return
	}
	j.timing(def, a)
	j.own(def, a)
}

// again refuses a step already recorded, unless it may be recorded again:
// a further record completing it (补训, 补充政审), or the 转正 steps after
// an extension of the 预备期 (dated on or after the extension).
func (j *judge) again(def StepDef, on civil.Date) bool {
	prev, done := j.f.Done[def.No]
	switch {
	case !done || def.Repeat == RepeatSupplement:
		return true
	case def.Repeat == RepeatExtension && !j.f.ExtendedOn.IsZero() && !prev.After(j.f.ExtendedOn):
		if on.Before(j.f.ExtendedOn) {
			j.add(Refuse, "R-probation", j.f.ExtendedOn, "延长预备期（%s）后重新记录%s，日期不得早于延长预备期的日期", j.f.ExtendedOn.Chinese(), stepName(def.No))
			return false
		}
		return true
	}
	j.refuse("R-sequence", "%s已记录（%s）；如需修改，请更正该记录", stepName(def.No), prev.Chinese())
	return false
}

// order compares the date with every other recorded step: a step may not
// be dated before an earlier step nor after a later one, whatever the
// order in which they were entered. A 转正 round superseded by an
// extension of the 预备期 is left out. The first records of steps keep the
// table's order; a further record completing a step (补训, 补充政审) need
// only precede the steps that require it, and a step that requires such a
// step follows its latest record.
func (j *judge) order(def StepDef, on civil.Date) bool {
	_, further := j.f.Done[def.No]
	further = further && def.Repeat == RepeatSupplement
	for _, m := range j.doneSteps() {
		if m == def.No || j.superseded(def, m, on) {
			continue
		}
		if m < def.No {
			d := j.f.Done[m]
			if !def.Follows(m) {
				d = j.f.first(m)
			}
			if on.Before(d) {
				j.add(Refuse, "R-sequence", d, "%s的日期不得早于%s的日期（%s）", stepName(def.No), stepName(m), d.Chinese())
				return false
			}
			continue
		}
		later, _ := Step(m)
		if further && !later.Follows(def.No) {
			continue
		}
		if d := j.f.first(m); on.After(d) {
			j.add(Refuse, "R-sequence", civil.Date{}, "%s的日期不得晚于已记录的%s的日期（%s）", stepName(def.No), stepName(m), d.Chinese())
			return false
		}
	}
	return true
}

// superseded reports step m as a 转正 round before an extension that a
// step dated on or after it renews.
func (j *judge) superseded(def StepDef, m int, on civil.Date) bool {
	s, _ := Step(m)
	x := j.f.ExtendedOn
	return s.Repeat == RepeatExtension && def.Repeat == RepeatExtension && !x.IsZero() && !j.f.Done[m].After(x) && !on.Before(x)
}

func (j *judge) doneSteps() []int {
	ns := make([]int, 0, len(j.f.Done))
	for n := range j.f.Done {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns
}

// timing judges the rules that compare the step's date with other records.
func (j *judge) timing(def StepDef, a Action) {
	for _, p := range Publicities {
		if p.Before == def.No {
			j.publicityDone(j.f.publicityStart(p.Kind), a.Date, p.Name, "记录"+stepName(def.No))
		}
	}
	switch def.No {
	case 2:
		if due := j.f.Done[1].AddMonths(j.p.Get("R-talk", "months")); a.Date.After(due) {
			j.addDue(Warn, "R-talk", due, "谈话晚于规定期限（应于%s前谈话），已记为逾期", due.Chinese())
		}
	case 3:
		if m := j.p.Get("R-activist", "min_months_after_application"); m > 0 {
			if on := j.f.Done[1].AddMonths(m); a.Date.Before(on) {
				j.add(Refuse, "R-activist", on, "递交入党申请书%d个月后方可确定为入党积极分子，可于%s（含）后确定", m, on.Chinese())
			}
		}
	case 7:
		j.target(a)
	case 12:
		j.committeeReview(a)
	case 17:
		j.approvalTime(a)
	case 20:
		if m := j.p.Get("R-oath", "warn_months"); m > 0 {
			if due := j.f.Done[17].AddMonths(m); a.Date.After(due) {
				j.addDue(Warn, "R-oath", due, "入党宣誓晚于审批后%d个月（应于%s前）", m, due.Chinese())
			}
		}
	case 23:
		j.conversionMeeting(a)
	case 24:
		if x := j.f.ExtendedOn; !x.IsZero() && !j.f.Done[23].After(x) {
			j.refuse("R-probation", "预备期已于%s延长，须在延长的预备期满后重新召开支部大会讨论转正", x.Chinese())
		}
		if due := j.f.Done[23].AddMonths(j.p.Get("R-conversion", "approval_months")); a.Date.After(due) {
			j.addDue(Warn, "R-conversion", due, "转正审批晚于支部大会后%d个月（应于%s前）", j.p.Get("R-conversion", "approval_months"), due.Chinese())
		}
	}
}

// own judges what the record itself holds: age, how an activist was
// found, the people named, a vote, the acting organisation, the plan.
// A correction of another record leaves these standing.
func (j *judge) own(def StepDef, a Action) {
	switch def.No {
	case 1:
		j.age(a)
	case 3:
		if a.Recommendation != "党员推荐" && a.Recommendation != "群团推优" {
			j.refuse("R-activist", "入党积极分子须经党员推荐或群团组织推优产生")
		}
	}
	if def.Has(FieldPeople) {
		if def.PeopleRule == "R-introducers" {
			n := j.p.Get("R-introducers", "count")
			j.people(a, def.PeopleRule, def.PeopleRole, n, n)
		} else {
			j.people(a, def.PeopleRule, def.PeopleRole, j.p.Get("R-contacts", "min"), j.p.Get("R-contacts", "max"))
		}
	}
	if def.Has(FieldVote) {
		what := map[bool]string{true: "接收预备党员", false: "预备党员转正"}[def.Stage == 4]
		j.vote(a, what)
	}
	if def.Has(FieldLeaving) && !a.LeavingOn.IsZero() && !a.LeavingOn.After(a.Date.AddMonths(j.p.Get("R-leaving", "months"))) {
		j.warn("R-leaving", "发展对象将于%s离开工作单位（%d个月内），一般不办理接收手续", a.LeavingOn.Chinese(), j.p.Get("R-leaving", "months"))
	}
	if def.Acting == ByApprover {
		j.approver(a, "办理「"+def.Name+"」")
	}
	if def.No == 17 {
		j.plan(a)
	}
}

func (j *judge) age(a Action) {
	if j.f.BirthDate.IsZero() {
		j.refuse("R-age", "缺少出生日期，无法核对年龄")
		return
	}
	min := j.p.Get("R-age", "min_age")
	if civil.YearsBetween(j.f.BirthDate, a.Date) < min {
		on := j.f.BirthDate.AddYears(min)
		j.add(Refuse, "R-age", on, "递交入党申请书时须年满%d周岁（出生于%s），可于%s（含）后递交", min, j.f.BirthDate.Chinese(), on.Chinese())
	}
}

// people checks contacts or introducers: min–max 正式党员, none under 留党察看.
func (j *judge) people(a Action, rule, role string, min, max int) {
	seen := map[int64]bool{}
	for _, p := range a.People {
		if seen[p.ID] {
			j.refuse(rule, "%s「%s」重复", role, p.Name)
			return
		}
		seen[p.ID] = true
		switch {
		case p.Status != "full":
			j.refuse(rule, "%s须为正式党员，「%s」不是正式党员", role, p.Name)
		case p.Disciplined:
			j.refuse(rule, "%s「%s」正在留党察看期间，不能担任", role, p.Name)
		}
	}
	if n := len(a.People); n < min || n > max {
		if min == max {
			j.refuse(rule, "%s须为%d名正式党员，现为%d名", role, min, n)
		} else {
			j.refuse(rule, "%s须为%d至%d名正式党员，现为%d名", role, min, max, n)
		}
	}
}

func (j *judge) target(a Action) {
	m := j.p.Get("R-target", "months")
	full := j.f.Done[3].AddMonths(m)
	if s := j.f.Shortened; s != nil && s.Months < m && a.Date.Before(full) {
		// The approved shorter minimum applies instead; the 纪实表 says so.
		if on := j.f.Done[3].AddMonths(s.Months); a.Date.Before(on) {
			j.add(Refuse, "R-target", on, "入党积极分子经批准缩短培养期后仍须经%d个月以上培养教育和考察（%s确定为入党积极分子，批准文号%s），可于%s（含）后确定为发展对象",
				s.Months, j.f.Done[3].Chinese(), s.DocNo, on.Chinese())
		} else {
			r := j.e.Set.Rule("R-shorten")
			j.v.Waived = append(j.v.Waived, Finding{Rule: "R-target", Citation: r.Citation, Message: fmt.Sprintf(
				"培养期未满%d个月，依%s批准（%s）缩短为%d个月（表现突出：%s）", m, s.ApprovedBy.Name, s.DocNo, s.Months, s.Event)})
		}
	} else if a.Date.Before(full) {
		j.add(Refuse, "R-target", full, "入党积极分子须经%d个月以上培养教育和考察（%s确定为入党积极分子），可于%s（含）后确定为发展对象",
			m, j.f.Done[3].Chinese(), full.Chinese())
	}
}

// shorten judges an approved shorter 培养期: for a 表现突出 activist not yet
// a 发展对象, approved by a 党委 with 审批权限 under a document, naming the
// response event and its performance records, no shorter than the floor
// and shorter than the standard minimum.
func (j *judge) shorten(a Action) {
	if !j.need(3, "缩短培养期") {
		return
	}
	j.notYet(7, "缩短培养期")
	if a.Date.Before(j.f.Done[3]) {
		j.refuse("R-sequence", "批准日期不得早于确定为入党积极分子的日期（%s）", j.f.Done[3].Chinese())
	}
	x := a.Shortening
	if x == nil {
		j.refuse("R-shorten", "缺少缩短培养期的批准记录")
		return
	}
	if j.f.Shortened != nil {
		j.refuse("R-shorten", "本档案已批准缩短培养期（%s）", j.f.Shortened.DocNo)
	}
	if !x.Standout {
		j.refuse("R-shorten", "只有在战时党建工作响应中被认定表现突出的入党积极分子才能缩短培养期")
	}
	if x.Event == "" || x.Records == 0 {
		j.refuse("R-shorten", "缩短培养期须写明所依据的响应事件和表现纪实")
	}
	if x.DocNo == "" {
		j.refuse("R-shorten", "缩短培养期须经上级党委批准，请填写批准文号")
	}
	if o := x.ApprovedBy; o.Kind != "committee" || !o.CanApprove || o.Temporary() {
		j.refuse("R-shorten", "缩短培养期须经具有审批权限的基层党委批准，「%s」不具备审批权限", o.Name)
	}
	floor, std := j.p.Get("R-shorten", "min_months"), j.p.Get("R-target", "months")
	if x.Months < floor || x.Months >= std {
		j.refuse("R-shorten", "缩短后的培养期须不少于%d个月、少于%d个月，现为%d个月", floor, std, x.Months)
	}
}

// publicityDone refuses unless a 公示 started and its last day is before on.
func (j *judge) publicityDone(start, on civil.Date, when, what string) {
	n := j.p.Get("R-publicity", "working_days")
	if start.IsZero() {
		j.refuse("R-publicity", "%s须进行不少于%d个工作日的公示，尚未记录公示", when, n)
		return
	}
	last := j.e.Calendar.WorkingDays(start, n)
	if !on.After(last) {
		next := last.AddDays(1)
		j.add(Refuse, "R-publicity", next, "%s的公示期为%s至%s（%d个工作日），可于%s（含）后%s", when, start.Chinese(), last.Chinese(), n, next.Chinese(), what)
	}
}

func (j *judge) committeeReview(a Action) {
	if !j.f.VettingPassed {
		j.refuse("R-vetting", "政治审查须有结论且合格，方可提交支部委员会审查")
	} else if m := j.p.Get("R-vetting", "valid_months"); m > 0 {
		if exp := j.f.Done[10].AddMonths(m); a.Date.After(exp) {
			j.warn("R-vetting", "政治审查结论已超过%d个月（%s形成），建议复核", m, j.f.Done[10].Chinese())
		}
	}
	days, hours := j.p.Get("R-training", "min_days"), j.p.Get("R-training", "min_hours")
	if j.f.TrainingDays < days && j.f.TrainingHours < hours {
		j.refuse("R-training", "发展对象须经不少于%d天或%d学时的集中培训，现为%d天、%d学时", days, hours, j.f.TrainingDays, j.f.TrainingHours)
	}
}

// vote checks branch size, quorum and majority of a 支部大会.
func (j *judge) vote(a Action, what string) {
	if min := j.p.Get("R-branch-size", "min_full"); a.BranchFull < min {
		j.refuse("R-branch-size", "党支部正式党员不足%d人（现有%d人），不能表决%s", min, a.BranchFull, what)
	}
	v := a.Vote
	if v == nil {
		j.refuse("R-majority", "须录入支部大会表决情况")
		return
	}
	written := v.WrittenFor + v.WrittenAgainst + v.WrittenAbstain
	switch {
	case v.Expected < 1 || v.Present < 0 || v.For < 0 || v.Against < 0 || v.Abstain < 0 || v.WrittenFor < 0 || v.WrittenAgainst < 0 || v.WrittenAbstain < 0:
		j.refuse("R-quorum", "表决人数须为非负整数，应到人数至少为1")
		return
	case v.Present > v.Expected:
		j.refuse("R-quorum", "实到人数（%d）不能多于应到人数（%d）", v.Present, v.Expected)
		return
	case v.For+v.Against+v.Abstain > v.Present:
		j.refuse("R-quorum", "赞成、反对、弃权合计（%d）不能多于实到人数（%d）", v.For+v.Against+v.Abstain, v.Present)
		return
	case written > v.Expected-v.Present:
		j.refuse("R-quorum", "书面意见（%d份）不能多于未到会的有表决权党员人数（%d）", written, v.Expected-v.Present)
		return
	}
	if v.Present*2 <= v.Expected {
		j.refuse("R-quorum", "到会有表决权的正式党员（%d人）须超过应到会人数（%d人）的半数", v.Present, v.Expected)
	}
	if yes := v.For + v.WrittenFor; yes*2 <= v.Expected {
		j.refuse("R-majority", "赞成人数（%d人，含书面意见）须超过应到会有表决权正式党员（%d人）的半数，未能通过", yes, v.Expected)
	}
}

func (j *judge) approver(a Action, what string) {
	o := a.Org
	switch {
	case o.Temporary():
		j.refuse("R-approver", "临时党组织「%s」不能%s", o.Name, what)
	case o.Kind == "general":
		j.refuse("R-approver", "党总支「%s」只能审议，不能%s", o.Name, what)
	case o.Kind != "committee" || !o.CanApprove:
		j.refuse("R-approver", "「%s」不是具有审批权限的基层党委，不能%s", o.Name, what)
	}
}

func (j *judge) approvalTime(a Action) {
	met := j.f.Done[15]
	warnM, maxM := j.p.Get("R-approval-time", "warn_months"), j.p.Get("R-approval-time", "max_months")
	if last := met.AddMonths(maxM); a.Date.After(last) {
		j.addDue(Refuse, "R-approval-time", last, "支部大会（%s）通过后审批最长不得超过%d个月（至%s），已超期", met.Chinese(), maxM, last.Chinese())
	} else if due := met.AddMonths(warnM); a.Date.After(due) {
		j.addDue(Warn, "R-approval-time", due, "审批晚于支部大会通过后%d个月（应于%s前），属特殊情况延长", warnM, due.Chinese())
	}
}

func (j *judge) plan(a Action) {
	q := a.Quota
	if q == nil {
		return
	}
	if j.f.Exception != nil {
		// A 优先发展 admission is outside the annual plan, whichever time
		// rules its exception waives.
		r := j.e.Set.Rule("R-plan")
		j.v.Waived = append(j.v.Waived, Finding{Rule: r.ID, Citation: r.Citation, Message: fmt.Sprintf("优先发展，不占%d年度发展计划名额", q.Year)})
		return
	}
	if q.Used >= q.Limit {
		j.refuse("R-plan", "%d年度发展计划名额（%d名）已用完（已用%d名）", q.Year, q.Limit, q.Used)
	}
}

func (j *judge) conversionMeeting(a Action) {
	end := ProbationEnd(j.p, j.f)
	if a.Date.Before(end) {
		j.add(Refuse, "R-probation", end, "预备期至%s届满，届满前不能讨论转正，可于%s（含）后讨论", end.Chinese(), end.Chinese())
		return
	}
	if j.f.TransferredIn {
		m := j.p.Get("R-conversion", "transfer_postpone_months")
		if last := end.AddMonths(m); a.Date.After(last) {
			j.addDue(Warn, "R-conversion", last, "转入的预备党员转正讨论最多推迟%d个月（应于%s前讨论）", m, last.Chinese())
		}
	}
}

// decision judges the two records of a Decision as the 转正's: the
// 支部大会's vote (quorum, majority, branch size), then the approval of a
// 党委 with 审批权限 on or after it (the decision's rule, R-approver).
func (j *judge) decision(a Action) {
	d, _ := DecisionOf(a.Kind)
	def, _ := Def(a.Kind, 0)
	if !j.need(17, "记录「"+def.Name+"」") {
		return
	}
	j.notYet(24, "记录「"+def.Name+"」")
	if met := j.f.Decided[ActCancelMeeting]; !met.IsZero() && d.MeetingKind != ActCancelMeeting {
		j.refuse("R-cancel", "支部大会已于%s讨论取消其预备党员资格，不能再%s", met.Chinese(), d.Subject)
	}
	met := j.f.Decided[d.MeetingKind]
	if a.Kind == d.MeetingKind {
		if !met.IsZero() {
			j.refuse("R-sequence", "已于%s召开支部大会讨论%s，不能重复记录", met.Chinese(), d.Subject)
		}
		if done := j.f.Done[17]; a.Date.Before(done) {
			j.add(Refuse, "R-sequence", done, "支部大会的日期不得早于%s的日期（%s）", stepName(17), done.Chinese())
		}
		if a.Kind == ActExtendMeeting {
			j.extension(a)
		}
		j.vote(a, d.Subject)
		return
	}
	if met.IsZero() {
		j.refuse(d.Rule, "%s须先经支部大会讨论通过，尚未记录支部大会的表决", d.Subject)
		return
	}
	if on := j.f.Decided[d.ApprovalKind]; !on.IsZero() {
		j.refuse("R-sequence", "上级党委已于%s审批%s，不能重复记录", on.Chinese(), d.Subject)
	}
	if a.Date.Before(met) {
		j.add(Refuse, "R-sequence", met, "上级党委审批的日期不得早于支部大会讨论的日期（%s）", met.Chinese())
	}
	j.approver(a, "审批"+d.Subject)
}

// extension judges the months and the count of a 预备期 extension the
// 支部大会 votes on (R-probation).
func (j *judge) extension(a Action) {
	min, max, times := j.p.Get("R-probation", "ext_min_months"), j.p.Get("R-probation", "ext_max_months"), j.p.Get("R-probation", "max_extensions")
	if len(j.f.Extensions) >= times {
		j.refuse("R-probation", "预备期只能延长%d次，已延长过", times)
	}
	if a.Months < min || a.Months > max {
		j.refuse("R-probation", "延长预备期须为%d至%d个月，现为%d个月", min, max, a.Months)
	}
}

func (j *judge) exception(a Action) {
	x := a.Exception
	if x == nil {
		j.refuse("R-fasttrack", "缺少优先发展例外记录")
		return
	}
	if j.f.Exception != nil {
		j.refuse("R-fasttrack", "本档案已有优先发展例外记录")
	}
	if _, ok := j.f.Done[17]; ok {
		j.refuse("R-fasttrack", "已审批接收为预备党员，不能再设优先发展例外")
	}
	if x.Reason == "" || x.DocNo == "" {
		j.refuse("R-fasttrack", "优先发展须写明理由和上级党委批准文号")
	}
	if o := x.ApprovedBy; o.Kind != "committee" || !o.CanApprove || o.Temporary() {
		j.refuse("R-fasttrack", "优先发展须经具有审批权限的基层党委批准，「%s」不具备审批权限", o.Name)
	}
	if len(x.Waives) == 0 {
		j.refuse("R-fasttrack", "须写明豁免的规则")
	}
	for _, w := range x.Waives {
		if slices.Contains(Waivable, w) {
			continue
		}
		// Named by its title: a reader never sees a rule id.
		what := "所选规则"
		if r, ok := j.e.Set.find(w); ok {
			what = "「" + r.Title + "」"
		}
		j.refuse("R-fasttrack", "%s不能以优先发展豁免（可豁免：入党积极分子等待期、一年培养期、集中培训、年度计划名额）", what)
	}
}

func (j *judge) publicity(a Action) {
	def, ok := PublicityOf(a.Publicity)
	if !ok {
		j.refuse("R-publicity", "公示类型须为确定发展对象前（candidate）或接收预备党员前（admission）")
		return
	}
	if j.need(def.After, "进行"+def.Name+"的公示") {
		j.window(def, a.Date)
	}
}

// window judges a 公示 starting on start by the dates of the steps around
// it: it starts on or after step After and ends before step Before.
func (j *judge) window(def PublicityDef, start civil.Date) {
	if d, ok := j.f.Done[def.After]; ok && start.Before(d) {
		j.add(Refuse, "R-publicity", d, "%s的公示须在%s（%s）之后开始", def.Name, stepName(def.After), d.Chinese())
		return
	}
	if d, ok := j.f.Done[def.Before]; ok {
		n := j.p.Get("R-publicity", "working_days")
		if last := j.e.Calendar.WorkingDays(start, n); !d.After(last) {
			j.refuse("R-publicity", "%s的公示期为%s至%s（%d个工作日），须在已记录的%s（%s）之前结束", def.Name, start.Chinese(), last.Chinese(), n, stepName(def.Before), d.Chinese())
		}
	}
}

// Breach is a recorded step (or 公示) that would break a rule after a
// change to another record.
type Breach struct {
	Step      int    `json:"step,omitempty"`
	Publicity string `json:"publicity,omitempty"`
	Finding   Finding
}

// Name names the record that would break, in Chinese.
func (b Breach) Name() string {
	if b.Step > 0 {
		return stepName(b.Step)
	}
	p, _ := PublicityOf(b.Publicity)
	return "公示（" + p.Name + "）"
}

// Recheck judges every recorded step but changed (judged in full by Check)
// and every 公示 of f again against the other records, as after a
// correction, and returns the first that would then break a rule. What a
// record holds of its own (people, votes, the acting organisation, the
// plan) was judged at entry and stands.
func (e *Engine) Recheck(f Facts, changed int) *Breach {
	for _, n := range (&judge{f: f}).doneSteps() {
		if n == changed {
			continue
		}
		// The step is judged against the others: taken out of the facts
		// for the while (the map is the caller's, put back as it was).
		on, first := f.Done[n], f.first(n)
		delete(f.Done, n)
		j := &judge{e: e, p: e.Params(on), f: f}
		def, _ := Step(n)
		ok := true
		if !first.Equal(on) {
			// A step completed by further records: its first record, then
			// its latest as a further record.
			ok = j.order(def, first)
			f.Done[n] = first
		}
		if ok && j.order(def, on) {
			j.timing(def, Action{Kind: ActStep, Step: n, Date: on})
		}
		f.Done[n] = on
		if len(j.v.Refusals) > 0 {
			return &Breach{Step: n, Finding: j.v.Refusals[0]}
		}
	}
	for _, p := range Publicities {
		if start := f.publicityStart(p.Kind); !start.IsZero() {
			j := &judge{e: e, p: e.Params(start), f: f}
			if j.window(p, start); len(j.v.Refusals) > 0 {
				return &Breach{Publicity: p.Kind, Finding: j.v.Refusals[0]}
			}
		}
	}
	return nil
}
