// Package life records a branch's organisational life (三会一课, 主题党日,
// 组织生活会, 民主评议, 谈心谈话): each meeting with its attendance taken from
// the roster of its date, the quorum, the minutes and what was decided, and
// the compliance calendar that says, per branch and period, which meetings
// were due, held or overdue.
package life

import (
	"hongdun/internal/org"
)

// Kinds of meeting, in display order.
const (
	Congress  = "congress"  // 支部党员大会
	Committee = "committee" // 支委会
	Group     = "group"     // 党小组会
	Lecture   = "lecture"   // 党课
	ThemeDay  = "theme_day" // 主题党日
	LifeMeet  = "life_meet" // 组织生活会
	Appraisal = "appraisal" // 民主评议党员
	Talk      = "talk"      // 谈心谈话
)

// Kind is a meeting kind with its name and default frequency.
type Kind struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Per   string `json:"per"` // default: month, quarter, year or none
}

// Kinds lists every kind (rules.md §3, §8: 党员大会 quarterly, 支委会, 党小组会
// and 主题党日 monthly, 党课 quarterly as the local default, 组织生活会 and
// 民主评议 yearly; 谈心谈话 is counted per pair, not per branch).
var Kinds = []Kind{
	{Congress, "支部党员大会", Quarter},
	{Committee, "支委会", Month},
	{Group, "党小组会", Month},
	{Lecture, "党课", Quarter},
	{ThemeDay, "主题党日", Month},
	{LifeMeet, "组织生活会", Year},
	{Appraisal, "民主评议党员", Year},
	{Talk, "谈心谈话", None},
}

// Frequencies.
const (
	Month   = "month"
	Quarter = "quarter"
	Year    = "year"
	None    = "none"
)

var perLabels = map[string]string{Month: "每月", Quarter: "每季度", Year: "每年", None: "不排入日历"}

// PerLabel names a frequency.
func PerLabel(per string) string { return perLabels[per] }

// KindLabel names a kind ("" when unknown).
func KindLabel(key string) string {
	for _, k := range Kinds {
		if k.Key == key {
			return k.Label
		}
	}
	return ""
}

// Attendance statuses.
const (
	Present  = "present"
	Absent   = "absent"
	Observer = "observer" // 列席
	Pending  = "pending"  // on the roster, not yet checked in or marked
)

var statusLabels = map[string]string{Present: "出席", Absent: "缺席", Observer: "列席", Pending: "未签到"}

// StatusLabel names an attendance status.
func StatusLabel(s string) string { return statusLabels[s] }

// holders are the organisation kinds that hold organisational life.
var holders = org.Only{Kinds: []string{org.General, org.Branch, org.Joint, org.TempBranch, org.Group}}

// calendarKinds are the organisation kinds the compliance calendar follows.
var calendarKinds = map[string]bool{org.Branch: true, org.Joint: true}

// The rules the quorum applies.
const (
	ruleCongress  = "R-quorum"
	citeCongress  = "《中国共产党支部工作条例（试行）》：支部党员大会须有半数以上有表决权的党员到会"
	ruleCommittee = "R-committee-quorum"
	citeCommittee = "《中国共产党支部工作条例（试行）》：支委会须有半数以上委员到会"
)
