// Package rules encodes the rules of member development (发展党员) as data:
// a named, versioned rule set (cpc-2014) with local parameter overrides,
// and pure functions that judge an action against a case's recorded facts.
// It does no I/O: callers load the facts and the overrides and pass them in.
package rules

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"

	"hongdun/internal/platform/civil"
)

// Kind says what a rule does when it is not met.
type Kind string

const (
	Refuse Kind = "refuse" // the action is refused
	Warn   Kind = "warn"   // the action is recorded with a warning
	Remind Kind = "remind" // a deadline is posted to the 待办
)

// Param is one number a rule depends on. Bound says how far a local
// override may move a number a national rule sets (the default is the
// national value); a local or unconfirmed number has none.
type Param struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value int    `json:"value"`
	Bound string `json:"bound,omitempty"`
}

// Bounds of a parameter.
const (
	BoundMin   = "min"   // a local value may be higher, never lower
	BoundMax   = "max"   // a local value may be lower, never higher
	BoundFixed = "fixed" // no local change
)

// Allows reports whether a local value keeps within the national rule.
func (p Param) Allows(v int) bool {
	switch p.Bound {
	case BoundMin:
		return v >= p.Value
	case BoundMax:
		return v <= p.Value
	case BoundFixed:
		return v == p.Value
	}
	return true
}

// BoundText says in Chinese what a local override may do ("" when free).
func (p Param) BoundText() string {
	switch p.Bound {
	case BoundMin:
		return fmt.Sprintf("全国性规定，本地只能高于、不能低于 %d", p.Value)
	case BoundMax:
		return fmt.Sprintf("全国性规定，本地只能低于、不能高于 %d", p.Value)
	case BoundFixed:
		return fmt.Sprintf("全国统一规定为 %d，本地不能调整", p.Value)
	}
	return ""
}

// Rule is one rule of a set.
type Rule struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Citation string  `json:"citation"`
	Kind     Kind    `json:"kind"`
	Params   []Param `json:"params"`
}

// Set is a named, versioned rule set.
type Set struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	Title   string `json:"title"`
	Rules   []Rule `json:"rules"`
}

// DefaultSet names the set used unless configured otherwise.
const DefaultSet = "cpc-2014"

//go:embed cpc-*.json
var setFiles embed.FS

var sets = map[string]*Set{}

func init() {
	entries, _ := setFiles.ReadDir(".")
	for _, e := range entries {
		b, _ := setFiles.ReadFile(e.Name())
		var s Set
		if err := json.Unmarshal(b, &s); err != nil {
			panic(fmt.Sprintf("rule set %s: %v", e.Name(), err))
		}
		sets[s.Name] = &s
	}
}

