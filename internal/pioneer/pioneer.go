// Package pioneer keeps a branch's 党员示范岗, 先锋岗 and 党员责任区 with
// their members, and 承诺践诺: each member's yearly public commitment
// (亮任务、亮目标), visible to the branch, the deeds that fulfil it through
// the year with their evidence (亮成效), its review at year end (which the
// 民主评议 shows), and the printable display board (图版上墙) of a branch.
package pioneer

import "hongdun/internal/platform/core"

// Service runs posts and commitments.
type Service struct{ *core.Deps }

// Kinds of post.
const (
	Model    = "model"    // 党员示范岗
	Vanguard = "vanguard" // 党员先锋岗
	Zone     = "zone"     // 党员责任区
)

// Kind is a post kind with its name.
type Kind struct{ Key, Label string }

// Kinds lists the kinds in display order.
var Kinds = []Kind{{Model, "党员示范岗"}, {Vanguard, "党员先锋岗"}, {Zone, "党员责任区"}}

// KindLabel names a kind ("" when unknown).
func KindLabel(k string) string {
	for _, x := range Kinds {
		if x.Key == k {
			return x.Label
		}
	}
	return ""
}

// Roles on a post.
var Roles = []string{"岗长", "成员"}

func validRole(r string) bool { return r == Roles[0] || r == Roles[1] }

// Reviews of a year's commitment, best first.
var Reviews = []Kind{{"good", "好"}, {"fine", "较好"}, {"fair", "一般"}, {"poor", "差"}}

// ReviewLabel names a review ("" when unknown or none).
func ReviewLabel(k string) string {
	for _, x := range Reviews {
		if x.Key == k {
			return x.Label
		}
	}
	return ""
}

// Dates of the commitment year, as local practice sets them: commitments
// are made public by the end of March, reviewed from November on and by
// the end of the following January.
const (
	commitBy    = "-03-31"
	reviewFrom  = "-11-01"
	reviewByDay = "-01-31" // of the following year
)
