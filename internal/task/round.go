package task

import (
	"fmt"
	"math"
	"time"

	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/ranking"
)

// RoundPeriods are the periods a 擂台比武 round covers.
var RoundPeriods = choice.List{{Code: "Q1", Label: "第一季度"}, {Code: "Q2", Label: "第二季度"}, {Code: "Q3", Label: "第三季度"}, {Code: "Q4", Label: "第四季度"}, {Code: "Y", Label: "全年"}}

// periodSpan is the first and last day of a round's period.
func periodSpan(year int, period string) (civil.Date, civil.Date, bool) {
	if period == "Y" {
		return civil.New(year, 1, 1), civil.New(year, 12, 31), true
	}
	if len(period) != 2 || period[0] != 'Q' || period[1] < '1' || period[1] > '4' {
		return civil.Date{}, civil.Date{}, false
	}
	from := civil.New(year, time.Month(3*int(period[1]-'0')-2), 1)
	return from, from.AddMonths(3).AddDays(-1), true
}

// States of a round.
const (
	RoundOpen   = "open"   // computed, judging may go on, recomputed on demand
	RoundClosed = "closed" // published: the snapshot never changes again
)

var roundStates = map[string]string{RoundOpen: "评比中", RoundClosed: "已发布"}

// Round is one 擂台比武 round.
type Round struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	Kind        string `json:"kind"`
	Year        int    `json:"year"`
	Period      string `json:"period"`
	Title       string `json:"title"`
	StartsOn    string `json:"starts_on"`
	EndsOn      string `json:"ends_on"`
	Judged      bool   `json:"judged"`
	JudgeWeight int    `json:"judge_weight"` // percent of the final score from the judges
	State       string `json:"state"`
	StateLabel  string `json:"state_label"`
	PrevRoundID int64  `json:"prev_round_id,omitempty"`
	ComputedAt  int64  `json:"computed_at"`
	ClosedAt    int64  `json:"closed_at,omitempty"`
	Version     int    `json:"version"`
	orgPath     string
}

// KindLabel names whom the round ranks.
func (r *Round) KindLabel() string {
	if r.Kind == ToCommittees {
		return "党委"
	}
	return "党支部"
}

func (r *Round) finish() {
	r.StateLabel = roundStates[r.State]
	r.Title = fmt.Sprintf("%d年%s擂台比武（%s）", r.Year, RoundPeriods.Label(r.Period), r.KindLabel())
}

// RoundStanding is one contestant of a round: its task results as of the
// period's end, the judges' average where the round is judged, the final
// score and place, and the change since the previous round.
type RoundStanding struct {
	OrgID      int64   `json:"org_id"`
	Name       string  `json:"name"`
	Secretary  string  `json:"secretary"`
	Due        int     `json:"due"`
	Done       int     `json:"done"`
	OnTime     int     `json:"on_time"`
	Overdue    int     `json:"overdue"`
	Rate       float64 `json:"rate"`
	Score      float64 `json:"score"`       // from the tasks
	JudgeScore float64 `json:"judge_score"` // the judges' average, 0 before any mark
	Judges     int     `json:"judges"`      // marks received
	Final      float64 `json:"final"`
	PrevFinal  float64 `json:"prev_final"`   // 0 when unranked then
	ScoreDiff  float64 `json:"score_change"` // Final − PrevFinal
	Progress
}

// ScoreArrow is the sign of the score's change.
func (s RoundStanding) ScoreArrow() string {
	switch {
	case s.PrevRank == 0 || s.ScoreDiff == 0:
		return "—"
	case s.ScoreDiff > 0:
		return "↑"
	}
	return "↓"
}

// ScoreAbs is the size of the score's change.
func (s RoundStanding) ScoreAbs() float64 { return math.Abs(s.ScoreDiff) }

// marks sums the judges' marks of one contestant.
type marks struct {
	sum float64
	n   int
}

// prior is a contestant's place and score in the previous round.
type prior struct {
	rank  int
	final float64
}

func round1(x float64) float64 { return math.Round(10*x) / 10 }

// standings ranks a round's contestants: the task score as of asOf; in a
// judged round the final score weighs the judges' average by weight
// percent; equal finals (and rates) share a place; the change is against
// the previous round's places and finals.
func standings(rows []arenaRow, asOf string, judged bool, weight int, ms map[int64]marks, prev map[int64]prior) []*RoundStanding {
	base := rank(rows, asOf)
	out := make([]*RoundStanding, 0, len(base))
	for id, s := range base {
		rs := &RoundStanding{OrgID: id, Due: s.Due, Done: s.Done, OnTime: s.OnTime, Overdue: s.Overdue, Rate: s.Rate, Score: s.Score, Final: s.Score}
		if judged {
			if m := ms[id]; m.n > 0 {
				rs.JudgeScore, rs.Judges = round1(m.sum/float64(m.n)), m.n
			}
			rs.Final = round1(float64(100-weight)*rs.Score/100 + float64(weight)*rs.JudgeScore/100)
		}
		out = append(out, rs)
	}
	ranking.Place(out, func(s *RoundStanding) [2]float64 { return [2]float64{s.Final, s.Rate} },
		func(s *RoundStanding) int64 { return s.OrgID }, func(s *RoundStanding, r int) { s.Rank = r })
	for _, s := range out {
		if p, ok := prev[s.OrgID]; ok {
			s.PrevRank, s.PrevFinal = p.rank, p.final
			s.Change, s.ScoreDiff = p.rank-s.Rank, round1(s.Final-p.final)
		}
	}
	return out
}
