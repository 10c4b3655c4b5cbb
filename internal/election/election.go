// Package election records 换届选举: the election meeting of an
// organisation whose term ends (who should and did attend, the ballots,
// the candidates and their votes, who is elected), the new committee's
// division of posts, and the upper organisation's approval of the 书记 and
// the committee, which renews the committee and its term through
// org.Renew. The rules of 《中国共产党基层组织选举工作条例》 refuse an
// election that could not stand.
package election

import (
	"fmt"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
)

// States of a record.
const (
	Recorded = "recorded" // held, waiting for the upper approval
	Approved = "approved" // approved: the committee is renewed
)

var stateLabels = map[string]string{Recorded: "待上级批复", Approved: "已批复"}

// StateLabel names a state.
func StateLabel(s string) string { return stateLabels[s] }

// The rules an election record applies.
const (
	ruleQuorum   = "R-election-quorum"
	citeQuorum   = "《中国共产党基层组织选举工作条例》：有选举权的到会人数超过应到会人数的五分之四，会议有效"
	ruleBallots  = "R-election-ballots"
	citeBallots  = "《中国共产党基层组织选举工作条例》：收回的选票数多于投票人数的，选举无效，应重新选举"
	ruleMargin   = "R-election-margin"
	citeMargin   = "《中国共产党基层组织选举工作条例》：实行差额选举，候选人数应多于应选人数的百分之二十"
	ruleMajority = "R-election-majority"
	citeMajority = "《中国共产党基层组织选举工作条例》：被选举人获得的赞成票超过实到会有选举权人数的一半，始得当选"
	ruleSeats    = "R-committee-size"
	citeSeats    = "《中国共产党支部工作条例（试行）》：正式党员7人以上的党支部设支部委员会，委员3至5人，一般不超过7人；不足7人的设书记1人，必要时设副书记1人"
)

// seats is how many committee members an organisation of a kind with full
// 正式党员 elects (rules.md §1; 党总支 and 党委 by common practice).
func seats(kind string, full int) (min, max int) {
	switch kind {
	case org.Committee:
		return 5, 11
	case org.General:
		return 3, 7
	}
	if full < org.DefaultRules.CommitteeFrom {
		return 1, 2
	}
	return org.DefaultRules.MinCommittee, 7
}

// minCandidates is the smallest slate for a number of seats: more than the
// seats by at least a fifth, rounded up.
func minCandidates(seats int) int { return seats + (seats+4)/5 }

// Counts are the figures of the election meeting.
type Counts struct {
	Seats    int `json:"seats"`    // 应选委员
	Expected int `json:"expected"` // 应到会有选举权的党员
	Present  int `json:"present"`  // 实到
	Issued   int `json:"issued"`   // 发出选票
	Returned int `json:"returned"` // 收回选票
	Invalid  int `json:"invalid"`  // 无效票
}

// check refuses figures that cannot stand: more voters than the roster of
// 正式党员 (roster), a meeting without its quorum, more ballots than
// voters, seats the rules do not allow.
func (c Counts) check(kind string, roster int) error {
	min, max := seats(kind, roster)
	switch {
	case c.Seats < 1:
		return fail.Malformed("seats", "请填写应选委员人数")
	case c.Seats < min || c.Seats > max:
		e := fail.Rule(ruleSeats, citeSeats, fmt.Sprintf("本组织现有正式党员 %d 人，应选委员人数应在 %d 至 %d 人之间", roster, min, max))
		e.Field = "seats"
		return e
	case c.Expected < 1:
		return fail.Malformed("expected", "请填写应到会的有选举权党员人数")
	case c.Expected > roster:
		return fail.NotAllowed("expected", fmt.Sprintf("应到会人数 %d 多于选举日有选举权的正式党员 %d 人", c.Expected, roster))
	case c.Present < 0 || c.Present > c.Expected:
		return fail.NotAllowed("present", fmt.Sprintf("实到人数应在 0 至应到人数 %d 之间", c.Expected))
	case c.Present*5 <= c.Expected*4:
		e := fail.Rule(ruleQuorum, citeQuorum, fmt.Sprintf("实到 %d 人，未超过应到 %d 人的五分之四，选举大会无效", c.Present, c.Expected))
		e.Field = "present"
		return e
	case c.Issued < 0 || c.Issued > c.Present:
		return fail.NotAllowed("issued", fmt.Sprintf("发出选票应在 0 至实到人数 %d 之间", c.Present))
	case c.Returned < 0:
		return fail.NotAllowed("returned", "收回选票不能为负数")
	case c.Returned > c.Issued:
		e := fail.Rule(ruleBallots, citeBallots, fmt.Sprintf("收回选票 %d 张，多于发出的 %d 张，选举无效", c.Returned, c.Issued))
		e.Field = "returned"
		return e
	case c.Invalid < 0 || c.Invalid > c.Returned:
		return fail.NotAllowed("invalid", fmt.Sprintf("无效票应在 0 至收回选票 %d 张之间", c.Returned))
	}
	return nil
}

// Candidate is one name on the ballot with its votes.
type Candidate struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Votes    int    `json:"votes"`
	Elected  bool   `json:"elected"`
	Post     string `json:"post,omitempty"`
}

// elect marks who is elected: by votes, those with more than half of the
// voters present, up to the seats. A tie at the last seat between
// candidates who all passed is refused: they are voted on again.
func elect(cs []Candidate, c Counts) error {
	if len(cs) < minCandidates(c.Seats) {
		e := fail.Rule(ruleMargin, citeMargin, fmt.Sprintf("应选 %d 人，候选人至少应有 %d 人（现有 %d 人）", c.Seats, minCandidates(c.Seats), len(cs)))
		e.Field = "candidates"
		return e
	}
	valid := c.Returned - c.Invalid
	for _, x := range cs {
		if x.Votes < 0 || x.Votes > valid {
			return fail.NotAllowed("candidates", fmt.Sprintf("%s 得 %d 票：得票应在 0 至有效票 %d 张之间", x.Name, x.Votes, valid))
		}
	}
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cs[order[a]].Votes > cs[order[b]].Votes })
	passed := func(i int) bool { return cs[i].Votes*2 > c.Present }
	n := 0
	for _, i := range order {
		if n == c.Seats || !passed(i) {
			break
		}
		cs[i].Elected = true
		n++
	}
	if n == 0 {
		e := fail.Rule(ruleMajority, citeMajority, fmt.Sprintf("没有候选人获得超过实到 %d 人一半的赞成票，无人当选，应重新选举", c.Present))
		e.Field = "candidates"
		return e
	}
	if n == c.Seats && n < len(order) {
		last, next := cs[order[n-1]], order[n]
		if passed(next) && cs[next].Votes == last.Votes {
			return fail.NotAllowed("candidates", fmt.Sprintf("%s 与 %s 均得 %d 票且都过半数，剩余名额不足：请对得票相等的候选人再次投票后登记",
				last.Name, cs[next].Name, last.Votes))
		}
	}
	return nil
}
