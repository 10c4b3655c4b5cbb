// Package org keeps the organisation tree: 党委, 党总支, 党支部 and the
// other kinds of rules.md §1, their committees and terms, and the warnings
// that follow from the rules. Nothing is ever deleted: a dissolved
// organisation keeps its row, its history and its committee.
package org

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/rules"
)

// Kinds of organisation.
const (
	Committee     = "committee"      // 党委
	General       = "general"        // 党总支
	Branch        = "branch"         // 党支部
	Joint         = "joint"          // 联合党支部
	TempBranch    = "temp_branch"    // 临时党支部
	TempCommittee = "temp_committee" // 临时党委
	Group         = "group"          // 党小组
)

// Kinds lists every kind in display order.
var Kinds = []string{Committee, General, Branch, Joint, TempBranch, TempCommittee, Group}

var kindLabels = map[string]string{Committee: "党委", General: "党总支", Branch: "党支部", Joint: "联合党支部",
	TempBranch: "临时党支部", TempCommittee: "临时党委", Group: "党小组"}

// Counted reports whether an organisation of kind counts as a 基层党组织 in
// 党内统计 and in every figure of 党组织: every kind but the 党小组, which
// is part of its branch (rules.md §8).
func Counted(kind string) bool { return kind != Group }

// HoldsCounted reports whether an organisation of kind may have 基层党组织
// (Counted kinds) under it: a 党支部 holds only 党小组.
func HoldsCounted(kind string) bool {
	for k, parents := range allowedParents {
		if Counted(k) && slices.Contains(parents, kind) {
			return true
		}
	}
	return false
}

// Holding narrows a picker to the kinds that HoldsCounted.
func Holding() Only {
	var f Only
	for _, k := range Kinds {
		if HoldsCounted(k) {
			f.Kinds = append(f.Kinds, k)
		}
	}
	return f
}

// KindLabel is the Chinese name of a kind ("" when unknown).
func KindLabel(kind string) string { return kindLabels[kind] }

// allowedParents says under which kinds each kind may be set up.
var allowedParents = map[string][]string{
	Committee:     {Committee},
	General:       {Committee, TempCommittee},
	Branch:        {Committee, General},
	Joint:         {Committee, General},
	TempBranch:    {Committee, General, TempCommittee},
	TempCommittee: {Committee},
	Group:         {Branch, Joint, TempBranch},
}

func allowedUnder(kind, parentKind string) bool {
	for _, k := range allowedParents[kind] {
		if k == parentKind {
			return true
		}
	}
	return false
}

func isTemp(kind string) bool { return kind == TempBranch || kind == TempCommittee }

// IsBranch is true for a 党支部 or 联合党支部: the kinds the branch-size
// rules apply to.
func IsBranch(kind string) bool { return kind == Branch || kind == Joint }

// Org is one organisation. Optional civil dates are "" when unset.
type Org struct {
	ID          int64  `json:"id"`
	ParentID    int64  `json:"parent_id,omitempty"`
	Name        string `json:"name"`
	ShortName   string `json:"short_name"`
	Kind        string `json:"kind"`
	CanApprove  bool   `json:"can_approve"`
	Path        string `json:"path"`
	Sort        int    `json:"sort"`
	Task        string `json:"task,omitempty"`
	EndsOn      string `json:"ends_on,omitempty"`
	TermStart   string `json:"term_start,omitempty"`
	TermEnd     string `json:"term_end,omitempty"`
	DissolvedOn string `json:"dissolved_on,omitempty"`
	CreatedAt   int64  `json:"created_at"`
	UpdatedAt   int64  `json:"updated_at"`
	Version     int    `json:"version"`
}

// KindLabel is the Chinese name of the organisation's kind.
func (o *Org) KindLabel() string { return KindLabel(o.Kind) }

// Dissolved reports whether the organisation has been dissolved.
func (o *Org) Dissolved() bool { return o.DissolvedOn != "" }

// HasTerm reports whether the kind is elected for a term (temporary
// organisations are appointed and never hold 换届).
func (o *Org) HasTerm() bool { return termYears(o.Kind) > 0 }

