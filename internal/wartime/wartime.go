// Package wartime is the 战时党建工作响应: a response event (重大安保维稳,
// 扫黑除恶, 疫情防控, 抢险救灾, 驰援…) activated by a 党委 with the units
// involved; under it 临时党支部 (real organisations of the tree, flagged
// temporary), 党员突击队 and 党员先锋岗 with their members, the performance
// records (表现纪实) of each person with evidence, and the 表现突出 flag that
// opens the priority path of member development (internal/develop).
//
// Serving in a team is a relation of its own: a person keeps their home
// organisation, so nobody is transferred or counted twice. Ending an event
// dissolves its temporary organisations and teams; history and records stay.
package wartime

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Kinds of team.
const (
	TempCommittee = "committee" // 临时党委 of a larger operation: an organisation of the tree
	TempBranch    = "branch"    // 临时党支部: an organisation of the tree
	Squad         = "squad"     // 党员突击队
	Post          = "post"      // 党员先锋岗
)

// TeamKind is a kind of team with its name and the roles of its members.
type TeamKind struct {
	Key   string   `json:"key"`
	Label string   `json:"label"`
	Roles []string `json:"roles"`
}

// TeamKinds lists the kinds in display order; the first role of each is
// the one a member gets by default.
var TeamKinds = []TeamKind{
	{TempCommittee, "临时党委", []string{"委员", "书记", "副书记"}},
	{TempBranch, "临时党支部", []string{"党员", "书记", "副书记", "委员"}},
	{Squad, "党员突击队", []string{"队员", "队长", "副队长"}},
	{Post, "党员先锋岗", []string{"岗员", "岗长"}},
}

func teamKind(key string) (TeamKind, bool) {
	for _, k := range TeamKinds {
		if k.Key == key {
			return k, true
		}
	}
	return TeamKind{}, false
}

// TeamLabel names a kind of team ("" when unknown).
func TeamLabel(key string) string {
	k, _ := teamKind(key)
	return k.Label
}

// Temporary reports a kind of team that is a temporary party organisation
// of the tree (临时党委, 临时党支部): party members only, dissolved in the
// tree when the response ends.
func Temporary(kind string) bool { return kind == TempCommittee || kind == TempBranch }

// partyStatuses may serve in a 临时党支部, a party organisation; anyone in
// scope may serve in a 突击队 or 先锋岗 (群众 民辅警, applicants, activists).
var partyStatuses = map[string]bool{"probationary": true, "full": true}

// gone are the statuses of people who can no longer serve anywhere.
var gone = map[string]string{"deceased": "已去世", "transferred": "已转出本单位"}

// earliest is the first date the forms accept, against typing slips.
var earliest = civil.New(2000, 1, 1)

// The rule a temporary organisation follows, for refusals.
const (
	ruleTemp = "R-ORG-TEMP"
	citeTemp = "《中国共产党支部工作条例（试行）》：临时党组织的党员组织关系不转接，不发展党员、不收缴党费、不处分党员，任务完成后随之撤销"
	// A 临时党委 for a larger operation is approved by a 党委 with 审批权限,
	// which sets it up and appoints its 书记 and 委员 (rules.md §1).
	ruleCommittee = "R-ORG-TEMP-COMMITTEE"
	citeCommittee = "《中国共产党党和国家机关基层组织工作条例》：执行重大任务可成立临时党委，由具有审批权限的党委批准设立并指定书记、委员；党员组织关系、党费交纳和组织生活仍在原所在党组织，任务完成后撤销"
)

// text trims a free-text field and checks it: required or not, at most max
// characters, no invisible or control characters (newlines when multiline).
func text(field, label, v string, required bool, max int, multiline bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", fail.Malformed(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		return "", fail.NotAllowed(field, fmt.Sprintf("%s不能超过 %d 字", label, max))
	}
	msg := plaintext.Line(label, v)
	if multiline {
		msg = plaintext.Lines(label, v)
	}
	if msg != "" {
		return "", fail.NotAllowed(field, msg)
	}
	return v, nil
}

// day reads a civil date: required or not, from 2000 on, never after today.
func day(field, label, v string, required bool, today civil.Date) (civil.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return civil.Date{}, fail.Malformed(field, "请填写"+label)
		}
		return civil.Date{}, nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return d, fail.Malformed(field, "请按“年-月-日”填写"+label+"，如 2026-03-12")
	}
	if d.Before(earliest) {
		return d, fail.NotAllowed(field, label+"过早，请核对年份")
	}
	if today.Before(d) {
		return d, fail.NotAllowed(field, label+"不能晚于今天（"+today.Chinese()+"）")
	}
	return d, nil
}

func today(d *core.Deps) civil.Date { return civil.Today(d.Now()) }

// nullStr stores "" as NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