// Sets lists the known rule sets by name.
func Sets() []*Set {
	out := make([]*Set, 0, len(sets))
	for _, s := range sets {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Get returns a rule set by name.
func Get(name string) (*Set, bool) {
	s, ok := sets[name]
	return s, ok
}

// Rule returns a rule of the set; it panics on an unknown id because ids
// are fixed by the code that evaluates them.
func (s *Set) Rule(id string) Rule {
	if r, ok := s.find(id); ok {
		return r
	}
	panic("unknown rule " + id)
}

// Default is a rule of the default set, for the features that apply a
// rule with its national values (no local overrides).
func Default(id string) Rule {
	s, _ := Get(DefaultSet)
	return s.Rule(id)
}

// Value is the default value of a parameter of the rule; it panics on an
// unknown key (a programming error).
func (r Rule) Value(key string) int {
	for _, p := range r.Params {
		if p.Key == key {
			return p.Value
		}
	}
	panic("unknown parameter " + r.ID + "." + key)
}

// find returns a rule of the set by an id that may come from input.
func (s *Set) find(id string) (Rule, bool) {
	for _, r := range s.Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Override changes one parameter of one rule from a date on.
type Override struct {
	Rule          string     `json:"rule"`
	Param         string     `json:"param"`
	Value         int        `json:"value"`
	EffectiveFrom civil.Date `json:"-"`
}

// ParamLabel names a parameter for a reader: the rule's title and the
// parameter's label, never the internal ids.
func (s *Set) ParamLabel(rule, key string) string {
	for _, r := range s.Rules {
		if r.ID != rule {
			continue
		}
		for _, p := range r.Params {
			if p.Key == key {
				return r.Title + " · " + p.Label
			}
		}
	}
	return "（已停用的参数）"
}

// Params are the effective parameters, keyed "R-age.min_age".
type Params map[string]int

// Get returns a parameter; it panics on an unknown key (a programming error).
func (p Params) Get(rule, key string) int {
	v, ok := p[rule+"."+key]
	if !ok {
		panic("unknown parameter " + rule + "." + key)
	}
	return v
}

// Param returns a parameter of a rule of the set, for validating overrides.
func (s *Set) Param(rule, key string) (Rule, Param, bool) {
	if r, ok := s.find(rule); ok {
		for _, p := range r.Params {
			if p.Key == key {
				return r, p, true
			}
		}
	}
	return Rule{}, Param{}, false
}

// Resolve returns the parameters in force on a date: the set's defaults,
// replaced by the latest override of each parameter effective on or before
// it that keeps within the parameter's bound.
func (s *Set) Resolve(overrides []Override, on civil.Date) Params {
	p := Params{}
	for _, r := range s.Rules {
		for _, pa := range r.Params {
			p[r.ID+"."+pa.Key] = pa.Value
		}
	}
	sorted := append([]Override(nil), overrides...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].EffectiveFrom.Before(sorted[j].EffectiveFrom) })
	for _, o := range sorted {
		// An override beyond a national rule's bound (stored before the
		// bound was set) is not applied.
		if _, pa, ok := s.Param(o.Rule, o.Param); ok && pa.Allows(o.Value) && !o.EffectiveFrom.After(on) {
			p[o.Rule+"."+o.Param] = o.Value
		}
	}
	return p
}

// Stage is one of the five stages.
type Stage struct {
	No   int
	Name string
}

// Stages of development.
var Stages = []Stage{{1, "申请入党"}, {2, "入党积极分子的确定和培养教育"}, {3, "发展对象的确定和考察"}, {4, "预备党员的接收"}, {5, "预备党员的教育、考察和转正"}}

// Who acts on a step (StepDef.Acting).
const (
	ByBranch   = "branch"   // the person's branch
	ByUpper    = "upper"    // the 党委 above the branch (filings)
	ByApprover = "approver" // a 党委 with 审批权限 (R-approver)
	ByAbove    = "above"    // the level above the approving 党委
)

// When a step may be recorded again (StepDef.Repeat).
const (
	// RepeatSupplement: a further record completes the step (补训, 补充政审).
	RepeatSupplement = "supplement"
	// RepeatExtension: recorded again after the 预备期 is extended.
	RepeatExtension = "extension"
)

// Inputs a step takes besides its date and opinion (StepDef.Fields).
const (
	FieldRecommendation = "recommendation" // 党员推荐 or 群团推优
	FieldPeople         = "people"         // 培养联系人 or 入党介绍人
	FieldVetting        = "vetting"        // 政审结论
	FieldTraining       = "training"       // 培训天数、学时
	FieldVote           = "vote"           // 支部大会表决
	FieldLeaving        = "leaving_on"     // 预计离开工作单位日期
	FieldMonths         = "months"         // 延长预备期的月数
)

// StepDef is one of the 25 steps: the single definition read by the
// engine, the forms, the API and the 纪实表. A local variant of the
// procedure is a change of this data.
type StepDef struct {
	No    int    `json:"no"`
	Stage int    `json:"stage"`
	Name  string `json:"name"`
	// Needs are the steps that must be recorded first: those whose dates
	// or results this step's rules read. Otherwise order is judged by the
	// dates on the records alone, whatever the order of entry.
	Needs  []int    `json:"needs,omitempty"`
	Acting string   `json:"acting"`
	Fields []string `json:"fields,omitempty"`
	// PeopleRule and PeopleRole name who a FieldPeople step names.
	PeopleRule string `json:"people_rule,omitempty"`
	PeopleRole string `json:"people_role,omitempty"`
	Repeat     string `json:"repeat,omitempty"`
	// Event is the member-registry event the step records, From the status
	// the person must hold before and To the one after.
	Event    string `json:"event,omitempty"`
	From, To string `json:"-"`
}

// Steps are the 25 steps, in order (index = No-1).
var Steps = []StepDef{
	{No: 1, Stage: 1, Name: "递交入党申请书", Acting: ByBranch, Event: "apply", From: "applicant", To: "applicant"},
	{No: 2, Stage: 1, Name: "党组织派人谈话", Needs: []int{1}, Acting: ByBranch},
	{No: 3, Stage: 2, Name: "推荐和确定入党积极分子", Needs: []int{1}, Acting: ByBranch, Fields: []string{FieldRecommendation},
		Event: "activist", From: "applicant", To: "activist"},
	{No: 4, Stage: 2, Name: "上级党委备案", Needs: []int{3}, Acting: ByUpper},
	{No: 5, Stage: 2, Name: "指定培养联系人", Needs: []int{3}, Acting: ByBranch, Fields: []string{FieldPeople}, PeopleRule: "R-contacts", PeopleRole: "培养联系人"},
	{No: 6, Stage: 2, Name: "培养教育考察", Needs: []int{3}, Acting: ByBranch},
	{No: 7, Stage: 3, Name: "确定发展对象", Needs: []int{3, 6}, Acting: ByBranch, Event: "candidate", From: "activist", To: "candidate"},
	{No: 8, Stage: 3, Name: "报上级党委备案", Needs: []int{7}, Acting: ByUpper},
	{No: 9, Stage: 3, Name: "确定入党介绍人", Needs: []int{7}, Acting: ByBranch, Fields: []string{FieldPeople}, PeopleRule: "R-introducers", PeopleRole: "入党介绍人"},
	{No: 10, Stage: 3, Name: "进行政治审查", Needs: []int{7}, Acting: ByBranch, Fields: []string{FieldVetting}, Repeat: RepeatSupplement},
	{No: 11, Stage: 3, Name: "开展集中培训", Needs: []int{7}, Acting: ByUpper, Fields: []string{FieldTraining}, Repeat: RepeatSupplement},
	{No: 12, Stage: 4, Name: "支部委员会审查", Needs: []int{9, 10, 11}, Acting: ByBranch},
	{No: 13, Stage: 4, Name: "上级党委预审", Needs: []int{12}, Acting: ByApprover},
	{No: 14, Stage: 4, Name: "填写入党志愿书", Needs: []int{13}, Acting: ByBranch},
	{No: 15, Stage: 4, Name: "支部大会讨论", Needs: []int{13, 14}, Acting: ByBranch, Fields: []string{FieldVote, FieldLeaving}},
	{No: 16, Stage: 4, Name: "上级党委派人谈话", Needs: []int{15}, Acting: ByApprover},
	{No: 17, Stage: 4, Name: "上级党委审批", Needs: []int{16}, Acting: ByApprover, Event: "join", From: "candidate", To: "probationary"},
	{No: 18, Stage: 4, Name: "再上一级党委组织部门备案", Needs: []int{17}, Acting: ByAbove},
	{No: 19, Stage: 5, Name: "编入党支部和党小组", Needs: []int{17}, Acting: ByBranch},
	{No: 20, Stage: 5, Name: "入党宣誓", Needs: []int{17}, Acting: ByBranch},
	{No: 21, Stage: 5, Name: "继续教育考察", Needs: []int{17}, Acting: ByBranch},
	{No: 22, Stage: 5, Name: "提出转正申请", Needs: []int{17}, Acting: ByBranch, Repeat: RepeatExtension},
	{No: 23, Stage: 5, Name: "支部大会讨论", Needs: []int{22}, Acting: ByBranch, Fields: []string{FieldVote}, Repeat: RepeatExtension},
	{No: 24, Stage: 5, Name: "上级党委审批", Needs: []int{23}, Acting: ByApprover, Event: "full", From: "probationary", To: "full"},
	{No: 25, Stage: 5, Name: "材料归档", Needs: []int{24}, Acting: ByBranch},
}

// The decisions beside the 25 steps that take the 转正's shape (《中国共产党
// 章程》第七条): the 支部大会 votes, then a 党委 with 审批权限 approves, and
// only the approval takes effect.
var (
	CancelMeeting  = StepDef{Stage: 5, Name: "支部大会讨论取消预备党员资格", Acting: ByBranch, Fields: []string{FieldVote}}
	CancelApproval = StepDef{Stage: 5, Name: "上级党委审批取消预备党员资格", Acting: ByApprover, Event: "cancel", From: "probationary", To: "cancelled"}
	ExtendMeeting  = StepDef{Stage: 5, Name: "支部大会讨论延长预备期", Acting: ByBranch, Fields: []string{FieldVote, FieldMonths}}
	ExtendApproval = StepDef{Stage: 5, Name: "上级党委审批延长预备期", Acting: ByApprover, Event: "extend", From: "probationary", To: "probationary"}
)

// Decision is one of those decisions: its two records, the actions that
// record them, the rule refusing the approval without the vote, and the
// deadline of the approval awaited.
type Decision struct {
	Subject                   string // 取消预备党员资格, 延长预备期
	Effect                    string // what the approval does
	Meeting, Approval         StepDef
	MeetingKind, ApprovalKind string
	Rule, Deadline            string
}

// Decisions are the decisions taking the 转正's shape.
var Decisions = []Decision{
	{Subject: "取消预备党员资格", Effect: "审批后本人身份改为已取消预备党员资格", Meeting: CancelMeeting, Approval: CancelApproval, MeetingKind: ActCancelMeeting, ApprovalKind: ActCancel, Rule: "R-cancel", Deadline: "cancel_approval"},
	{Subject: "延长预备期", Effect: "审批后预备期按支部大会通过的月数延长（只能延长一次），转正期限随之推后", Meeting: ExtendMeeting, Approval: ExtendApproval, MeetingKind: ActExtendMeeting, ApprovalKind: ActExtend, Rule: "R-extend", Deadline: "extend_approval"},
}

// DecisionOf is the decision an action records, either of its records.
func DecisionOf(kind string) (Decision, bool) {
	for _, d := range Decisions {
		if kind == d.MeetingKind || kind == d.ApprovalKind {
			return d, true
		}
	}
	return Decision{}, false
}

// Def is the definition of an action that has one: a step's, or that of
// a decision's record.
func Def(kind string, step int) (StepDef, bool) {
	if kind == ActStep {
		return Step(step)
	}
	d, ok := DecisionOf(kind)
	if kind == d.MeetingKind {
		return d.Meeting, ok
	}
	return d.Approval, ok
}

// Step returns the definition of step n (1–25).
func Step(n int) (StepDef, bool) {
	if n < 1 || n > len(Steps) {
		return StepDef{}, false
	}
	return Steps[n-1], true
}

// Has reports whether the step takes an input (a Field… constant).
func (s StepDef) Has(field string) bool {
	for _, f := range s.Fields {
		if f == field {
			return true
		}
	}
	return false
}

// Follows reports whether the step requires step m, directly or through
// the steps it needs.
func (s StepDef) Follows(m int) bool {
	for _, n := range s.Needs {
		if prior, _ := Step(n); n == m || prior.Follows(m) {
			return true
		}
	}
	return false
}

// Upper reports a step done by a 党委 above the branch.
func (s StepDef) Upper() bool { return s.Acting != ByBranch }

// PublicityDef is where a 公示 sits: it starts on or after step After and
// its last day falls before step Before. Provinces place the admission
// 公示 before or after the 预审 (step 13); both fit this window.
type PublicityDef struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	After  int    `json:"after"`
	Before int    `json:"before"`
}

// Publicities are the two 公示 of the procedure.
var Publicities = []PublicityDef{
	{Kind: "candidate", Name: "确定发展对象前", After: 6, Before: 7},
	{Kind: "admission", Name: "接收预备党员前", After: 7, Before: 15},
}

// PublicityOf returns the 公示 of a kind.
func PublicityOf(kind string) (PublicityDef, bool) {
	for _, p := range Publicities {
		if p.Kind == kind {
			return p, true
		}
	}
	return PublicityDef{}, false
}
