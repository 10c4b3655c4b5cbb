package life

import (
	"fmt"
	"time"

	"hongdun/internal/platform/civil"
)

// Quorum is whether enough of those who should attend were present.
type Quorum struct {
	Applies  bool   `json:"applies"`  // only 党员大会 and 支委会 have one
	Expected int    `json:"expected"` // 应到: voting members, or committee members
	Present  int    `json:"present"`  // 实到 among them
	Needed   int    `json:"needed"`
	Met      bool   `json:"met"`
	Rule     string `json:"rule,omitempty"`
	Citation string `json:"citation,omitempty"`
	Text     string `json:"text"`
}

// QuorumOf computes the quorum of a meeting of kind: a 支部党员大会 needs
// more than half of the voting members who should attend, a 支委会 at least
// half of its members. Other kinds have none and always count.
func QuorumOf(kind string, expected, present int) Quorum {
	q := Quorum{Expected: expected, Present: present}
	switch kind {
	case Congress:
		q.Applies, q.Needed, q.Rule, q.Citation = true, expected/2+1, ruleCongress, citeCongress
	case Committee:
		q.Applies, q.Needed, q.Rule, q.Citation = true, max((expected+1)/2, 1), ruleCommittee, citeCommittee
	default:
		q.Met = true
		q.Text = fmt.Sprintf("应到 %d 人，实到 %d 人", expected, present)
		return q
	}
	q.Met = expected > 0 && present >= q.Needed
	what := "有表决权的党员"
	if kind == Committee {
		what = "支委会委员"
	}
	verdict := "达到法定人数"
	if !q.Met {
		verdict = "未达到法定人数，不计入本期组织生活"
	}
	q.Text = fmt.Sprintf("应到%s %d 人，实到 %d 人，至少需 %d 人：%s", what, expected, present, q.Needed, verdict)
	return q
}

// Period is one period of a frequency in a year.
type Period struct {
	Index int        `json:"index"` // 1-based within the year
	From  civil.Date `json:"-"`
	To    civil.Date `json:"-"` // last day
	Label string     `json:"label"`
	Due   string     `json:"due"` // To as YYYY-MM-DD
}

// Periods splits a year by a frequency; none has no periods.
func Periods(year int, per string) []Period {
	months := map[string]int{Month: 1, Quarter: 3, Year: 12}[per]
	if months == 0 {
		return nil
	}
	var out []Period
	for i := 0; i < 12/months; i++ {
		from := civil.New(year, time.Month(1+i*months), 1)
		to := from.AddMonths(months).AddDays(-1)
		p := Period{Index: i + 1, From: from, To: to, Due: to.String()}
		switch per {
		case Month:
			p.Label = fmt.Sprintf("%d月", i+1)
		case Quarter:
			p.Label = fmt.Sprintf("第%d季度", i+1)
		default:
			p.Label = fmt.Sprintf("%d年", year)
		}
		out = append(out, p)
	}
	return out
}

// PeriodOf is the period of a frequency that holds d.
func PeriodOf(d civil.Date, per string) (Period, bool) {
	for _, p := range Periods(d.Year(), per) {
		if !d.Before(p.From) && !p.To.Before(d) {
			return p, true
		}
	}
	return Period{}, false
}

// Cell states.
const (
	Done     = "done"
	Overdue  = "overdue"
	Due      = "due"      // the period is running and nothing counts yet
	Upcoming = "upcoming" // the period has not started
)

var stateLabels = map[string]string{Done: "已开展", Overdue: "逾期未开展", Due: "本期待开展", Upcoming: "未到期"}

// StateLabel names a cell state.
func StateLabel(s string) string { return stateLabels[s] }

// StateOf is the state of a period on a day, given how many meetings count.
func StateOf(p Period, held int, today civil.Date) string {
	switch {
	case held > 0:
		return Done
	case p.To.Before(today):
		return Overdue
	case today.Before(p.From):
		return Upcoming
	}
	return Due
}
