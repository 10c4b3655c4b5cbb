// Package appraisal runs 民主评议党员 (rules.md §3): a yearly round per
// branch in which each member writes a 自评, the members mark each other
// (民主测评, with 互评 comments) on a phone or on paper, and the branch
// rates each member 优秀, 合格, 基本合格 or 不合格; a member rated 不合格 is
// given a 限期改正 of at most a year, followed to its outcome.
package appraisal

// Grades, best first.
const (
	Excellent   = "excellent"
	Qualified   = "qualified"
	Basic       = "basic"
	Unqualified = "unqualified"
)

// Grade is a grade with its name.
type Grade struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Grades lists the grades in order.
var Grades = []Grade{{Excellent, "优秀"}, {Qualified, "合格"}, {Basic, "基本合格"}, {Unqualified, "不合格"}}

// GradeLabel names a grade ("" when unknown).
func GradeLabel(key string) string {
	for _, g := range Grades {
		if g.Key == key {
			return g.Label
		}
	}
	return ""
}

// Outcomes of a 限期改正.
const (
	Corrected    = "corrected"
	NotCorrected = "not_corrected"
)

var resultLabels = map[string]string{Corrected: "已改正", NotCorrected: "经教育仍未改正"}

// ResultLabel names the outcome of a 限期改正.
func ResultLabel(key string) string { return resultLabels[key] }

// Tally counts marks per grade.
type Tally struct {
	Excellent   int `json:"excellent"`
	Qualified   int `json:"qualified"`
	Basic       int `json:"basic"`
	Unqualified int `json:"unqualified"`
}

// Total is the number of marks.
func (t Tally) Total() int { return t.Excellent + t.Qualified + t.Basic + t.Unqualified }

// Of returns the count of one grade.
func (t Tally) Of(grade string) int {
	switch grade {
	case Excellent:
		return t.Excellent
	case Qualified:
		return t.Qualified
	case Basic:
		return t.Basic
	case Unqualified:
		return t.Unqualified
	}
	return 0
}

func (t *Tally) add(grade string, n int) {
	switch grade {
	case Excellent:
		t.Excellent += n
	case Qualified:
		t.Qualified += n
	case Basic:
		t.Basic += n
	case Unqualified:
		t.Unqualified += n
	}
}

// Plus is the sum of two tallies.
func (t Tally) Plus(o Tally) Tally {
	return Tally{t.Excellent + o.Excellent, t.Qualified + o.Qualified, t.Basic + o.Basic, t.Unqualified + o.Unqualified}
}

// The rules a round applies (rules.md §3).
const (
	ruleCorrection = "R-correction"
	citeCorrection = "《中国共产党党员教育管理工作条例》第三十条：对不合格党员限期改正，期限最长不超过一年"
	// maxCorrectionMonths is how long a 限期改正 may last at most.
	maxCorrectionMonths = 12
)