// Elected narrows a picker to the kinds that HasTerm: those elected for
// a term, which hold 换届.
func Elected() Only {
	var f Only
	for _, k := range Kinds {
		if termYears(k) > 0 {
			f.Kinds = append(f.Kinds, k)
		}
	}
	return f
}

// CanApprove reports whether o may approve admissions: only a 党委 granted
// 审批权限, never a 党总支 or a temporary organisation.
func CanApprove(o *Org) bool {
	return o != nil && o.Kind == Committee && o.CanApprove && !o.Dissolved()
}

// CheckElects refuses an election or 换届 of an organisation that holds
// none: a 临时党组织's 书记 and 委员 are appointed (R-ORG-TEMP), a 党小组
// elects no committee for a term.
func CheckElects(o *Org) error {
	switch {
	case isTemp(o.Kind):
		return fail.Rule("R-ORG-TEMP", citeBranch, "「"+o.Name+"」是临时党组织：书记和委员由上级党组织指定，不进行换届选举")
	case !o.HasTerm():
		return fail.NotAllowed("org_id", "「"+o.Name+"」是"+o.KindLabel()+"，不实行任期制，不进行换届选举")
	}
	return nil
}

// CheckHome refuses an organisation as where a person belongs (组织关系所在):
// the members of a 临时党组织 keep their 组织关系 in their home branch, and
// serve in it through a relation of its own (internal/wartime).
func CheckHome(o *Org) error {
	if !isTemp(o.Kind) {
		return nil
	}
	return fail.Rule("R-ORG-TEMP", citeBranch, "「"+o.Name+"」是临时党组织：党员的组织关系不转入临时党组织，仍保留在原所在党组织；请在战时党建工作响应中将其编入")
}

// Rules are the numbers of rules.md §1 (rule set cpc-2014). They are a
// variable, not constants, so that a local override can change them.
type Rules struct {
	MinFull       int // a branch needs this many 正式党员
	CommitteeFrom int // from this many 正式党员 a branch elects a 支部委员会
	MinCommittee  int // a 支部委员会 has at least this many members
	MaxMembers    int // a branch normally has at most this many members
	// From these many 党员 a 党总支, and a 党委, is set up (R-org-size).
	GeneralFrom, CommitteeOrgFrom int
	WarnMonths                    int // the upper level reminds this long before a term ends
	TermYears                     map[string]int
	ShiftYears                    int // an early or late election shifts a term by at most this much
}

// DefaultRules are the cpc-2014 defaults; the sizes of a 党总支 and a
// 党委 are the rule set's (fixed nationally, so no local override applies).
var DefaultRules = Rules{MinFull: 3, CommitteeFrom: 7, MinCommittee: 3, MaxMembers: 50, WarnMonths: 6, ShiftYears: 1,
	TermYears:   map[string]int{Committee: 5, General: 3, Branch: 3, Joint: 3},
	GeneralFrom: rules.Default(sizeRule).Value("general_from"), CommitteeOrgFrom: rules.Default(sizeRule).Value("committee_from")}

// sizeRule is the rule of the sizes of a 党总支 and a 党委.
const sizeRule = "R-org-size"

const citeBranch = "《中国共产党支部工作条例（试行）》"

func termYears(kind string) int { return DefaultRules.TermYears[kind] }

// Committee posts in display order.
const Secretary = "书记"

// Posts lists the committee posts.
var Posts = []string{Secretary, "副书记", "组织委员", "宣传委员", "纪检委员", "委员"}

func validPost(p string) bool {
	for _, x := range Posts {
		if x == p {
			return true
		}
	}
	return false
}

// Input is what a form or a request sets on an organisation.
type Input struct {
	Name       string
	ShortName  string
	Kind       string
	CanApprove bool
	Task       string
	EndsOn     string
	Sort       int
}

