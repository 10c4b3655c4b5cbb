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

// Param is one number a rule depends on.
type Param struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value int    `json:"value"`
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
	for _, r := range s.Rules {
		if r.ID == id {
			return r
		}
	}
	panic("unknown rule " + id)
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

// ValidParam reports whether a set has the parameter, for validating overrides.
func (s *Set) ValidParam(rule, key string) bool {
	for _, r := range s.Rules {
		if r.ID == rule {
			for _, p := range r.Params {
				if p.Key == key {
					return true
				}
			}
		}
	}
	return false
}

// Resolve returns the parameters in force on a date: the set's defaults,
// replaced by the latest override of each parameter effective on or before it.
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
		k := o.Rule + "." + o.Param
		if _, ok := p[k]; ok && !o.EffectiveFrom.After(on) {
			p[k] = o.Value
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

// StepDef is one of the 25 steps.
type StepDef struct {
	No    int
	Stage int
	Name  string
}

// Steps are the 25 steps, in order (index = No-1).
var Steps = []StepDef{
	{1, 1, "递交入党申请书"}, {2, 1, "党组织派人谈话"},
	{3, 2, "推荐和确定入党积极分子"}, {4, 2, "上级党委备案"}, {5, 2, "指定培养联系人"}, {6, 2, "培养教育考察"},
	{7, 3, "确定发展对象"}, {8, 3, "报上级党委备案"}, {9, 3, "确定入党介绍人"}, {10, 3, "进行政治审查"}, {11, 3, "开展集中培训"},
	{12, 4, "支部委员会审查"}, {13, 4, "上级党委预审"}, {14, 4, "填写入党志愿书"}, {15, 4, "支部大会讨论"},
	{16, 4, "上级党委派人谈话"}, {17, 4, "上级党委审批"}, {18, 4, "再上一级党委组织部门备案"},
	{19, 5, "编入党支部和党小组"}, {20, 5, "入党宣誓"}, {21, 5, "继续教育考察"}, {22, 5, "提出转正申请"},
	{23, 5, "支部大会讨论"}, {24, 5, "上级党委审批"}, {25, 5, "材料归档"},
}

// Step returns the definition of step n (1–25).
func Step(n int) (StepDef, bool) {
	if n < 1 || n > len(Steps) {
		return StepDef{}, false
	}
	return Steps[n-1], true
}
