// Package assess is 年度绩效考评: an organisation's indicator set for a year
// (weights, items and where each is measured from, held as data), mixing
// indicators computed from the platform's records (tasks, organisational
// life, training hours, development work, exams) with indicators scored
// with evidence and the review of each 书记抓党建述职; the result per
// organisation and per 书记; and innovation with 容错: registered before it
// is tried, put on the 容错 list by the organisation above once it is
// politically sound, a success earning 创新加分 and a failure either
// penalised or neutralised by a 容错免责 ruling.
package assess

import "hongdun/internal/platform/choice"

// Kinds of indicator.
const (
	Computed   = "computed" // from the platform's records (Source)
	Scored     = "scored"   // points given by the organisation, with evidence
	ReportKind = "report"   // from the grade of the 书记抓党建述职
)

// IndicatorKinds names the kinds.
var IndicatorKinds = choice.List{{Code: Computed, Label: "系统计算"}, {Code: Scored, Label: "评分（附佐证）"}, {Code: ReportKind, Label: "书记抓党建述职评议"}}

// Targets of a set: the branches or the 党委 below its organisation.
const (
	Branches   = "branches"
	Committees = "committees"
)

// TargetKinds names the targets.
var TargetKinds = choice.List{{Code: Branches, Label: "党支部"}, {Code: Committees, Label: "党委"}}

// Grades of a 述职 review and the share of the indicator's points each
// earns.
var Grades = choice.List{{Code: "excellent", Label: "好"}, {Code: "good", Label: "较好"}, {Code: "fair", Label: "一般"}, {Code: "poor", Label: "差"}}

// GradeShare is the share of a report indicator's weight a grade earns.
var GradeShare = map[string]float64{"excellent": 1, "good": 0.85, "fair": 0.7, "poor": 0.5}

// Rules are the bureau's numbers for innovation in the assessment. A
// variable, so that a local rule set can change them.
type Rules struct {
	CreditMax   float64 // 创新加分 of one organisation in a year, at most
	CreditEach  float64 // the most one successful innovation earns
	FailPenalty float64 // deducted for a failed innovation without 容错免责
}

// InnovationRules are the rules in force.
var InnovationRules = Rules{CreditMax: 5, CreditEach: 3, FailPenalty: 2}

// The rules of innovation and 容错, named in refusals.
const (
	rulePrior  = "R-innovation-prior"
	citePrior  = "中共中央办公厅《关于进一步激励广大干部新时代新担当新作为的意见》（2018）建立容错纠错机制；本局实施办法：创新事项须在实施前登记"
	ruleSound  = "R-innovation-sound"
	citeSound  = "《关于进一步激励广大干部新时代新担当新作为的意见》“三个区分开来”；本局实施办法：上级党组织审核政治方向后列入容错清单"
	ruleExempt = "R-innovation-exempt"
	citeExempt = "《关于进一步激励广大干部新时代新担当新作为的意见》：容错以事前备案、程序合规为前提；本局实施办法：列入容错清单后实施的创新事项失败方可免责"
	ruleCredit = "R-innovation-credit"
	citeCredit = "本局年度绩效考评办法（可配置）：创新加分每项不超过规定分值，每年累计不超过上限"
	ruleWeight = "R-assess-weights"
	citeWeight = "本局年度绩效考评办法：考评指标权重合计 100 分"
)