// normalise trims and checks the fields that stand on their own.
func (in *Input) normalise() error {
	in.Name, in.ShortName = strings.TrimSpace(in.Name), strings.TrimSpace(in.ShortName)
	in.Task, in.EndsOn, in.Kind = strings.TrimSpace(in.Task), strings.TrimSpace(in.EndsOn), strings.TrimSpace(in.Kind)
	for _, f := range []struct{ field, msg string }{
		{"name", plaintext.Line("组织名称", in.Name)},
		{"short_name", plaintext.Line("简称", in.ShortName)},
		{"task", plaintext.Lines("任务说明", in.Task)},
	} {
		if f.msg != "" {
			return fail.Malformed(f.field, f.msg)
		}
	}
	switch {
	case in.Name == "":
		return fail.Malformed("name", "组织名称不能为空")
	case utf8.RuneCountInString(in.Name) > 100:
		return fail.Malformed("name", "组织名称不能超过 100 个字")
	case utf8.RuneCountInString(in.ShortName) > 30:
		return fail.Malformed("short_name", "简称不能超过 30 个字")
	case utf8.RuneCountInString(in.Task) > 500:
		return fail.Malformed("task", "任务说明不能超过 500 个字")
	case KindLabel(in.Kind) == "":
		return fail.Malformed("kind", "组织类型无效，应为党委、党总支、党支部、联合党支部、临时党支部、临时党委或党小组之一")
	}
	if in.EndsOn != "" {
		if _, err := civil.Parse(in.EndsOn); err != nil {
			return fail.Malformed("ends_on", "撤销日期："+err.Error())
		}
	}
	if in.CanApprove && in.Kind != Committee {
		return fail.Rule("R-ORG-APPROVE", "《中国共产党发展党员工作细则》",
			"只有基层党委可以具有审批权限；党总支、党支部和临时党组织不能审批发展党员")
	}
	if isTemp(in.Kind) && (in.Task == "" || in.EndsOn == "") {
		field := "task"
		if in.Task != "" {
			field = "ends_on"
		}
		e := fail.Rule("R-ORG-TEMP", citeBranch, "临时党组织须写明所承担的任务和预计撤销日期，任务完成后随之撤销")
		e.Field = field
		return e
	}
	if !isTemp(in.Kind) {
		in.Task, in.EndsOn = "", ""
	}
	return nil
}

// checkParent refuses a kind that may not sit under parent.
func checkParent(kind string, parent *Org) error {
	if parent.Dissolved() {
		return fail.NotAllowed("parent_id", "上级组织「"+parent.Name+"」已撤销，不能在其下设立或移入组织")
	}
	if parent.Kind == Group {
		return fail.Rule("R-ORG-GROUP", citeBranch, "党小组之下不能再设组织")
	}
	if !allowedUnder(kind, parent.Kind) {
		if kind == Group {
			return fail.Rule("R-ORG-GROUP", citeBranch, "党小组只能设在党支部（含联合党支部、临时党支部）之内，不能设在"+parent.KindLabel()+"之下")
		}
		return fail.Rule("R-ORG-PARENT", citeBranch, KindLabel(kind)+"不能设在"+parent.KindLabel()+"之下")
	}
	return nil
}

// Term computes the end of a term from its start by the kind's term length;
// an explicit end (an early or late election) may differ by at most a year.
func Term(kind, start, end string) (string, string, error) {
	start, end = strings.TrimSpace(start), strings.TrimSpace(end)
	years := termYears(kind)
	if years == 0 {
		return "", "", fail.NotAllowed("term_start", KindLabel(kind)+"不实行任期制，不设换届日期")
	}
	s, err := civil.Parse(start)
	if err != nil {
		return "", "", fail.Malformed("term_start", "任期开始日期："+err.Error())
	}
	std := s.AddYears(years)
	if end == "" {
		return s.String(), std.String(), nil
	}
	e, err := civil.Parse(end)
	if err != nil {
		return "", "", fail.Malformed("term_end", "任期届满日期："+err.Error())
	}
	shift := DefaultRules.ShiftYears
	if !e.After(s) || e.Before(std.AddYears(-shift)) || e.After(std.AddYears(shift)) {
		return "", "", fail.Rule("R-ORG-TERM", citeBranch,
			KindLabel(kind)+"每届任期 "+strconv.Itoa(years)+" 年（应于 "+std.String()+" 届满）；提前或延期换届不超过 1 年，届满日期应在 "+
				std.AddYears(-shift).String()+" 至 "+std.AddYears(shift).String()+" 之间")
	}
	return s.String(), e.String(), nil
}
